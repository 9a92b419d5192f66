// Capacity and demand: integrating served demand between changes of capacity.
#include "recoverysim/capacity.hpp"

#include <algorithm>
#include <cmath>

#include "recoverysim/model.hpp"

namespace recoverysim {

void CapacityLedger::reset(const CompiledModel& m) {
  const std::size_t n = m.capacity.size();
  since.assign(n, 0.0);
  full.assign(n, 0.0);
  degraded.assign(n, 0.0);
  down.assign(n, 0.0);
  unserved.assign(n, 0.0);
  demand.assign(n, 0.0);
}

bool capacity_holds(const CapacityService& cs, const Gate& g, double up, double t) noexcept {
  if (cs.down_at.empty()) return weight_holds(g, up);
  const auto h = static_cast<std::size_t>(std::fmod(std::floor(t), 168.0));
  return up >= cs.down_at[h] - 1e-9 * g.total;
}

void CapacityLedger::advance(const CompiledModel& m, std::size_t i, double t, double up) {
  const CapacityService& cs = m.capacity[i];
  const Gate& gate = m.gates[cs.gate];
  const double eps = 1e-9 * gate.total;
  bool holds = weight_holds(gate, up);
  double t0 = since[i];
  since[i] = t;
  // One piece of constant demand d over dt hours.
  const auto piece = [&](double d, double dt) {
    if (dt <= 0) return;
    const double served = d > 0 ? std::min(1.0, up / d) : 1.0;
    if (!holds)
      down[i] += dt;
    else if (up >= d - eps)
      full[i] += dt;
    else
      degraded[i] += dt;
    unserved[i] += d * (up >= d - eps ? 0.0 : 1.0 - served) * dt;
    demand[i] += d * dt;
  };
  if (cs.demand.size() == 1) {
    piece(cs.demand[0], t - t0);
    return;
  }
  // A weekly profile: one piece per hour crossed. The intervals between changes partition the
  // horizon, so a replication costs O(hours of the horizon + changes of capacity).
  while (t0 < t) {
    const double hour = std::floor(t0);
    const double end = std::min(t, hour + 1.0);
    const auto h = static_cast<std::size_t>(std::fmod(hour, 168.0));
    if (!cs.down_at.empty()) holds = up >= cs.down_at[h] - eps;
    piece(cs.demand[h], end - t0);
    t0 = end;
  }
}

}  // namespace recoverysim
