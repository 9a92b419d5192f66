#include "recoverysim/state_space.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>

namespace recoverysim {

namespace {

[[noreturn]] void unsupported(const std::string& what) {
  throw std::invalid_argument("the Markov solver cannot express this model: " + what);
}

std::string q(const std::string& s) { return "'" + s + "'"; }

}  // namespace

StateSpace::StateSpace(const CompiledModel& m) : m_(m) {
  check();
  nc_ = m_.components.size();
  for (std::size_t g = 0; g < m_.gates.size(); ++g)
    if (m_.gates[g].kind == GateKind::standby) standby_.push_back(g);
  for (const auto& c : m_.components)
    for (std::uint32_t i = 0; i < c.n_modes; ++i) {
      const Procedure& p =
          m_.procedures[static_cast<std::size_t>(m_.modes[c.first_mode + i].procedure)];
      max_steps_ = std::max<std::size_t>(max_steps_, p.n_steps);
    }
  if (m_.has_step_requirements) radix_ = 4;
  bool spares = false;
  for (const auto& st : m_.steps) spares |= st.spare >= 0;
  if (spares) radix_ = 5;
  crew_base_ = nc_;
  sb_base_ = crew_base_ + m_.crew_sizes.size() * nc_;
  restart_base_ = sb_base_ + 2 * standby_.size();
  size_ = restart_base_;
  restart_slot_.assign(m_.services.size(), 0);
  for (std::size_t s = 0; s < m_.services.size(); ++s)
    if (m_.services[s].restart_n > 0) restart_slot_[s] = size_++;
  // Spare pools only in models whose steps take spares (the others keep their states).
  if (spares)
    for (std::size_t p = 0; p < m_.spares.size(); ++p) {
      pool_slot_.push_back(size_);
      size_ += 1 + nc_;
    }
}

State StateSpace::initial() const {
  State s0(size_, 0);
  for (std::size_t k = 0; k < m_.crew_sizes.size(); ++k)
    std::fill_n(s0.begin() + static_cast<std::ptrdiff_t>(crew_base_ + k * nc_), nc_, kEmptySlot);
  for (std::size_t p = 0; p < pool_slot_.size(); ++p) {
    s0[pool_slot_[p]] = static_cast<std::uint16_t>(m_.spares[p].stock);
    std::fill_n(s0.begin() + static_cast<std::ptrdiff_t>(pool_slot_[p] + 1), nc_, kEmptySlot);
  }
  return s0;
}

std::size_t StateSpace::failed_count(const State& s) const noexcept {
  std::size_t n = 0;
  for (std::size_t c = 0; c < nc_; ++c) n += s[c] != 0;
  return n;
}

// ---------------------------------------------------------------------------------------------
// What the chain can express

void StateSpace::check() const {
  if (!m_.shocks.empty())
    unsupported("shock " + q(m_.shocks[0].name) + " (shocks are not in the chain)");
  if (!m_.maintenance.empty())
    unsupported("maintenance windows (deterministic schedules are not Markovian)");
  if (!m_.cascades.empty()) unsupported("cascades (their delays are not in the chain)");
  for (const auto& cs : m_.capacity)
    if (!cs.down_at.empty())
      unsupported("service " + q(m_.services[cs.service].name) +
                  ": down_below with a weekly demand profile makes its state depend on the hour "
                  "(not a Markov chain with constant rates)");
  for (const auto& st : m_.stresses)
    if (st.gate < 0)
      unsupported("stress " + q(st.name) +
                  ": calendar windows make the rates depend on time (not a Markov chain with "
                  "constant rates)");
  for (const auto& c : m_.components) {
    for (std::uint32_t i = 0; i < c.n_modes; ++i) {
      const Mode& md = m_.modes[c.first_mode + i];
      const std::string where = "component " + q(c.name) + ", failure mode " + q(md.name);
      if (!md.ttf.is_exponential())
        unsupported(where + ": time to failure is " + dist_kind_name(md.ttf.kind()) +
                    ", not exponential");
      const Procedure& p = m_.procedures[static_cast<std::size_t>(md.procedure)];
      for (std::uint32_t k = 0; k < p.n_steps; ++k) {
        const Step& st = m_.steps[p.first_step + k];
        const std::string sw = where + ", step " + std::to_string(k + 1);
        if (!st.duration.is_exponential())
          unsupported(sw + ": duration is " + dist_kind_name(st.duration.kind()) +
                      ", not exponential");
        if (st.inspection_interval > 0)
          unsupported(sw + ": periodic inspections are not Markovian");
        if (st.escalate >= 0) unsupported(sw + ": escalation to another procedure");
        if (!(st.success > 0)) unsupported(sw + ": success probability 0");
        if (st.n_needs > 1 || (st.n_needs == 1 && st.crew < 0))
          unsupported(sw + ": several crew members at once");
        if (st.spare >= 0) {
          const SparePool& pool = m_.spares[static_cast<std::size_t>(st.spare)];
          if (!pool.lead_time.is_exponential())
            unsupported("spare pool " + q(pool.name) + ": lead time is " +
                        dist_kind_name(pool.lead_time.kind()) + ", not exponential");
          if (pool.has_emergency)
            unsupported("spare pool " + q(pool.name) +
                        ": emergency orders (their count is not in the chain)");
          if (st.requirement >= 0)
            unsupported(sw + ": a step that takes a spare and has a requirement");
          if (pool.stock >= kEmptySlot)
            unsupported("spare pool " + q(pool.name) + ": a stock above 65534");
        }
        if (st.has_fallback && !st.fallback.is_exponential())
          unsupported(sw + ": fallback duration is " + dist_kind_name(st.fallback.kind()) +
                      ", not exponential");
        if (st.has_fallback && st.crew >= 0)
          unsupported(sw + ": a step with a fallback that also needs a crew");
      }
    }
  }
  for (std::size_t k = 0; k < m_.crew_calendars.size(); ++k) {
    if (m_.crew_preemptive[k] && m_.crew_sizes[k] > 1)
      unsupported("preemptive crew " + q(m_.crew_names[k]) +
                  " of more than one member (which step is preempted depends on request order)");
    if (!m_.crew_calendars[k].shifts.empty())
      unsupported("crew " + q(m_.crew_names[k]) +
                  " has working hours (calendars are not Markovian)");
  }
  for (const auto& st : m_.restart_steps)
    if (!st.duration.is_exponential())
      unsupported("a service restart step (" + m_.phases[st.kind] + ") whose duration is " +
                  dist_kind_name(st.duration.kind()) + ", not exponential");
  for (const auto& g : m_.gates) {
    if (g.kind != GateKind::standby) continue;
    const auto zero = [](const Distribution& d) {
      return d.kind() == DistKind::deterministic && d.mean() == 0;
    };
    if (!zero(g.standby.detection) || !zero(g.standby.switchover))
      unsupported("a standby group with a detection or switchover time (only instant switchover)");
  }
}

// ---------------------------------------------------------------------------------------------
// State accessors

StateSpace::Where StateSpace::decode(std::uint16_t code) const noexcept {
  const std::uint32_t x = code - 1u;
  return {static_cast<std::uint32_t>(x / radix_ / max_steps_),
          static_cast<std::uint32_t>(x / radix_ % max_steps_), x % radix_};
}

std::uint16_t StateSpace::encode(std::uint32_t mode, std::uint32_t step,
                                 std::uint32_t status) const noexcept {
  return static_cast<std::uint16_t>(1 + (mode * max_steps_ + step) * radix_ + status);
}

const Step& StateSpace::step_of(std::size_t c, std::uint32_t mode,
                                std::uint32_t step) const noexcept {
  const Mode& md = m_.modes[m_.components[c].first_mode + mode];
  return m_.steps[m_.procedures[static_cast<std::size_t>(md.procedure)].first_step + step];
}

std::uint32_t StateSpace::n_steps(std::size_t c, std::uint32_t mode) const noexcept {
  const Mode& md = m_.modes[m_.components[c].first_mode + mode];
  return m_.procedures[static_cast<std::size_t>(md.procedure)].n_steps;
}

int StateSpace::busy(const State& s, std::int32_t crew) const noexcept {
  int n = 0;
  for (std::size_t c = 0; c < nc_; ++c) {
    if (s[c] == 0) continue;
    const Where w = decode(s[c]);
    if (w.in_service() && step_of(c, w.mode, w.step).crew == crew) ++n;
  }
  return n;
}

std::int32_t StateSpace::priority(const State& s, std::size_t c) const noexcept {
  return m_.modes[m_.components[c].first_mode + decode(s[c]).mode].priority;
}

// Queues are ordered by priority (higher first), FIFO within a priority; a preempted step goes
// back to the front of its priority (it was served before the others of its priority).
void StateSpace::enqueue(State& s, std::int32_t crew, std::size_t c, bool front) const noexcept {
  const std::size_t base = crew_base_ + static_cast<std::size_t>(crew) * nc_;
  const std::int32_t p = priority(s, c);
  std::size_t at = 0;
  while (at < nc_ && s[base + at] != kEmptySlot) {
    const std::int32_t q = priority(s, s[base + at]);
    if (q < p || (front && q == p)) break;
    ++at;
  }
  for (std::size_t i = nc_ - 1; i > at; --i) s[base + i] = s[base + i - 1];
  s[base + at] = static_cast<std::uint16_t>(c);
}

// Hands a released crew unit to the longest-waiting component, if any.
void StateSpace::release(State& s, std::int32_t crew) const {
  const std::size_t base = crew_base_ + static_cast<std::size_t>(crew) * nc_;
  if (s[base] == kEmptySlot) return;
  const std::size_t next = s[base];
  std::copy(s.begin() + static_cast<std::ptrdiff_t>(base + 1),
            s.begin() + static_cast<std::ptrdiff_t>(base + nc_),
            s.begin() + static_cast<std::ptrdiff_t>(base));
  s[base + nc_ - 1] = kEmptySlot;
  const Where w = decode(s[next]);
  s[next] = encode(w.mode, w.step, kServing);
}

void StateSpace::enter_step(State& s, std::size_t c, std::uint32_t mode, std::uint32_t step,
                            bool holds_spare) const {
  const Step& st = step_of(c, mode, step);
  if (st.requirement >= 0) {  // first its requirement: settle() queues it (or falls back)
    s[c] = encode(mode, step, kDepWait);
    return;
  }
  if (st.spare >= 0 && !holds_spare) {  // then a spare: take one, or wait FIFO for one
    const std::size_t base = pool_slot_[static_cast<std::size_t>(st.spare)];
    if (s[base] == 0) {
      s[c] = encode(mode, step, kSpareWait);
      std::size_t at = base + 1;
      while (s[at] != kEmptySlot) ++at;
      s[at] = static_cast<std::uint16_t>(c);
      return;
    }
    --s[base];  // taken, and reordered at once (outstanding orders: stock - on hand)
  }
  join_crew(s, c, mode, step);
}

void StateSpace::join_crew(State& s, std::size_t c, std::uint32_t mode, std::uint32_t step) const {
  const Step& st = step_of(c, mode, step);
  s[c] = encode(mode, step, kQueued);  // its mode is its priority (read by priority())
  if (st.crew >= 0 && busy(s, st.crew) >= m_.crew_sizes[static_cast<std::size_t>(st.crew)]) {
    const auto k = static_cast<std::size_t>(st.crew);
    // A preemptive crew (of one member, see check()) leaves a lower-priority step for this one:
    // the preempted step waits at the front of its priority, and resumes (memoryless) later.
    if (m_.crew_preemptive[k]) {
      for (std::size_t v = 0; v < nc_; ++v) {
        if (v == c || s[v] == 0) continue;
        const Where w = decode(s[v]);
        if (w.status != kServing || step_of(v, w.mode, w.step).crew != st.crew) continue;
        if (priority(s, v) < priority(s, c)) {
          s[v] = encode(w.mode, w.step, kQueued);
          enqueue(s, st.crew, v, true);
          s[c] = encode(mode, step, kServing);
          return;
        }
      }
    }
    enqueue(s, st.crew, c, false);
  } else {
    s[c] = encode(mode, step, kServing);
  }
}

std::size_t StateSpace::sb_slot(std::size_t g) const noexcept {
  return sb_base_ + 2 * static_cast<std::size_t>(std::find(standby_.begin(), standby_.end(), g) -
                                                 standby_.begin());
}

// ---------------------------------------------------------------------------------------------
// Services

std::vector<std::uint8_t> StateSpace::eval_nodes(const State& s) const {
  const std::size_t nn = m_.n_nodes();
  std::vector<std::int8_t> memo(nn, -1);
  std::function<bool(std::uint32_t)> up = [&](std::uint32_t node) -> bool {
    if (node < nc_) return s[node] == 0;
    if (memo[node] >= 0) return memo[node];
    const std::size_t g = node - nc_;
    const Gate& gate = m_.gates[g];
    bool r;
    if (gate.kind == GateKind::standby) {
      const std::size_t slot = sb_slot(g);
      r = s[slot + 1] == 0 && s[m_.children[m_.child_offset[g] + s[slot]]] == 0;
    } else if (gate.kind == GateKind::weighted) {
      double w = 0;
      for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
        if (up(m_.children[i])) w += m_.child_weight[i];
      r = weight_holds(gate, w);
    } else {
      int n = 0;
      for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
        n += up(m_.children[i]);
      r = n >= gate.k;
    }
    // A service with a restart procedure is up only once its restart has completed.
    if (gate.service >= 0 && restart_slot_[static_cast<std::size_t>(gate.service)] &&
        s[restart_slot_[static_cast<std::size_t>(gate.service)]] != 0)
      r = false;
    memo[node] = r;
    return r;
  };
  std::vector<std::uint8_t> out(nn);
  for (std::uint32_t i = 0; i < nn; ++i) out[i] = up(i);
  return out;
}

std::vector<std::uint8_t> StateSpace::services_up(const State& s) const {
  const auto nodes = eval_nodes(s);
  std::vector<std::uint8_t> out;
  for (const auto& sv : m_.services) out.push_back(nodes[sv.node]);
  return out;
}

std::vector<double> StateSpace::service_weights(const State& s) const {
  const auto nodes = eval_nodes(s);
  std::vector<double> out;
  for (const auto& sv : m_.services) {
    const std::size_t g = sv.node - nc_;
    double w = 0;
    if (m_.gates[g].kind == GateKind::weighted)
      for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
        if (nodes[m_.children[i]]) w += m_.child_weight[i];
    out.push_back(w);
  }
  return out;
}

// The ageing rate of an up component in state s (mirrors Replicator::nominal_rate).
double StateSpace::rate_factor(const State& s, std::size_t c,
                               const std::vector<std::uint8_t>& nodes) const {
  const Component& comp = m_.components[c];
  double r = 1.0;
  if (comp.standby_gate >= 0 &&
      s[sb_slot(static_cast<std::size_t>(comp.standby_gate))] != comp.standby_member)
    r = m_.gates[static_cast<std::size_t>(comp.standby_gate)].standby.dormancy;
  else if (!m_.stresses.empty())
    for (std::uint32_t i = m_.stress_offset[c]; i < m_.stress_offset[c + 1]; ++i) {
      const Stress& st = m_.stresses[m_.stress_of[i]];  // while a group is degraded (check())
      const auto g = static_cast<std::size_t>(st.gate);
      const Gate& gate = m_.gates[g];
      std::int32_t n_up = 0;
      double w = 0;
      for (std::uint32_t j = m_.child_offset[g]; j < m_.child_offset[g + 1]; ++j)
        if (nodes[m_.children[j]]) ++n_up, w += m_.child_weight[j];
      if (n_up == gate.n) w = gate.total;  // as the simulator keeps it (GateState::up_weight)
      const double demand =
          gate.capacity >= 0 ? m_.capacity[static_cast<std::size_t>(gate.capacity)].demand[0] : 0.0;
      if (group_degraded(gate, nodes[m_.gate_node(g)] != 0, n_up, w, demand)) r *= st.factor;
    }
  if (comp.load_gate >= 0) {
    const auto g = static_cast<std::size_t>(comp.load_gate);
    int down = 0;
    for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
      down += s[m_.children[i]] != 0;
    r *= 1.0 + m_.gates[g].load_sharing * down;
  }
  if (!m_.age_when_down && m_.sa_offset[c + 1] > m_.sa_offset[c]) {
    bool any_up = false;
    for (std::uint32_t i = m_.sa_offset[c]; i < m_.sa_offset[c + 1]; ++i)
      any_up |= nodes[m_.services[m_.services_above[i]].node] != 0;
    if (!any_up) r = 0.0;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Transitions

namespace {

// Transitions of rate 0 (a dormant spare, a certain switchover's failure branch) are left out.
void add(std::vector<Transition>& out, double rate, State to) {
  if (rate > 0) out.push_back({rate, std::move(to)});
}

}  // namespace

void StateSpace::outgoing(const State& s, std::vector<Transition>& out) const {
  out.clear();
  const auto nodes = eval_nodes(s);
  for (std::size_t c = 0; c < nc_; ++c) {
    const Component& comp = m_.components[c];
    if (s[c] == 0) {
      const double factor = rate_factor(s, c, nodes);
      if (factor <= 0) continue;
      for (std::uint32_t i = 0; i < comp.n_modes; ++i) {
        const double lambda = factor / m_.modes[comp.first_mode + i].ttf.mean();
        State t = s;
        enter_step(t, c, i, 0);
        standby_lost(t, c, lambda, out);
      }
      continue;
    }
    const Where w = decode(s[c]);
    if (!w.in_service()) continue;
    const Step& st = step_of(c, w.mode, w.step);
    const double mu = 1.0 / (w.status == kFallback ? st.fallback : st.duration).mean();
    // Success: release the crew unit, then the next step or back in service.
    {
      State t = s;
      t[c] = encode(w.mode, w.step, kQueued);  // not holding the unit while it is passed on
      if (st.crew >= 0) release(t, st.crew);
      if (w.step + 1 < n_steps(c, w.mode)) {
        enter_step(t, c, w.mode, w.step + 1);
      } else {
        t[c] = 0;
        if (comp.standby_gate >= 0) {
          const std::size_t slot = sb_slot(static_cast<std::size_t>(comp.standby_gate));
          // No spare was serving: this member serves, unless the active member's replicated
          // corruption holds every spare until its own restore ends.
          if (t[slot + 1] && !(t[slot] != comp.standby_member &&
                               corrupted(t, static_cast<std::size_t>(comp.standby_gate)))) {
            t[slot] = static_cast<std::uint16_t>(comp.standby_member);
            t[slot + 1] = 0;
          }
        }
      }
      add(out, mu * st.success, std::move(t));
    }
    if (st.success < 1.0) {  // a failed attempt: release, then queue again for the same step
      State t = s;
      t[c] = encode(w.mode, w.step, kQueued);
      if (st.crew >= 0) release(t, st.crew);
      enter_step(t, c, w.mode, w.step, true);  // the retry keeps the spare it took
      add(out, mu * (1.0 - st.success), std::move(t));
    }
  }
  // Service restarts: the restart step in progress ends (the next step, or back in service).
  for (std::size_t sv = 0; sv < m_.services.size(); ++sv) {
    const std::size_t slot = restart_slot_[sv];
    if (!slot || s[slot] < 2) continue;
    const Service& svc = m_.services[sv];
    const std::uint32_t i = s[slot] - 2u;
    State t = s;
    t[slot] = i + 1 < svc.restart_n ? static_cast<std::uint16_t>(s[slot] + 1) : 0;
    add(out, 1.0 / m_.restart_steps[svc.restart_first + i].duration.mean(), std::move(t));
  }
  // Spare pools: each outstanding order (initial stock - stock on hand, independent exponential
  // lead times) arrives; the spare goes to the longest waiting step, which reorders it at once,
  // else to the shelf.
  for (std::size_t p = 0; p < pool_slot_.size(); ++p) {
    const std::size_t base = pool_slot_[p];
    const SparePool& pool = m_.spares[p];
    const std::int32_t outstanding = pool.stock - static_cast<std::int32_t>(s[base]);
    if (outstanding <= 0) continue;
    State t = s;
    if (t[base + 1] != kEmptySlot) {
      const std::size_t c = t[base + 1];
      std::copy(t.begin() + static_cast<std::ptrdiff_t>(base + 2),
                t.begin() + static_cast<std::ptrdiff_t>(base + 1 + nc_),
                t.begin() + static_cast<std::ptrdiff_t>(base + 1));
      t[base + nc_] = kEmptySlot;
      const Where w = decode(t[c]);
      join_crew(t, c, w.mode, w.step);
    } else {
      ++t[base];
    }
    add(out, outstanding / pool.lead_time.mean(), std::move(t));
  }
  if (m_.has_step_requirements || m_.has_restarts)
    for (auto& tr : out) settle(tr.to);
}

// Service restarts (the twin of step_dependencies.cpp), services in dependency order until
// nothing changes: a service whose requirement fails is waiting (a restart in progress is
// abandoned); a waiting service whose requirement holds begins its first restart step.
void StateSpace::settle_restarts(State& s) const {
  for (bool changed = true; changed;) {
    changed = false;
    const auto nodes = eval_nodes(s);
    for (std::uint32_t sv : m_.service_order) {
      const std::size_t slot = restart_slot_[sv];
      if (!slot) continue;
      const std::size_t g = m_.services[sv].node - nc_;
      const Gate& gate = m_.gates[g];
      int n = 0;
      double w = 0;
      for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i) {
        n += nodes[m_.children[i]];
        if (nodes[m_.children[i]] && gate.kind == GateKind::weighted) w += m_.child_weight[i];
      }
      const bool holds = gate.kind == GateKind::weighted ? weight_holds(gate, w) : n >= gate.k;
      if (!holds && s[slot] != 1) {
        s[slot] = 1;
        changed = true;
        break;  // the service's own state changed: evaluate again
      }
      if (holds && s[slot] == 1) {
        s[slot] = 2;
        changed = true;
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step requirements (the twin of step_dependencies.cpp; the rule is in step_dependencies.hpp).
// After every transition: steps queued for a crew whose requirement is down leave the queue,
// then running steps whose requirement is down pause and release their crew unit (to steps whose
// requirement holds), then waiting steps whose requirement holds queue for their crew, in
// component order (a fallback step reached with its requirement down runs on its fallback).
// Durations are exponential, so a resumed step's remaining time has the step's distribution.

void StateSpace::leave_queue(State& s, std::int32_t crew, std::size_t c) const noexcept {
  const std::size_t base = crew_base_ + static_cast<std::size_t>(crew) * nc_;
  std::size_t i = 0;
  while (i < nc_ && s[base + i] != c) ++i;
  if (i == nc_) return;
  for (; i + 1 < nc_; ++i) s[base + i] = s[base + i + 1];
  s[base + nc_ - 1] = kEmptySlot;
}

void StateSpace::settle(State& s) const {
  if (m_.has_restarts) settle_restarts(s);
  if (!m_.has_step_requirements) return;
  const auto nodes = eval_nodes(s);
  const auto blocked = [&](std::size_t c, Where& w, const Step*& st) {
    if (s[c] == 0) return false;
    w = decode(s[c]);
    st = &step_of(c, w.mode, w.step);
    return st->requirement >= 0 && !st->has_fallback &&
           !nodes[static_cast<std::size_t>(st->requirement)];
  };
  Where w{};
  const Step* st = nullptr;
  for (std::size_t c = 0; c < nc_; ++c)
    if (blocked(c, w, st) && w.status == kQueued) {
      leave_queue(s, st->crew, c);
      s[c] = encode(w.mode, w.step, kDepWait);
    }
  for (std::size_t c = 0; c < nc_; ++c)
    if (blocked(c, w, st) && w.status == kServing) {
      s[c] = encode(w.mode, w.step, kDepWait);
      if (st->crew >= 0) release(s, st->crew);
    }
  for (std::size_t c = 0; c < nc_; ++c) {
    if (s[c] == 0) continue;
    w = decode(s[c]);
    if (w.status != kDepWait) continue;
    st = &step_of(c, w.mode, w.step);
    if (nodes[static_cast<std::size_t>(st->requirement)])
      join_crew(s, c, w.mode, w.step);
    else if (st->has_fallback)
      s[c] = encode(w.mode, w.step, kFallback);
  }
}

// Component c just went down (at `rate`) in state t: if it was the active member of a standby
// group, the next up member takes over instantly with probability `success`.
void StateSpace::standby_lost(State& t, std::size_t c, double rate,
                              std::vector<Transition>& out) const {
  const Component& comp = m_.components[c];
  if (comp.standby_gate < 0) {
    add(out, rate, std::move(t));
    return;
  }
  const auto g = static_cast<std::size_t>(comp.standby_gate);
  const std::size_t slot = sb_slot(g);
  if (t[slot + 1] || t[slot] != comp.standby_member) {
    add(out, rate, std::move(t));
    return;
  }
  if (corrupted(t, g)) {  // the corruption replicated: no spare can take over
    t[slot + 1] = 1;
    add(out, rate, std::move(t));
    return;
  }
  const std::int32_t n = m_.gates[g].n;
  std::int32_t target = -1;
  for (std::int32_t k = 1; k < n && target < 0; ++k) {
    const std::int32_t j = (comp.standby_member + k) % n;
    if (t[m_.children[m_.child_offset[g] + static_cast<std::uint32_t>(j)]] == 0) target = j;
  }
  if (target < 0) {
    t[slot + 1] = 1;
    add(out, rate, std::move(t));
    return;
  }
  const double p = m_.gates[g].standby.success;
  if (p > 0) {
    State a = t;
    a[slot] = static_cast<std::uint16_t>(target);
    add(out, rate * p, std::move(a));
  }
  if (p < 1) {
    State b = t;
    b[slot + 1] = 1;
    add(out, rate * (1 - p), std::move(b));
  }
}

// Whether the active member of standby group g is down from a failure mode whose corruption
// replicates (data_loss "backup"): then no spare of g can serve until it is back.
bool StateSpace::corrupted(const State& s, std::size_t g) const noexcept {
  const std::uint32_t kid = m_.children[m_.child_offset[g] + s[sb_slot(g)]];
  if (s[kid] == 0) return false;
  const Component& comp = m_.components[kid];
  return m_.modes[comp.first_mode + decode(s[kid]).mode].data_loss == DataLoss::backup_only;
}

}  // namespace recoverysim
