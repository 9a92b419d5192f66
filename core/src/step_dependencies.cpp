// Step requirements (issue 14): a recovery step that needs a component or service up to run.
// The rule is written in step_dependencies.hpp and docs/semantics.md; the exact Markov twin is
// in state_space.cpp (StateSpace::settle). Only models with step requirements reach this code.
#include <algorithm>

#include "recoverysim/simulator.hpp"

namespace recoverysim {

DependencyState::DependencyState(const CompiledModel& m)
    : stage(m.components.size(), DependencyStage::none), fallback(m.components.size(), 0) {}

void DependencyState::reset() {
  std::fill(stage.begin(), stage.end(), DependencyStage::none);
  std::fill(fallback.begin(), fallback.end(), 0);
}

// The first acquisition of the shared rule, called before a step asks for its spare and crew
// (first attempt, retry, or resume): false when it must wait for its requirement (it is then in
// dependency_wait, holding no crew and in no queue).
bool Replicator::dependency_ready(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  deps_.fallback[c] = 0;
  if (st.requirement < 0) {
    deps_.stage[c] = DependencyStage::none;
    return true;
  }
  const bool up = node_up(static_cast<std::uint32_t>(st.requirement));
  if (up || st.has_fallback) {
    // A fallback step never waits: the duration is chosen now and kept whatever happens next.
    deps_.fallback[c] = !up;
    deps_.stage[c] = st.has_fallback ? DependencyStage::none : DependencyStage::ready;
    if (!up && trace_) trace(t, "fallback", m_.components[c].name, m_.phases[st.kind]);
    return true;
  }
  deps_.stage[c] = DependencyStage::waiting;
  if (trace_) trace(t, "dependency_wait", m_.components[c].name, m_.phases[st.kind]);
  phases_.enter(c, static_cast<std::int32_t>(m_.phase_dependency_wait), t);
  return false;
}

// Removes a step whose requirement went down from the queue it waits in: its spare pool's or
// its crews' (it keeps a spare it took already). It keeps no place.
void Replicator::leave_queues(std::uint32_t c) {
  const Step& st = current_step(c);
  if (st.spare >= 0 && !spares_.has_spare[c]) {
    auto& q = spares_.queue[static_cast<std::size_t>(st.spare)];
    const auto it = std::find(q.begin(), q.end(), c);
    if (it != q.end()) {
      q.erase(it);
      return;  // not yet in a crew queue
    }
  }
  if (st.n_needs > 0) crews_.withdraw(c);
}

// Node `node`, the requirement of some steps, went down or up at t. Steps are visited in
// component order, so that steps released together queue for their crews in that order.
void Replicator::requirement_changed(std::uint32_t node, bool up, double t) {
  const auto req = static_cast<std::int32_t>(node);
  const auto needs = [&](std::uint32_t c) {
    if (recovery_.procedure[c] < 0) return false;
    const Step& st = current_step(c);
    return st.requirement == req && !st.has_fallback;
  };
  if (up) {
    for (std::uint32_t c = 0; c < nc(); ++c) {
      if (deps_.stage[c] != DependencyStage::waiting || !needs(c)) continue;
      if (trace_)
        trace(t, "dependency_ready", m_.components[c].name, m_.phases[current_step(c).kind]);
      acquire_crew(c, t);  // requirement holds: a spare, then the crew; resume or start
    }
    return;
  }
  // Down. First every step still queued for a spare or its crew (never started, or paused by
  // its crew) leaves the queue, then running steps pause: members a paused step releases go only
  // to steps whose requirement holds.
  for (std::uint32_t c = 0; c < nc(); ++c) {
    if (deps_.stage[c] != DependencyStage::ready || !needs(c)) continue;
    const Step& st = current_step(c);
    leave_queues(c);
    deps_.stage[c] = DependencyStage::waiting;
    if (trace_) trace(t, "dependency_wait", m_.components[c].name, m_.phases[st.kind]);
    phases_.enter(c, static_cast<std::int32_t>(m_.phase_dependency_wait), t);
  }
  for (std::uint32_t c = 0; c < nc(); ++c) {
    if (deps_.stage[c] != DependencyStage::working || !(work_end_[c] > t) || !needs(c)) continue;
    // The same pause as a crew preemption (recovery_resources.cpp): remaining_ keeps the work
    // left; the step then gives its members back (to steps whose requirement holds).
    pause_work(c, t, m_.phase_dependency_wait);
    deps_.stage[c] = DependencyStage::waiting;
    crews_.release(c, crew_actions_);
  }
  crews_.dispatch(crew_actions_);  // waiters that the leavers blocked
  run_crew_actions(t);
}

}  // namespace recoverysim

// ---------------------------------------------------------------------------------------------
// Service restart procedures. The service's root gate keeps its count of up children as usual,
// but its up state (gates_.up, what parents and outages see) is up only while the requirement
// holds and the restart that followed its last return has completed. A restart starts when the
// requirement holds again; the requirement failing during it abandons it (it starts over at the
// next return). The outage's phase breakdown is frozen when the first restart starts (the
// blamed incident explains the time until then) and each restart step adds its own time.

namespace recoverysim {

RestartState::RestartState(const CompiledModel& m)
    : requirement_up(m.services.size(), 1),
      stage(m.services.size(), RestartStage::serving),
      step(m.services.size(), 0),
      step_start(m.services.size(), 0.0),
      gen(m.services.size(), 0),
      stream(m.services.size()) {
  for (const Service& s : m.services)
    key.push_back(entity_key(StreamKind::restart, hash_name(s.name)));
}

void RestartState::reset(const CompiledModel& m, std::uint64_t replication_key) {
  std::fill(requirement_up.begin(), requirement_up.end(), 1);
  std::fill(stage.begin(), stage.end(), RestartStage::serving);
  std::fill(step.begin(), step.end(), 0);
  std::fill(gen.begin(), gen.end(), 0);
  for (std::size_t s = 0; s < m.services.size(); ++s)
    if (m.services[s].restart_n > 0) stream[s].reset(combine(replication_key, key[s]));
}

void Replicator::restart_requirement(std::uint32_t g, bool up, double t, std::int32_t cause,
                                     std::uint32_t blame) {
  const auto s = static_cast<std::uint32_t>(m_.gates[g].service);
  if (up == static_cast<bool>(restarts_.requirement_up[s])) return;
  restarts_.requirement_up[s] = up;
  const std::size_t np = phases_.n_phases;
  if (!up) {
    if (restarts_.stage[s] == RestartStage::restarting) {
      ++restarts_.gen[s];  // abandoned: its pending step end is cancelled
      const Step& st = m_.restart_steps[m_.services[s].restart_first + restarts_.step[s]];
      outages_.breakdown[s * np + st.kind] += t - restarts_.step_start[s];
      if (trace_) trace(t, "restart_abandoned", m_.services[s].name, m_.phases[st.kind]);
    }
    restarts_.stage[s] = RestartStage::waiting;
    if (gates_.up[g]) {
      gates_.up[g] = 0;
      gate_changed(g, false, t, cause, blame);
    }
    return;
  }
  // The requirement holds again: the service stays down until the restart completes.
  freeze_outage(s, t);
  restarts_.stage[s] = RestartStage::restarting;
  restarts_.step[s] = 0;
  restart_next(s, t);
}

// Starts restart step restarts_.step[s] of service s.
void Replicator::restart_next(std::uint32_t s, double t) {
  const Step& st = m_.restart_steps[m_.services[s].restart_first + restarts_.step[s]];
  if (trace_) trace(t, "restart_step", m_.services[s].name, m_.phases[st.kind]);
  restarts_.step_start[s] = t;
  const double when = t + st.duration.sample(restarts_.stream[s]);
  if (when < opt_.horizon) queue_.push(when, s, ++restarts_.gen[s], EventType::restart_step);
}

void Replicator::restart_step_end(std::uint32_t s, double t) {
  const Service& sv = m_.services[s];
  const Step& st = m_.restart_steps[sv.restart_first + restarts_.step[s]];
  outages_.breakdown[s * phases_.n_phases + st.kind] += t - restarts_.step_start[s];
  if (++restarts_.step[s] < sv.restart_n) {
    restart_next(s, t);
    return;
  }
  restarts_.stage[s] = RestartStage::serving;
  if (trace_) trace(t, "restarted", sv.name);
  const std::uint32_t g = sv.node - nc();
  gates_.up[g] = 1;
  gate_changed(g, true, t, -1, sv.node);
}

// The outage of service s keeps its blamed incident's phases as of t (as when that incident
// ends): from now on its time is the restart's.
void Replicator::freeze_outage(std::uint32_t s, double t) {
  if (outages_.frozen[s]) return;
  outages_.frozen[s] = 1;
  const std::uint32_t b = outages_.blame[s];
  --outages_.blamed_open[b];
  const std::size_t np = phases_.n_phases;
  for (std::size_t p = 0; p < np; ++p)
    outages_.breakdown[s * np + p] = phases_.spent[b * np + p] - outages_.snapshot[s * np + p];
  if (phases_.current[b] >= 0)
    outages_.breakdown[s * np + phases_.current[b]] += t - phases_.start[b];
}

}  // namespace recoverysim
