// Capacity and demand (issue 16): a service whose requirement is a weighted gate of capacities
// (the up members' weights are the capacity up) has a demand, constant or one value per hour of
// the week. Served share = min(1, capacity up / demand). The service is "full" while the share
// is 1, "down" while its gate does not hold (by default: no capacity at all; with down_below = f
// and a constant demand d: capacity below f * d), and "degraded" in between. The ledger
// integrates, per replication, the hours in each state and the demand-hours not served.
// With a weekly profile and down_below = f the service is down while capacity < f * demand of
// the hour: the gate's state then changes at hour boundaries too (a demand_hour event).
#pragma once

#include <cstdint>
#include <vector>

namespace recoverysim {

class CompiledModel;
struct Gate;

// A service with a demand (compiled). Hour-of-week h covers [168 k + h, 168 k + h + 1) hours of
// simulated time: time 0 is the start of hour 0 of the profile (the week origin is the start of
// the run).
struct CapacityService {
  std::uint32_t service;       // its index
  std::uint32_t gate;          // its root gate (weighted): the capacity up is its up weight
  std::vector<double> demand;  // 1 value (constant) or 168 (hour of the week)
  double down_below = 0;       // share of demand below which it is down (0: when nothing is up)
  // Weekly profile with down_below > 0: per hour of the week the capacity below which it is down
  // (f * demand), and the hours of the week at which that changes (demand_hour events). Empty
  // otherwise (the gate's own threshold decides).
  std::vector<double> down_at;
  std::vector<std::uint32_t> changes;
};

// Whether capacity service `cs` (gate `g`) holds with capacity `up` at time t: the hour's
// threshold with a weekly down_below, else the gate's (weight_holds). The one place that decides.
bool capacity_holds(const CapacityService& cs, const Gate& g, double up, double t) noexcept;

// Totals of one replication, per capacity service.
struct CapacityLedger {
  void reset(const CompiledModel& m);
  // Capacity service i had capacity `up` from its last change to time t.
  void advance(const CompiledModel& m, std::size_t i, double t, double up);

  std::vector<double> since;     // time of the last change
  std::vector<double> full;      // hours fully served
  std::vector<double> degraded;  // hours partly served, not down
  std::vector<double> down;      // hours down (the gate does not hold)
  std::vector<double> unserved;  // demand-hours not served
  std::vector<double> demand;    // demand-hours in total
};

}  // namespace recoverysim
