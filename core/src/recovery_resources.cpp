// What a recovery step holds while it runs (issue 14): crew members (several at once, from
// several crews, by priority, within working hours) and spares from a pool. The decisions are
// the CrewScheduler's (crew_scheduler.hpp); this file carries them out in the replication: it
// starts and pauses work, keeps the phases (crew_wait, spare_wait) and the trace, and schedules
// shift changes and spare deliveries. A step acquires a spare first, then its crew members.
#include <cmath>
#include <string>

#include "recoverysim/simulator.hpp"

namespace recoverysim {

namespace {

constexpr double kWeek = 168.0;

std::string crew_list(const CompiledModel& m, const Step& st) {
  std::string out;
  for (std::uint32_t i = 0; i < st.n_needs; ++i) {
    const CrewNeed& n = m.crew_needs[st.first_need + i];
    if (i) out += ", ";
    out += m.crew_names[static_cast<std::size_t>(n.crew)];
    if (n.count > 1) out += " x" + std::to_string(n.count);
  }
  return out;
}

}  // namespace

void Replicator::reset_resources() {
  std::fill(remaining_.begin(), remaining_.end(), -1.0);
  for (std::uint32_t k = 0; k < m_.crew_calendars.size(); ++k) {
    const auto& b = m_.crew_calendars[k].changes;
    if (b.empty()) continue;
    // The first change after t = 0 (one at exactly 0 is the state at the start).
    std::uint32_t i = 0;
    while (i < b.size() && b[i].first <= 0.0) ++i;
    shift_week_[k] = 0;
    schedule_shift(k, i, 0.0, 0.0);
  }
  if (!m_.spares.empty()) spares_.reset(m_);
}

// Schedules boundary i of crew k's calendar in week `week` (i past the last: the next week's
// first).
void Replicator::schedule_shift(std::uint32_t k, std::uint32_t i, double week, double) {
  const auto& b = m_.crew_calendars[k].changes;
  if (i >= b.size()) {
    i = 0;
    week += 1;
  }
  shift_week_[k] = static_cast<std::uint32_t>(week);
  const double when = week * kWeek + b[i].first;
  if (when < opt_.horizon) queue_.push(when, k, i, EventType::crew_shift);
}

void Replicator::crew_shift(std::uint32_t k, std::uint32_t i, double t) {
  const bool on = m_.crew_calendars[k].changes[i].second;
  if (trace_) trace(t, on ? "shift_start" : "shift_end", m_.crew_names[k]);
  crews_.shift(k, on, crew_actions_);
  run_crew_actions(t);
  schedule_shift(k, i + 1, shift_week_[k], t);
}

// The current step of c asks for what it needs, in the order of the shared rule
// (docs/semantics.md, "Acquisition order"): its requirement first (step_dependencies.cpp; it
// waits in dependency_wait holding nothing), then request_crew: a spare, then its crew members.
void Replicator::acquire_crew(std::uint32_t c, double t) {
  if (m_.has_step_requirements && !dependency_ready(c, t)) return;
  request_crew(c, t);
}

// The spare (if the step takes one and has none yet), then the crew members, all at once.
void Replicator::request_crew(std::uint32_t c, double t) {
  const Step& st = current_step(c);
  if (st.spare >= 0 && !spares_.has_spare[c] && !take_spare(c, t)) return;
  if (st.n_needs == 0) {
    start_work(c, t);
    return;
  }
  const std::uint32_t step =
      m_.procedures[static_cast<std::size_t>(recovery_.procedure[c])].first_step +
      recovery_.step[c];
  crews_.request(c, step, m_.modes[static_cast<std::size_t>(comp_[c].active_mode)].priority,
                 crew_actions_);
  if (!crews_.holding(c)) {
    if (trace_) trace(t, "crew_wait", m_.components[c].name, crew_list(m_, st));
    phases_.enter(c, static_cast<std::int32_t>(m_.phase_crew_wait), t);
  }
  run_crew_actions(t);
}

void Replicator::release_crews(std::uint32_t c, double t) {
  crews_.release(c, crew_actions_);
  run_crew_actions(t);
}

void Replicator::run_crew_actions(double t) {
  for (std::size_t i = 0; i < crew_actions_.size(); ++i) {
    const CrewAction a = crew_actions_[i];
    if (a.kind == CrewAction::start)
      start_work(a.component, t);
    else
      pause_work(a.component, t, m_.phase_crew_wait);
  }
  crew_actions_.clear();
}

// The one pause of a step in progress, whatever stopped it: preempted or its crew's shift ended
// (the scheduler re-queued it; phase crew_wait), or its requirement went down
// (step_dependencies.cpp; it released its members; phase dependency_wait). Its end is cancelled
// and the work left is kept in remaining_ for when it resumes (preemptive-resume).
void Replicator::pause_work(std::uint32_t c, double t, std::uint32_t phase) {
  ++comp_[c].gen;
  remaining_[c] = std::max(work_end_[c] - t, 0.0);
  // A step with a requirement that the scheduler paused waits for its crew again.
  if (m_.has_step_requirements && deps_.stage[c] == DependencyStage::working)
    deps_.stage[c] = DependencyStage::ready;
  if (trace_) trace(t, "step_paused", m_.components[c].name, m_.phases[current_step(c).kind]);
  phases_.enter(c, static_cast<std::int32_t>(phase), t);
}

// ---------------------------------------------------------------------------------------------
// Spare pools

bool Replicator::take_spare(std::uint32_t c, double t) {
  const auto p = static_cast<std::size_t>(current_step(c).spare);
  if (spares_.stock[p] == 0) {
    if (trace_) trace(t, "spare_wait", m_.components[c].name, m_.spares[p].name);
    phases_.enter(c, static_cast<std::int32_t>(m_.phase_spare_wait), t);
    spares_.queue[p].push_back(c);
    ++out_->spare_stockouts[row_ * out_->n_spares + p];
    if (m_.spares[p].has_emergency) {
      const double when = t + m_.spares[p].emergency.sample(streams_.spare[p]);
      if (when < opt_.horizon)
        queue_.push(when, static_cast<std::uint32_t>(p), 1, EventType::spare_arrival);
    }
    return false;
  }
  if (trace_) trace(t, "spare_taken", m_.components[c].name, m_.spares[p].name);
  spares_.has_spare[c] = 1;
  if (--spares_.stock[p] == 0) spares_.out_since[p] = t;
  // A spare that came by emergency order is not reordered: the emergency order replaced the
  // reorder of the spare whose wait triggered it.
  if (spares_.emergencies[p] > 0)
    --spares_.emergencies[p];
  else
    reorder_spare(static_cast<std::uint32_t>(p), t);
  return true;
}

void Replicator::reorder_spare(std::uint32_t p, double t) {
  const double when = t + m_.spares[p].lead_time.sample(streams_.spare[p]);
  if (when < opt_.horizon) queue_.push(when, p, 0, EventType::spare_arrival);
}

void Replicator::spare_arrives(std::uint32_t p, bool emergency, double t) {
  if (trace_) trace(t, emergency ? "spare_emergency" : "spare_restock", m_.spares[p].name);
  if (spares_.stock[p] == 0 && spares_.out_since[p] >= 0) {
    out_->spare_out_of_stock[row_ * out_->n_spares + p] += t - spares_.out_since[p];
    spares_.out_since[p] = -1.0;
  }
  ++spares_.stock[p];
  if (emergency) ++spares_.emergencies[p];
  auto& q = spares_.queue[p];
  if (q.empty()) return;
  const std::uint32_t c = q.front();
  q.erase(q.begin());
  request_crew(c, t);  // takes the spare, then asks for its crew (its requirement holds)
}

void Replicator::close_resources(double h) {
  for (std::size_t p = 0; p < m_.spares.size(); ++p)
    if (spares_.out_since[p] >= 0)
      out_->spare_out_of_stock[row_ * out_->n_spares + p] += h - spares_.out_since[p];
}

}  // namespace recoverysim
