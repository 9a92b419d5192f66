#include "recoverysim/simulator.hpp"

#include "recoverysim/detmath.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace recoverysim {

// ---------------------------------------------------------------------------------------------
// Histogram and result buffers

int DurationHistogram::bin(double hours) noexcept {
  if (!(hours >= kMinHours)) return 0;
  // Deterministic on every CPU (see detmath.hpp): log10(y) = ln(y) / ln(10).
  const double pos = dm::log(hours / kMinHours) * (kPerDecade / 2.302585092994046);
  if (!(pos < kBins)) return kBins - 1;  // also +inf: no float-to-integer overflow
  const int b = 1 + static_cast<int>(pos);
  return b >= kBins - 1 ? kBins - 1 : b;
}

double DurationHistogram::lower_edge(int bin) noexcept {
  if (bin <= 0) return 0.0;
  return kMinHours * dm::exp(2.302585092994046 * static_cast<double>(bin - 1) / kPerDecade);
}

void RunResults::allocate(const CompiledModel& m, std::uint64_t first, std::uint64_t n, double h) {
  first_replication = first;
  replications = n;
  n_services = m.services.size();
  n_components = m.components.size();
  n_modes = m.modes.size();
  n_phases = m.phases.size();
  n_causes = m.n_causes();
  n_spares = m.spares.size();
  horizon = h;
  const std::size_t ns = n * n_services;
  service_downtime.assign(ns, 0.0);
  service_outages.assign(ns, 0);
  service_rto_met.assign(ns, 0);
  service_rto_breaches.assign(ns, 0);
  service_planned_downtime.assign(ns, 0.0);
  service_planned_outages.assign(ns, 0);
  service_max_outage.assign(ns, 0.0);
  service_loss_incidents.assign(ns, 0);
  service_rpo_breaches.assign(ns, 0);
  service_data_lost.assign(ns, 0.0);
  service_max_loss.assign(ns, 0.0);
  service_cause_downtime.clear();
  service_phase_downtime.clear();
  component_downtime.assign(n * n_components, 0.0);
  component_planned_downtime.assign(n * n_components, 0.0);
  component_loss_incidents.assign(n * n_components, 0);
  component_data_lost.assign(n * n_components, 0.0);
  mode_failures.assign(n * n_modes, 0);
  service_cost_downtime.assign(ns, 0.0);
  service_cost_outages.assign(ns, 0.0);
  service_cost_beyond_rto.assign(ns, 0.0);
  service_cost_planned.assign(ns, 0.0);
  service_cost_data.assign(ns, 0.0);
  service_cost_sla.assign(ns, 0.0);
  service_cause_cost.clear();
  events.assign(n, 0);
  for (auto* v : {&service_full_time, &service_degraded_time, &service_capacity_down_time,
                  &service_unserved, &service_demand})
    v->assign(ns, 0.0);
  spare_stockouts.assign(n * n_spares, 0);
  spare_out_of_stock.assign(n * n_spares, 0.0);
  outage_histogram.assign(n_services * DurationHistogram::kBins, 0);
  outages.clear();
  outage_phases.clear();
  losses.clear();
}

// ---------------------------------------------------------------------------------------------
// Set-up

Replicator::Replicator(const CompiledModel& model, const RunOptions& options)
    : m_(model),
      opt_(options),
      streams_(model),
      comp_(model),
      recovery_(model),
      data_(model),
      gates_(model),
      standby_(model),
      crews_(model),
      work_end_(model.components.size()),
      remaining_(model.components.size(), -1.0),
      shift_week_(model.crew_sizes.size()),
      spares_(model),
      deps_(model),
      restarts_(model),
      phases_(model),
      outages_(model),
      cost_(model.costs, options.horizon) {}

void Replicator::reset(std::uint64_t rep) {
  rep_ = rep;
  queue_.clear();
  streams_.reset(m_, opt_.seed, rep);
  gates_.reset(m_);
  capacity_.reset(m_);
  standby_.reset();
  crews_.reset();
  if (m_.has_step_requirements) deps_.reset();
  if (m_.has_restarts) restarts_.reset(m_, streams_.replication_key);
  holds_.reset();
  cascades_.reset();
  phases_.reset();
  outages_.reset();
  comp_.reset(m_);
  recovery_.reset();
  data_.reset();
  if (m_.costs.any_sla) cost_.reset();
  // The first events, in a fixed order (ties at one instant fire in scheduling order): every
  // component's first failure, every shock's first arrival, every window's first opening.
  for (std::uint32_t c = 0; c < nc(); ++c) renew(c, 0.0);
  for (std::uint32_t k = 0; k < m_.shocks.size(); ++k) {
    const double first = m_.shocks[k].every.sample(streams_.shock[k]);
    if (first < opt_.horizon) queue_.push(first, k, 0, EventType::shock);
  }
  for (std::uint32_t w = 0; w < m_.maintenance.size(); ++w)
    if (m_.maintenance[w].offset < opt_.horizon)
      queue_.push(m_.maintenance[w].offset, w, 0, EventType::maintenance);
  for (std::uint32_t i = 0; i < m_.forced.size(); ++i)
    if (m_.forced[i].time < opt_.horizon) queue_.push(m_.forced[i].time, i, 0, EventType::forced);
  reset_resources();  // issue 14: crew calendars and spare pools (nothing without them)
}

// ---------------------------------------------------------------------------------------------
// Tracing (off unless Model.trace asked for it: every call site checks trace_ first)

void Replicator::trace(double t, const char* event, const std::string& entity, std::string detail,
                       double value) {
  if (trace_->size() >= trace_limit_)
    throw std::length_error("the trace has more than " + std::to_string(trace_limit_) +
                            " events before the horizon");
  trace_->push_back({t, event, entity, std::move(detail), value});
}

std::string Replicator::cause_name(std::int32_t cause) const {
  if (cause < 0) return {};
  const auto c = static_cast<std::size_t>(cause);
  if (c >= m_.modes.size()) return "shock " + m_.shocks[c - m_.modes.size()].name;
  return m_.components[m_.modes[c].component].name + "/" + m_.modes[c].name;
}

std::string Replicator::gate_name(std::uint32_t g) const {
  if (m_.gates[g].service >= 0)
    return m_.services[static_cast<std::size_t>(m_.gates[g].service)].name;
  std::string out = "standby(";
  for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
    out += (i > m_.child_offset[g] ? "," : "") + m_.components[m_.children[i]].name;
  return out + ")";
}

// ---------------------------------------------------------------------------------------------
// Ageing and failures

// The ageing rate of an up component: 1, times its standby factor (dormancy while a spare),
// times its load-sharing factor (1 + f * members down), times 0 while every service above it is
// down if the model says components do not age then.
double Replicator::nominal_rate(std::uint32_t c) const noexcept {
  const Component& comp = m_.components[c];
  double r = 1.0;
  if (comp.standby_gate >= 0 && standby_.active[comp.standby_gate] != comp.standby_member)
    r = m_.gates[comp.standby_gate].standby.dormancy;
  if (comp.load_gate >= 0) {
    const Gate& g = m_.gates[comp.load_gate];
    r *= 1.0 + g.load_sharing * (g.n - gates_.up_children[comp.load_gate]);
  }
  if (!m_.age_when_down && comp_.services_up_above[c] == 0 && m_.sa_offset[c + 1] > m_.sa_offset[c])
    r = 0.0;
  return r;
}

void Replicator::update_load_rates(std::uint32_t g, double t) {
  const std::uint32_t* kids = m_.children.data() + m_.child_offset[g];
  for (std::int32_t i = 0; i < m_.gates[g].n; ++i) set_rate(kids[i], nominal_rate(kids[i]), t);
}

// As good as new: age 0, a fresh time to failure for every competing mode.
void Replicator::renew(std::uint32_t c, double t) {
  const Component& comp = m_.components[c];
  double best = std::numeric_limits<double>::infinity();
  std::int32_t best_mode = -1;
  for (std::uint32_t i = 0; i < comp.n_modes; ++i) {
    const std::uint32_t m = comp.first_mode + i;
    const double ttf = m_.modes[m].ttf.sample(streams_.failure[m]);
    if (ttf < best) {
      best = ttf;
      best_mode = static_cast<std::int32_t>(m);
    }
  }
  comp_.age[c] = 0.0;
  comp_.rate[c] = comp_.up[c] ? nominal_rate(c) : 0.0;
  comp_.since[c] = t;
  comp_.fail_age[c] = best;
  comp_.fail_mode[c] = best_mode;
  schedule_failure(c, t);
}

// The pending failure fires when the age reaches fail_age; age grows at `rate` from `since`.
void Replicator::schedule_failure(std::uint32_t c, double t) {
  ++comp_.gen[c];  // cancels the previously scheduled failure
  if (!(comp_.rate[c] > 0)) return;
  const double when = t + (comp_.fail_age[c] - comp_.age[c]) / comp_.rate[c];
  if (when < opt_.horizon) queue_.push(when, c, comp_.gen[c], EventType::failure);
}

// A change of ageing rate (dormant spare taking over, load sharing...) reschedules the pending
// failure from the remaining age.
void Replicator::set_rate(std::uint32_t c, double rate, double t) {
  if (!comp_.up[c] || rate == comp_.rate[c]) return;
  comp_.age[c] += (t - comp_.since[c]) * comp_.rate[c];
  comp_.since[c] = t;
  comp_.rate[c] = rate;
  schedule_failure(c, t);
}

// Component c fails with `mode` (a failure mode, or the planned mode of a maintenance window);
// `cause` is what began it (the mode itself, a cascade's source cause, or a shock).
void Replicator::fail(std::uint32_t c, double t, std::int32_t mode, std::int32_t cause) {
  const Mode& md = m_.modes[static_cast<std::size_t>(mode)];
  ++out_->mode_failures[row_ * out_->n_modes + static_cast<std::size_t>(mode)];
  if (trace_)
    trace(t, md.planned ? "maintenance" : "failure", m_.components[c].name,
          cause == mode ? md.name : md.name + " (cause: " + cause_name(cause) + ")");
  comp_.age[c] += (t - comp_.since[c]) * comp_.rate[c];
  comp_.rate[c] = 0.0;
  comp_.since[c] = t;
  ++comp_.gen[c];  // cancels the pending failure (a shock, cascade or window came first)
  comp_.up[c] = 0;
  comp_.failed[c] = 1;
  comp_.down_since[c] = t;
  comp_.active_mode[c] = mode;
  phases_.begin_incident(c);
  if (md.data_loss != DataLoss::none)
    data_loss(c, mode, t);
  else if (m_.components[c].backup.every > 0)
    data_.recovery_point[c] = recovery_point(c, t);
  for (std::uint32_t j = 0; j < md.n_cascades; ++j) {
    const Cascade& cs = m_.cascades[md.first_cascade + j];
    Stream& st = streams_.cascade[static_cast<std::size_t>(mode)];
    if (cs.probability < 1.0 && !(st.uniform() < cs.probability)) continue;
    const double when = t + cs.delay.sample(st);
    if (!(when < opt_.horizon)) continue;
    const std::uint32_t slot = cascades_.acquire();
    cascades_.items[slot] = {cs.target, cs.mode, cause};
    queue_.push(when, slot, 0, EventType::cascade);
  }
  set_node(c, false, t, cause, c);
  start_procedure(c, md.procedure, t);
}

// ---------------------------------------------------------------------------------------------
// Shocks: a shock either fails its hit targets (their procedures follow) or holds them down
// together for one sampled outage. A held component does not age; when the last hold ends it
// is up again (if not failed) and resumes ageing from where it stopped.

void Replicator::shock_arrives(std::uint32_t k, double t) {
  const Shock& sh = m_.shocks[k];
  Stream& st = streams_.shock[k];
  const double next = t + sh.every.sample(st);
  if (next < opt_.horizon) queue_.push(next, k, 0, EventType::shock);
  shock_hits(k, t, st, false);
}

// An incident scenario's event: a component fails in the given mode (if it is up), or a shock
// arrives and hits every target (its own arrivals go on as before).
void Replicator::forced_event(std::uint32_t i, double t) {
  const ForcedEvent& f = m_.forced[i];
  if (f.shock) {
    shock_hits(f.target, t, streams_.forced[i], true);
  } else {
    if (trace_)
      trace(t, "forced", m_.components[f.target].name,
            m_.modes[static_cast<std::size_t>(f.mode)].name);
    if (comp_.up[f.target]) fail(f.target, t, f.mode, f.mode);
  }
}

void Replicator::shock_hits(std::uint32_t k, double t, Stream& st, bool every_target) {
  const Shock& sh = m_.shocks[k];
  const auto cause = static_cast<std::int32_t>(m_.modes.size() + k);
  if (trace_) trace(t, "shock", sh.name, sh.hold ? "hold" : "trigger");
  std::uint32_t slot = 0;
  std::vector<std::uint32_t>* held = nullptr;
  if (sh.hold) {
    slot = holds_.acquire();
    held = &holds_.items[slot];
    held->clear();
  }
  for (std::size_t i = 0; i < sh.targets.size(); ++i) {
    if (!every_target && sh.probability < 1.0 && !(st.uniform() < sh.probability)) continue;
    const std::uint32_t c = sh.targets[i];
    if (!sh.hold) {
      if (comp_.up[c]) fail(c, t, sh.target_modes[i], cause);
      continue;
    }
    held->push_back(c);
    hold(c, t, cause);
  }
  // Per-target outages (shock_outages.cpp): each held target is released at its own time.
  if (sh.hold && (sh.per_target || sh.has_stagger)) {
    per_target_ends(k, t, st, slot);
    return;
  }
  if (sh.hold) {
    const double end = t + sh.outage.sample(st);
    if (end < opt_.horizon) queue_.push(end, slot, 0, EventType::shock_end);
  }
}

void Replicator::hold(std::uint32_t c, double t, std::int32_t cause) {
  if (trace_) trace(t, "hold", m_.components[c].name, cause_name(cause));
  if (comp_.held[c]++ > 0 || !comp_.up[c]) return;  // already down: the hold only delays its return
  if (m_.components[c].backup.every > 0)            // no backups run while it is held
    data_.recovery_point[c] = recovery_point(c, t);
  comp_.age[c] += (t - comp_.since[c]) * comp_.rate[c];
  comp_.rate[c] = 0.0;
  comp_.since[c] = t;
  ++comp_.gen[c];
  comp_.up[c] = 0;
  comp_.down_since[c] = t;
  comp_.active_mode[c] = -1;
  phases_.begin_incident(c);
  phases_.enter(c, static_cast<std::int32_t>(m_.phase_shock), t);
  set_node(c, false, t, cause, c);
}

void Replicator::release(std::uint32_t c, double t) {
  if (trace_) trace(t, "release", m_.components[c].name);
  if (--comp_.held[c] > 0 || comp_.failed[c]) return;
  back_in_service(c, t);
  went_up(c, t);
  comp_.rate[c] = nominal_rate(c);
  comp_.since[c] = t;
  schedule_failure(c, t);  // resumes from the age it had: a hold is not a repair
  set_node(c, true, t, -1, c);
}

// Data bookkeeping when the component serves again: backups run from now on; after a
// data-loss incident the restored state is the new baseline (what was lost counts once).
void Replicator::back_in_service(std::uint32_t c, double t) {
  const std::int32_t mode = comp_.active_mode[c];
  if (mode >= 0 && m_.modes[static_cast<std::size_t>(mode)].data_loss != DataLoss::none)
    data_.recovery_point[c] = t;
  data_.up_since[c] = t;
}

// Bookkeeping shared by every return to service.
void Replicator::went_up(std::uint32_t c, double t) {
  if (trace_) trace(t, "recovered", m_.components[c].name);
  const std::size_t ci = row_ * out_->n_components + c;
  const bool planned =
      comp_.active_mode[c] >= 0 && m_.modes[static_cast<std::size_t>(comp_.active_mode[c])].planned;
  (planned ? out_->component_planned_downtime : out_->component_downtime)[ci] +=
      t - comp_.down_since[c];
  incident_over(c, t);
  comp_.up[c] = 1;
}

// ---------------------------------------------------------------------------------------------
// Recovery procedures

void Replicator::start_procedure(std::uint32_t c, std::int32_t proc, double t) {
  recovery_.procedure[c] = proc;
  recovery_.step[c] = 0;
  begin_step(c, t);
}

void Replicator::begin_step(std::uint32_t c, double t) {
  recovery_.attempts[c] = 0;
  if (!m_.spares.empty()) spares_.has_spare[c] = 0;  // a new step takes its own spare
  const Step& st = current_step(c);
  if (st.inspection_interval > 0) {
    // A hidden failure waits for the next periodic inspection before anything else happens.
    const double k = std::ceil((t - st.inspection_offset) / st.inspection_interval);
    const double next = st.inspection_offset + std::max(k, 0.0) * st.inspection_interval;
    if (next > t) {
      if (trace_) trace(t, "inspection_wait", m_.components[c].name, m_.phases[st.kind]);
      phases_.enter(c, static_cast<std::int32_t>(m_.phase_inspection_wait), t);
      if (next < opt_.horizon) queue_.push(next, c, ++comp_.gen[c], EventType::step_ready);
      return;
    }
  }
  acquire_crew(c, t);
}

void Replicator::start_work(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  phases_.enter(c, static_cast<std::int32_t>(st.kind), t);
  // Step requirements: the step now runs (step_dependencies.cpp; stage `working`).
  if (m_.has_step_requirements && deps_.stage[c] == DependencyStage::ready)
    deps_.stage[c] = DependencyStage::working;
  double d;
  if (remaining_[c] >= 0) {  // a paused step resumes with the work it had left
    if (trace_) trace(t, "step_resume", m_.components[c].name, m_.phases[st.kind]);
    d = remaining_[c];
    remaining_[c] = -1.0;
  } else {
    if (trace_) trace(t, "step_start", m_.components[c].name, m_.phases[st.kind]);
    // A step whose requirement was down as it was reached runs for its fallback duration.
    Stream& rs = streams_.recovery[comp_.active_mode[c]];
    d = m_.has_step_requirements && deps_.fallback[c] ? st.fallback.sample(rs)
                                                      : st.duration.sample(rs);
  }
  const double when = t + d;
  work_end_[c] = when;
  if (when < opt_.horizon) queue_.push(when, c, ++comp_.gen[c], EventType::step_end);
}

void Replicator::end_step(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  if (st.n_needs) release_crews(c, t);
  bool ok = true;
  if (st.success < 1.0) ok = streams_.recovery[comp_.active_mode[c]].uniform() < st.success;
  if (!ok) {
    if (trace_) trace(t, "step_failed", m_.components[c].name, m_.phases[st.kind]);
    ++recovery_.attempts[c];
    if (st.max_attempts > 0 && recovery_.attempts[c] >= st.max_attempts)
      start_procedure(c, st.escalate, t);
    else
      acquire_crew(c, t);  // retry the same step (no new wait for an inspection)
    return;
  }
  const Procedure& p = m_.procedures[static_cast<std::size_t>(recovery_.procedure[c])];
  if (++recovery_.step[c] < p.n_steps)
    begin_step(c, t);
  else
    recovered(c, t);
}

void Replicator::recovered(std::uint32_t c, double t) {
  comp_.failed[c] = 0;
  recovery_.procedure[c] = -1;
  if (comp_.held[c] > 0) {  // repaired, but a shock still holds it down: back in service at release
    renew(c, t);
    phases_.enter(c, static_cast<std::int32_t>(m_.phase_shock), t);
    return;
  }
  back_in_service(c, t);
  went_up(c, t);
  renew(c, t);
  set_node(c, true, t, -1, c);
}

// ---------------------------------------------------------------------------------------------
// Data protection. Backups are evaluated lazily: the duration and success of backup k of a
// component are drawn from a stream keyed by k, so nothing is simulated until data is lost.

double Replicator::recovery_point(std::uint32_t c, double t) {
  const Component& comp = m_.components[c];
  const BackupSpec& b = comp.backup;
  double rp = data_.recovery_point[c];
  if (b.every <= 0 || t < b.offset) return rp;
  // Backup k starts at offset + k * every (k < 2^62: no float-to-integer overflow). Backups too
  // recent to have finished even at their shortest duration are skipped in closed form: the end
  // offset + k * every + duration_min rises with k in floating point too, so the last k that can
  // have finished is found by bisection, and no draw of a skipped backup could have mattered.
  const auto start_of = [&](std::uint64_t k) {
    return b.offset + static_cast<double>(k) * b.every;
  };
  const double dmin = b.duration.lower_bound();
  const auto can_finish = [&](std::uint64_t k) { return start_of(k) + dmin <= t; };
  const double kmax_d = std::floor((t - b.offset) / b.every);
  std::uint64_t hi = kmax_d < 0x1p62 ? static_cast<std::uint64_t>(kmax_d) : (1ull << 62);
  if (!can_finish(hi)) {
    if (!can_finish(0)) return rp;
    std::uint64_t lo = 0;  // can_finish(lo) && !can_finish(hi)
    while (hi - lo > 1) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      (can_finish(mid) ? lo : hi) = mid;
    }
    hi = lo;
  }
  for (std::uint64_t k = hi, n = 0;; --k, ++n) {
    const double start = start_of(k);
    if (start < data_.up_since[c] || start <= rp) break;  // backups run only while up
    if ((n & 0xFFF) == 0xFFF && stop_ && stop_->load(std::memory_order_relaxed)) break;
    Stream s(combine(streams_.replication_key, entity_key(StreamKind::backup, comp.name_hash, k)));
    const double d = b.duration.sample(s);
    const bool ok = b.success >= 1.0 || s.uniform() < b.success;
    if (ok && start + d <= t) return start;
    if (k == 0) break;
  }
  return rp;
}

void Replicator::data_loss(std::uint32_t c, std::int32_t mode, double t) {
  const Component& comp = m_.components[c];
  const double rp = recovery_point(c, t);
  data_.recovery_point[c] = rp;
  double loss = t - rp;
  if (m_.modes[static_cast<std::size_t>(mode)].data_loss == DataLoss::latest && comp.replicated)
    loss = std::min(loss, comp.replication_lag.sample(streams_.data[c]));
  const std::size_t ci = row_ * out_->n_components + c;
  ++out_->component_loss_incidents[ci];
  out_->component_data_lost[ci] += loss;
  for (std::uint32_t i = m_.sa_offset[c]; i < m_.sa_offset[c + 1]; ++i) {
    const std::uint32_t s = m_.services_above[i];
    const std::size_t si = row_ * out_->n_services + s;
    ++out_->service_loss_incidents[si];
    out_->service_data_lost[si] += loss;
    out_->service_max_loss[si] = std::max(out_->service_max_loss[si], loss);
    if (m_.services[s].has_rpo && loss > m_.services[s].rpo) ++out_->service_rpo_breaches[si];
    if (m_.costs.any) cost_.data_loss(cost_row(), s, loss, mode);
  }
  if (recording_ && n_records_ < opt_.max_records_per_replication) {
    ++n_records_;
    rec_->losses.push_back({rep_, c, mode, t, loss});
  }
  if (trace_) trace(t, "data_loss", comp.name, m_.modes[static_cast<std::size_t>(mode)].name, loss);
}

// ---------------------------------------------------------------------------------------------
// Phases: where the time of an incident goes (detect, crew_wait, restore, switchover, ...).

// The incident of `node` ended: service outages blamed on it keep its breakdown as of now.
void Replicator::incident_over(std::uint32_t node, double t) {
  phases_.enter(node, -1, t);
  if (outages_.blamed_open[node] == 0) return;  // the common case: no open outage is blamed on it
  for (std::size_t s = 0; s < m_.services.size(); ++s) {
    if (outages_.frozen[s] || outages_.blame[s] != node) continue;
    if (gates_.up[m_.services[s].node - nc()]) continue;  // not in an outage
    outages_.frozen[s] = 1;
    --outages_.blamed_open[node];
    const std::size_t np = phases_.n_phases;
    for (std::size_t p = 0; p < np; ++p)
      outages_.breakdown[s * np + p] = phases_.spent[node * np + p] - outages_.snapshot[s * np + p];
  }
}

// ---------------------------------------------------------------------------------------------
// Requirement graph. Count gates keep the number of up children; only a gate whose state flips
// propagates to its parents. `blame` is the node whose incident phases explain the outage.

void Replicator::set_node(std::uint32_t node, bool up, double t, std::int32_t cause,
                          std::uint32_t blame) {
  // Step requirements: steps that need this node pause or resume (step_dependencies.cpp).
  if (m_.has_step_requirements && m_.node_watched[node]) requirement_changed(node, up, t);
  for (std::uint32_t i = m_.parent_offset[node]; i < m_.parent_offset[node + 1]; ++i) {
    const std::uint32_t g = m_.parents[i] - nc();
    const Gate& gate = m_.gates[g];
    if (gate.kind == GateKind::standby) {
      standby_member_changed(g, m_.components[node].standby_member, up, t, cause);
      continue;
    }
    gates_.up_children[g] += up ? 1 : -1;
    if (gate.load_sharing > 0) update_load_rates(g, t);
    const bool now = gate.kind == GateKind::weighted
                         ? weight_changed(g, up ? m_.parent_weight[i] : -m_.parent_weight[i], t)
                         : gates_.up_children[g] >= gate.k;
    // Service restart procedures (step_dependencies.cpp): such a service is up only once its
    // requirement holds and its restart has completed.
    if (m_.has_restarts && gate.service >= 0 &&
        m_.services[static_cast<std::size_t>(gate.service)].restart_n > 0) {
      restart_requirement(g, now, t, cause, blame);
      continue;
    }
    if (now == static_cast<bool>(gates_.up[g])) continue;
    gates_.up[g] = now;
    gate_changed(g, now, t, cause, blame);
  }
}

// A weighted gate's child went up (+w) or down (-w); returns whether the gate holds.
bool Replicator::weight_changed(std::uint32_t g, double dw, double t) {
  const Gate& gate = m_.gates[g];
  const std::int32_t n_up = gates_.up_children[g];
  double& w = gates_.up_weight[g];
  if (gate.capacity >= 0) capacity_.advance(m_, static_cast<std::size_t>(gate.capacity), t, w);
  w = n_up == gate.n ? gate.total : n_up == 0 ? 0.0 : w + dw;
  return weight_holds(gate, w);
}

void Replicator::gate_changed(std::uint32_t g, bool up, double t, std::int32_t cause,
                              std::uint32_t blame) {
  if (m_.gates[g].service >= 0) service_changed(m_.gates[g].service, up, t, cause, blame);
  set_node(nc() + g, up, t, cause, blame);
}

// Standby: one active member; spares take over after detection and switchover.
void Replicator::standby_member_changed(std::uint32_t g, std::int32_t member, bool up, double t,
                                        std::int32_t cause) {
  const std::uint32_t gnode = nc() + g;
  if (!up) {
    if (standby_.loses_active(g, member)) {
      standby_.detecting(g);
      phases_.begin_incident(gnode);
      phases_.enter(gnode, static_cast<std::int32_t>(m_.phase_detect), t);
      gates_.up[g] = 0;
      gate_changed(g, false, t, cause, gnode);
      const double when = t + m_.gates[g].standby.detection.sample(streams_.switchover[g]);
      ++standby_.gen[g];
      if (when < opt_.horizon) queue_.push(when, g, standby_.gen[g], EventType::standby_detected);
    } else if (standby_.loses_target(g, member)) {
      standby_detected(g, t);  // the spare died during the switchover: look for another
    }
    return;
  }
  if (standby_.resumes_with(g, member)) {
    ++standby_.gen[g];
    standby_activate(g, member, t);
  }
}

void Replicator::standby_detected(std::uint32_t g, double t) {
  const std::uint32_t gnode = nc() + g;
  const std::int32_t n = m_.gates[g].n;
  const std::uint32_t* kids = m_.children.data() + m_.child_offset[g];
  ++standby_.gen[g];
  // A corruption of the active member that replicates (data_loss "backup") reached every spare:
  // none can take over, and the group waits for the active member's procedure (its restore).
  const std::uint32_t act = kids[standby_.active[g]];
  if (standby_.phase[g] == StandbyPhase::detecting && comp_.failed[act] &&
      comp_.active_mode[act] >= 0 &&
      m_.modes[static_cast<std::size_t>(comp_.active_mode[act])].data_loss ==
          DataLoss::backup_only) {
    if (trace_)
      trace(t, "spares_unusable", gate_name(g),
            "corruption of " + m_.components[act].name + " (" +
                m_.modes[static_cast<std::size_t>(comp_.active_mode[act])].name +
                ") replicated to the spares: waits for its restore");
    standby_.corrupted(g);
    phases_.enter(gnode, static_cast<std::int32_t>(m_.phase_no_spare), t);
    return;
  }
  std::int32_t target = -1;
  for (std::int32_t k = 1; k < n && target < 0; ++k) {
    const std::int32_t j = (standby_.active[g] + k) % n;
    if (comp_.up[kids[j]]) target = j;
  }
  if (target < 0) {
    if (trace_) trace(t, "no_spare", gate_name(g));
    standby_.no_spare(g);
    phases_.enter(gnode, static_cast<std::int32_t>(m_.phase_no_spare), t);
    return;
  }
  standby_.switching(g, target);
  if (trace_) trace(t, "switchover", gate_name(g), "to " + m_.components[kids[target]].name);
  phases_.enter(gnode, static_cast<std::int32_t>(m_.phase_switchover), t);
  const double when = t + m_.gates[g].standby.switchover.sample(streams_.switchover[g]);
  if (when < opt_.horizon) queue_.push(when, g, standby_.gen[g], EventType::standby_switched);
}

void Replicator::standby_switched(std::uint32_t g, double t) {
  const double p = m_.gates[g].standby.success;
  if (p >= 1.0 || streams_.switchover[g].uniform() < p) {
    standby_activate(g, standby_.target[g], t);
    return;
  }
  // A failed switchover leaves the group down until a member recovers.
  if (trace_) trace(t, "switchover_failed", gate_name(g));
  standby_.no_spare(g);
  phases_.enter(nc() + g, static_cast<std::int32_t>(m_.phase_no_spare), t);
}

void Replicator::standby_activate(std::uint32_t g, std::int32_t member, double t) {
  const std::uint32_t* kids = m_.children.data() + m_.child_offset[g];
  const std::int32_t old = standby_.active[g];
  if (trace_) trace(t, "active", gate_name(g), m_.components[kids[member]].name);
  standby_.serving(g, member);
  if (old != member) set_rate(kids[old], nominal_rate(kids[old]), t);  // now a spare
  set_rate(kids[member], nominal_rate(kids[member]), t);
  incident_over(nc() + g, t);
  gates_.up[g] = 1;
  gate_changed(g, true, t, -1, nc() + g);
}

// ---------------------------------------------------------------------------------------------
// Service outages

void Replicator::service_changed(std::int32_t s, bool up, double t, std::int32_t cause,
                                 std::uint32_t blame) {
  const auto si = static_cast<std::size_t>(s);
  if (trace_)
    trace(t, up ? "service_up" : "service_down", m_.services[si].name,
          up ? std::string{} : cause_name(cause));
  if (!m_.age_when_down) {
    // Components beneath stop ageing while every service above them is down.
    for (std::uint32_t i = m_.cb_offset[si]; i < m_.cb_offset[si + 1]; ++i) {
      const std::uint32_t c = m_.components_below[i];
      comp_.services_up_above[c] += up ? 1 : -1;
      if (comp_.services_up_above[c] == (up ? 1 : 0)) set_rate(c, nominal_rate(c), t);
    }
  }
  if (up) {
    close_outage(s, t, false);
    return;
  }
  outages_.down_since[si] = t;
  outages_.cause[si] = cause;
  outages_.blame[si] = blame;
  outages_.frozen[si] = 0;
  ++outages_.blamed_open[blame];
  const bool planned = cause >= 0 && static_cast<std::size_t>(cause) < m_.modes.size() &&
                       m_.modes[static_cast<std::size_t>(cause)].planned;
  ++(planned ? out_->service_planned_outages : out_->service_outages)[row_ * out_->n_services + si];
  // Snapshot the blamed incident's phases so that only the time inside this outage counts.
  const std::size_t np = phases_.n_phases;
  const double* acc = phases_.spent.data() + blame * np;
  double* snap = outages_.snapshot.data() + si * np;
  std::copy_n(acc, np, snap);
  if (phases_.current[blame] >= 0) snap[phases_.current[blame]] += t - phases_.start[blame];
}

void Replicator::close_outage(std::int32_t s, double t, bool censored) {
  const auto si = static_cast<std::size_t>(s);
  const std::size_t np = phases_.n_phases;
  const std::size_t row = row_ * out_->n_services + si;
  if (!outages_.frozen[si]) --outages_.blamed_open[outages_.blame[si]];
  const double d = t - outages_.down_since[si];
  const std::int32_t cause = outages_.cause[si];
  const bool planned = cause >= 0 && static_cast<std::size_t>(cause) < m_.modes.size() &&
                       m_.modes[static_cast<std::size_t>(cause)].planned;
  if (d == 0 && !censored) {
    // Down and up again at the same instant (an instant failover): not an outage.
    --(planned ? out_->service_planned_outages : out_->service_outages)[row];
    outages_.frozen[si] = 0;
    return;
  }
  if (cause >= 0)
    cells_[RecordBuffer::kCauseDowntime].add(static_cast<std::uint32_t>(si),
                                             static_cast<std::uint32_t>(cause), d);
  if (m_.costs.any) cost_.outage(cost_row(), si, outages_.down_since[si], t, planned, cause);
  if (planned) {
    out_->service_planned_downtime[row] += d;
  } else {
    out_->service_downtime[row] += d;
    out_->service_max_outage[row] = std::max(out_->service_max_outage[row], d);
    const Service& sv = m_.services[si];
    if (sv.rto > 0) {
      if (d > sv.rto)
        ++out_->service_rto_breaches[row];
      else if (!censored)
        ++out_->service_rto_met[row];
    }
    if (!censored) ++hist_[si * DurationHistogram::kBins + DurationHistogram::bin(d)];
  }

  // Phase breakdown: the blamed incident's phases within the outage; the rest is "other"
  // (another failure kept the service down after the blamed one had recovered).
  double* bd = outages_.breakdown.data() + si * np;
  if (!outages_.frozen[si]) {
    const std::uint32_t b = outages_.blame[si];
    for (std::size_t p = 0; p < np; ++p)
      bd[p] = phases_.spent[b * np + p] - outages_.snapshot[si * np + p];
    if (phases_.current[b] >= 0) bd[phases_.current[b]] += t - phases_.start[b];
  }
  double explained = 0;
  for (std::size_t p = 0; p < np; ++p) {
    bd[p] = std::max(bd[p], 0.0);
    explained += bd[p];
  }
  const double rest = d - explained;
  if (rest > 1e-9 * std::max(d, 1.0)) bd[m_.phase_other] += rest;  // not rounding noise
  if (!planned)
    for (std::size_t p = 0; p < np; ++p)
      cells_[RecordBuffer::kPhaseDowntime].add(static_cast<std::uint32_t>(si),
                                               static_cast<std::uint32_t>(p), bd[p]);
  outages_.frozen[si] = 0;

  if (recording_ && n_records_ < opt_.max_records_per_replication) {
    ++n_records_;
    rec_->outages.push_back({rep_, static_cast<std::uint32_t>(s), outages_.down_since[si], d,
                             censored, cause, planned});
    rec_->outage_phases.insert(rec_->outage_phases.end(), bd, bd + np);
  }
}

// The money arrays of the row in progress (cost.hpp).
CostRow Replicator::cost_row() noexcept {
  const std::size_t r = row_ * out_->n_services;
  return {out_->service_cost_downtime.data() + r,   out_->service_cost_outages.data() + r,
          out_->service_cost_beyond_rto.data() + r, out_->service_cost_planned.data() + r,
          out_->service_cost_data.data() + r,       out_->service_cost_sla.data() + r,
          &cells_[RecordBuffer::kCauseCost]};
}

// ---------------------------------------------------------------------------------------------
// The event loop

bool Replicator::run(std::uint64_t rep, RunResults& out, std::vector<std::uint64_t>& histogram,
                     RecordBuffer& records, const std::atomic<bool>* stop) {
  out_ = &out;
  row_ = rep - out.first_replication;
  hist_ = histogram.data();
  rec_ = &records;
  stop_ = stop;
  recording_ = rep < opt_.record_replications;
  n_records_ = 0;
  const std::size_t outage_begin = records.outages.size(), loss_begin = records.losses.size();
  RecordBuffer::Block block{};
  for (std::size_t k = 0; k < RecordBuffer::kCellTables; ++k) {
    block.cell_begin[k] = records.cells[k].size();
    cells_[k].begin(&records.cells[k], rep);
  }

  reset(rep);
  std::uint64_t events = 0;
  while (!queue_.empty()) {
    const Event e = queue_.take();
    switch (e.type) {  // lazy cancellation: skip events whose target has moved on
      case EventType::failure:
      case EventType::step_end:
      case EventType::step_ready:
        if (e.gen != comp_.gen[e.target]) continue;
        break;
      case EventType::standby_detected:
      case EventType::standby_switched:
        if (e.gen != standby_.gen[e.target]) continue;
        break;
      case EventType::restart_step:
        if (e.gen != restarts_.gen[e.target]) continue;
        break;
      default:
        break;  // shocks, cascades and windows are never cancelled
    }
    ++events;
    if ((events & 0xFFF) == 0 && stop && stop->load(std::memory_order_relaxed)) return false;
    switch (e.type) {
      case EventType::failure:
        fail(e.target, e.time, comp_.fail_mode[e.target], comp_.fail_mode[e.target]);
        break;
      case EventType::step_end:
        end_step(e.target, e.time);
        break;
      case EventType::step_ready:
        acquire_crew(e.target, e.time);
        break;
      case EventType::standby_detected:
        standby_detected(e.target, e.time);
        break;
      case EventType::standby_switched:
        standby_switched(e.target, e.time);
        break;
      case EventType::shock:
        shock_arrives(e.target, e.time);
        break;
      case EventType::shock_end: {
        for (std::uint32_t c : holds_.items[e.target]) release(c, e.time);
        holds_.release(e.target);
        break;
      }
      case EventType::cascade: {
        const PendingCascade pc = cascades_.items[e.target];
        cascades_.release(e.target);
        if (trace_) trace(e.time, "cascade", m_.components[pc.target].name, cause_name(pc.cause));
        if (comp_.up[pc.target]) fail(pc.target, e.time, pc.mode, pc.cause);
        break;
      }
      case EventType::forced:
        forced_event(e.target, e.time);
        break;
      case EventType::crew_shift:  // issue 14: crew calendars
        crew_shift(e.target, e.gen, e.time);
        break;
      case EventType::spare_arrival:  // issue 14: spare pools
        spare_arrives(e.target, e.gen != 0, e.time);
        break;
      case EventType::restart_step:
        restart_step_end(e.target, e.time);
        break;
      case EventType::maintenance: {
        const MaintenanceWindow& w = m_.maintenance[e.target];
        const double next = e.time + w.every;
        if (next < opt_.horizon) queue_.push(next, e.target, 0, EventType::maintenance);
        if (comp_.up[w.component]) fail(w.component, e.time, w.mode, w.mode);  // skipped if down
        break;
      }
    }
  }
  // Close what is still open at the horizon (censored: counted in downtime, not in the
  // outage-duration histogram).
  const double h = opt_.horizon;
  for (std::uint32_t c = 0; c < nc(); ++c) {
    if (comp_.up[c]) continue;
    const bool planned = comp_.active_mode[c] >= 0 && comp_.failed[c] &&
                         m_.modes[static_cast<std::size_t>(comp_.active_mode[c])].planned;
    (planned ? out.component_planned_downtime
             : out.component_downtime)[row_ * out.n_components + c] += h - comp_.down_since[c];
  }
  for (std::size_t s = 0; s < m_.services.size(); ++s)
    if (!gates_.up[m_.services[s].node - nc()]) close_outage(static_cast<std::int32_t>(s), h, true);
  if (m_.costs.any_sla) cost_.finish(cost_row());
  for (std::size_t i = 0; i < m_.capacity.size(); ++i) {
    const CapacityService& cs = m_.capacity[i];
    capacity_.advance(m_, i, h, gates_.up_weight[cs.gate]);
    const std::size_t at = row_ * out.n_services + cs.service;
    out.service_full_time[at] = capacity_.full[i];
    out.service_degraded_time[at] = capacity_.degraded[i];
    out.service_capacity_down_time[at] = capacity_.down[i];
    out.service_unserved[at] = capacity_.unserved[i];
    out.service_demand[at] = capacity_.demand[i];
  }
  close_resources(h);
  out.events[row_] = events;
  bool any_cells = false;
  for (std::size_t k = 0; k < RecordBuffer::kCellTables; ++k) {
    block.cell_end[k] = records.cells[k].size();
    any_cells = any_cells || block.cell_end[k] > block.cell_begin[k];
  }
  if (recording_ || any_cells) {
    block.replication = rep;
    block.outage_begin = outage_begin;
    block.outage_end = records.outages.size();
    block.loss_begin = loss_begin;
    block.loss_end = records.losses.size();
    records.blocks.push_back(block);
  }
  return true;
}

}  // namespace recoverysim

namespace recoverysim {

std::vector<TraceRecord> trace_replication(const CompiledModel& model, double horizon,
                                           std::uint64_t seed, std::uint64_t rep,
                                           std::size_t max_events, const std::atomic<bool>* stop) {
  RunOptions opt;
  opt.horizon = horizon;
  opt.seed = seed;
  opt.first_replication = rep;
  opt.replications = 1;
  RunResults out;
  out.allocate(model, rep, 1, horizon);
  std::vector<std::uint64_t> hist(out.outage_histogram.size(), 0);
  RecordBuffer records;
  std::vector<TraceRecord> trace;
  Replicator r(model, opt);
  r.set_trace(&trace, max_events);
  r.run(rep, out, hist, records, stop);
  return trace;
}

}  // namespace recoverysim
