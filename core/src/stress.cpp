// Stress periods (issue 16): failure rates multiplied during calendar windows or while a group is
// degraded. A stress changes the ageing rate of its targets (nominal_rate), and the age-rate
// mechanism reschedules their pending failures; nothing is drawn, and a model without stresses
// never reaches this file.
#include <string>

#include "recoverysim/simulator.hpp"

namespace recoverysim {

namespace {

constexpr double kWeek = 168.0;

std::string factor_text(double f) {
  std::string s = std::to_string(f);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return "x" + s;
}

}  // namespace

void StressState::reset(const CompiledModel& m) {
  on.assign(m.stresses.size(), 0);
  week.assign(m.stresses.size(), 0);
  for (std::size_t k = 0; k < m.stresses.size(); ++k) on[k] = m.stresses[k].active_at_start;
}

// The state at t = 0, before the first rates are set: calendar stresses as their windows say,
// degraded ones as their group is (every member up; a capacity service whose demand exceeds its
// whole capacity is degraded from the start).
void Replicator::reset_stresses() {
  stress_.reset(m_);
  for (std::uint32_t k = 0; k < m_.stresses.size(); ++k) {
    const Stress& st = m_.stresses[k];
    if (st.gate < 0) continue;
    const auto g = static_cast<std::uint32_t>(st.gate);
    const Gate& gate = m_.gates[g];
    const double demand =
        gate.capacity >= 0 ? m_.capacity[static_cast<std::size_t>(gate.capacity)].demand[0] : 0.0;
    stress_.on[k] =
        group_degraded(gate, gates_.up[g] != 0, gates_.up_children[g], gates_.up_weight[g], demand);
  }
}

// The first change of every calendar stress after t = 0 (one at exactly 0 is the start state).
void Replicator::schedule_stresses() {
  for (std::uint32_t k = 0; k < m_.stresses.size(); ++k) {
    const auto& b = m_.stresses[k].changes;
    if (b.empty()) continue;
    std::uint32_t i = 0;
    while (i < b.size() && b[i].first <= 0.0) ++i;
    if (trace_ && stress_.on[k])
      trace(0.0, "stress_start", m_.stresses[k].name, factor_text(m_.stresses[k].factor));
    schedule_stress(k, i, 0.0);
  }
}

// Schedules change i of stress k in week `week` (weekly: i past the last is the next week's
// first; a list of periods simply ends).
void Replicator::schedule_stress(std::uint32_t k, std::uint32_t i, double week) {
  const Stress& st = m_.stresses[k];
  if (i >= st.changes.size()) {
    if (!st.weekly) return;
    i = 0;
    week += 1;
  }
  stress_.week[k] = static_cast<std::uint32_t>(week);
  const double when = (st.weekly ? week * kWeek : 0.0) + st.changes[i].first;
  if (when < opt_.horizon) queue_.push(when, k, i, EventType::stress);
}

void Replicator::stress_change(std::uint32_t k, std::uint32_t i, double t) {
  set_stress(k, m_.stresses[k].changes[i].second, t);
  schedule_stress(k, i + 1, stress_.week[k]);
}

// Gate g's requirement now `holds` (or not) after a member changed: the stresses that watch it
// follow its degraded state.
void Replicator::stress_watch(std::uint32_t g, bool holds, double t) {
  for (std::uint32_t k = 0; k < m_.stresses.size(); ++k) {
    const Stress& st = m_.stresses[k];
    if (st.gate != static_cast<std::int32_t>(g)) continue;
    const Gate& gate = m_.gates[g];
    const double demand =
        gate.capacity >= 0 ? m_.capacity[static_cast<std::size_t>(gate.capacity)].demand[0] : 0.0;
    set_stress(k, group_degraded(gate, holds, gates_.up_children[g], gates_.up_weight[g], demand),
               t);
  }
}

void Replicator::set_stress(std::uint32_t k, bool on, double t) {
  if (static_cast<bool>(stress_.on[k]) == on) return;
  stress_.on[k] = on;
  const Stress& st = m_.stresses[k];
  if (trace_)
    trace(t, on ? "stress_start" : "stress_end", st.name,
          on ? factor_text(st.factor) +
                   (st.gate >= 0 ? " while " + gate_name(static_cast<std::uint32_t>(st.gate)) +
                                       " is degraded"
                                 : std::string{})
             : std::string{});
  for (std::uint32_t c : st.targets) set_rate(c, nominal_rate(c), t);
}

// The product of the factors of c's active stresses (1 if none), in the order they were defined.
double Replicator::stress_factor(std::uint32_t c) const noexcept {
  double r = 1.0;
  for (std::uint32_t i = m_.stress_offset[c]; i < m_.stress_offset[c + 1]; ++i) {
    const std::uint32_t k = m_.stress_of[i];
    if (stress_.on[k]) r *= m_.stresses[k].factor;
  }
  return r;
}

}  // namespace recoverysim
