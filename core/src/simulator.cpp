#include "recoverysim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recoverysim {

// ---------------------------------------------------------------------------------------------
// Histogram and result buffers

int DurationHistogram::bin(double hours) noexcept {
  if (!(hours >= kMinHours)) return 0;
  const double pos = std::log10(hours / kMinHours) * kPerDecade;
  const int b = 1 + static_cast<int>(pos);
  return b >= kBins - 1 ? kBins - 1 : b;
}

double DurationHistogram::lower_edge(int bin) noexcept {
  if (bin <= 0) return 0.0;
  return kMinHours * std::pow(10.0, static_cast<double>(bin - 1) / kPerDecade);
}

void RunResults::allocate(const CompiledModel& m, std::uint64_t first, std::uint64_t n,
                          double h) {
  first_replication = first;
  replications = n;
  n_services = m.services.size();
  n_components = m.components.size();
  n_modes = m.modes.size();
  horizon = h;
  service_downtime.assign(n * n_services, 0.0);
  service_outages.assign(n * n_services, 0);
  component_downtime.assign(n * n_components, 0.0);
  mode_failures.assign(n * n_modes, 0);
  events.assign(n, 0);
  outage_histogram.assign(n_services * DurationHistogram::kBins, 0);
}

// ---------------------------------------------------------------------------------------------
// Replicator

Replicator::Replicator(const CompiledModel& model, const RunOptions& options)
    : m_(model), opt_(options) {
  const std::size_t nc = m_.components.size(), nm = m_.modes.size(), ng = m_.gates.size();
  up_.resize(nc);
  age_.resize(nc);
  rate_.resize(nc);
  since_.resize(nc);
  fail_age_.resize(nc);
  down_since_.resize(nc);
  gen_.resize(nc);
  fail_mode_.resize(nc);
  active_mode_.resize(nc);
  proc_.resize(nc);
  attempts_.resize(nc);
  step_.resize(nc);
  failure_stream_.resize(nm);
  recovery_stream_.resize(nm);
  mode_ttf_.resize(nm);
  up_count_.resize(ng);
  gate_up_.resize(ng);
  service_down_since_.resize(m_.services.size());
  crew_free_.resize(m_.crew_sizes.size());
  crew_queue_.resize(m_.crew_sizes.size());
  crew_head_.resize(m_.crew_sizes.size());
}

void Replicator::reset(std::uint64_t rep) {
  queue_.clear();
  for (std::size_t g = 0; g < m_.gates.size(); ++g) {
    up_count_[g] = m_.gates[g].n;
    gate_up_[g] = 1;
  }
  for (std::size_t k = 0; k < m_.crew_sizes.size(); ++k) {
    crew_free_[k] = m_.crew_sizes[k];
    crew_queue_[k].clear();
    crew_head_[k] = 0;
  }
  for (std::size_t i = 0; i < m_.modes.size(); ++i) {
    const Mode& mode = m_.modes[i];
    const std::uint64_t comp = m_.components[mode.component].name_hash;
    failure_stream_[i].reset(stream_key(opt_.seed, rep, StreamKind::failure, comp, mode.name_hash));
    recovery_stream_[i].reset(
        stream_key(opt_.seed, rep, StreamKind::recovery, comp, mode.name_hash));
  }
  for (std::uint32_t c = 0; c < m_.components.size(); ++c) {
    up_[c] = 1;
    gen_[c] = 0;
    down_since_[c] = 0;
    proc_[c] = -1;
    renew(c, 0.0);
  }
}

// As good as new: age 0, a fresh time to failure for every competing mode.
void Replicator::renew(std::uint32_t c, double t) {
  const Component& comp = m_.components[c];
  double best = std::numeric_limits<double>::infinity();
  std::int32_t best_mode = -1;
  for (std::uint32_t i = 0; i < comp.n_modes; ++i) {
    const std::uint32_t m = comp.first_mode + i;
    const double ttf = m_.modes[m].ttf.sample(failure_stream_[m]);
    mode_ttf_[m] = ttf;
    if (ttf < best) {
      best = ttf;
      best_mode = static_cast<std::int32_t>(m);
    }
  }
  age_[c] = 0.0;
  rate_[c] = 1.0;
  since_[c] = t;
  fail_age_[c] = best;
  fail_mode_[c] = best_mode;
  schedule_failure(c, t);
}

// The pending failure fires when the age reaches fail_age; age grows at rate_ from since_.
void Replicator::schedule_failure(std::uint32_t c, double t) {
  ++gen_[c];  // cancels any previously scheduled failure
  if (!(rate_[c] > 0)) return;
  const double when = t + (fail_age_[c] - age_[c]) / rate_[c];
  if (when < opt_.horizon) queue_.push(when, c, gen_[c], EventType::failure);
}

void Replicator::fail(std::uint32_t c, double t) {
  const std::int32_t mode = fail_mode_[c];
  ++mode_failures_[mode];
  age_[c] = fail_age_[c];
  rate_[c] = 0.0;
  since_[c] = t;
  up_[c] = 0;
  down_since_[c] = t;
  active_mode_[c] = mode;
  set_node(c, false, t, mode);
  start_procedure(c, m_.modes[static_cast<std::size_t>(mode)].procedure, t);
}

void Replicator::start_procedure(std::uint32_t c, std::int32_t proc, double t) {
  proc_[c] = proc;
  step_[c] = 0;
  begin_step(c, t);
}

void Replicator::begin_step(std::uint32_t c, double t) {
  attempts_[c] = 0;
  const Step& st = current_step(c);
  if (st.inspection_interval > 0) {
    // A hidden failure waits for the next periodic inspection before anything else can happen.
    const double k = std::ceil((t - st.inspection_offset) / st.inspection_interval);
    const double next = st.inspection_offset + std::max(k, 0.0) * st.inspection_interval;
    if (next > t) {
      if (next < opt_.horizon) queue_.push(next, c, ++gen_[c], EventType::step_ready);
      return;
    }
  }
  acquire_crew(c, t);
}

void Replicator::acquire_crew(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  if (st.crew >= 0) {
    if (crew_free_[st.crew] == 0) {
      crew_queue_[st.crew].push_back(c);  // FIFO: waiting for a crew member is downtime
      return;
    }
    --crew_free_[st.crew];
  }
  start_work(c, t);
}

void Replicator::start_work(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  const double d = st.duration.sample(recovery_stream_[active_mode_[c]]);
  const double when = t + d;
  if (when < opt_.horizon) queue_.push(when, c, ++gen_[c], EventType::step_end);
}

void Replicator::release_crew(std::int32_t crew, double t) {
  auto& q = crew_queue_[crew];
  std::size_t& head = crew_head_[crew];
  if (head < q.size()) {
    const std::uint32_t next = q[head++];
    if (head == q.size()) {
      q.clear();
      head = 0;
    }
    start_work(next, t);  // the unit passes straight to the longest-waiting component
  } else {
    ++crew_free_[crew];
  }
}

void Replicator::end_step(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  if (st.crew >= 0) release_crew(st.crew, t);
  bool ok = true;
  if (st.success < 1.0) ok = recovery_stream_[active_mode_[c]].uniform() < st.success;
  if (!ok) {
    ++attempts_[c];
    if (st.max_attempts > 0 && attempts_[c] >= st.max_attempts) {
      start_procedure(c, st.escalate, t);
    } else {
      acquire_crew(c, t);  // retry the same step (no new wait for an inspection)
    }
    return;
  }
  const Procedure& p = m_.procedures[static_cast<std::size_t>(proc_[c])];
  if (++step_[c] < p.n_steps) {
    begin_step(c, t);
    return;
  }
  // Recovered.
  comp_downtime_[c] += t - down_since_[c];
  up_[c] = 1;
  proc_[c] = -1;
  renew(c, t);
  set_node(c, true, t, -1);
}

// Incremental evaluation: a gate keeps the count of its up children; only a gate whose state
// flips propagates to its parents.
void Replicator::set_node(std::uint32_t node, bool up, double t, std::int32_t cause) {
  const std::uint32_t nc = static_cast<std::uint32_t>(m_.components.size());
  for (std::uint32_t i = m_.parent_offset[node]; i < m_.parent_offset[node + 1]; ++i) {
    const std::uint32_t g = m_.parents[i] - nc;
    up_count_[g] += up ? 1 : -1;
    const bool now = up_count_[g] >= m_.gates[g].k;
    if (now == static_cast<bool>(gate_up_[g])) continue;
    gate_up_[g] = now;
    if (m_.gates[g].service >= 0) service_changed(m_.gates[g].service, now, t);
    set_node(m_.parents[i], now, t, cause);
  }
}

void Replicator::service_changed(std::int32_t s, bool up, double t) {
  if (!up) {
    service_down_since_[s] = t;
    ++svc_outages_[s];
    return;
  }
  const double d = t - service_down_since_[s];
  svc_downtime_[s] += d;
  ++hist_[static_cast<std::size_t>(s) * DurationHistogram::kBins + DurationHistogram::bin(d)];
}

bool Replicator::run(std::uint64_t rep, RunResults& out, std::vector<std::uint64_t>& histogram,
                     const std::atomic<bool>* stop) {
  const std::size_t row = rep - out.first_replication;
  svc_downtime_ = out.service_downtime.data() + row * out.n_services;
  svc_outages_ = out.service_outages.data() + row * out.n_services;
  comp_downtime_ = out.component_downtime.data() + row * out.n_components;
  mode_failures_ = out.mode_failures.data() + row * out.n_modes;
  hist_ = histogram.data();

  reset(rep);
  std::uint64_t events = 0;
  while (!queue_.empty()) {
    const Event e = queue_.pop();
    if (e.gen != gen_[e.target]) continue;  // cancelled
    ++events;
    if ((events & 0xFFF) == 0 && stop && stop->load(std::memory_order_relaxed)) return false;
    switch (e.type) {
      case EventType::failure: fail(e.target, e.time); break;
      case EventType::step_end: end_step(e.target, e.time); break;
      case EventType::step_ready: acquire_crew(e.target, e.time); break;
    }
  }
  // Close what is still open at the horizon (censored: counted in downtime, not in the
  // outage-duration histogram).
  const double h = opt_.horizon;
  for (std::uint32_t c = 0; c < m_.components.size(); ++c)
    if (!up_[c]) comp_downtime_[c] += h - down_since_[c];
  for (std::size_t s = 0; s < m_.services.size(); ++s)
    if (!gate_up_[m_.services[s].node - m_.components.size()])
      svc_downtime_[s] += h - service_down_since_[s];
  out.events[row] = events;
  return true;
}

}  // namespace recoverysim
