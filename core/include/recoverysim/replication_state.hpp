// The mutable state of one replication, one struct per concept. Each replication thread owns one
// set (inside its Replicator) and resets it at the start of every replication, so nothing here
// is shared between threads. Arrays are indexed by entity id (struct of arrays): the event loop
// touches one or two fields of many entities, and a field's values sit next to each other.
// Sizes come from the compiled model at construction; reset() never allocates, except that
// queues and pools keep whatever capacity earlier replications gave them.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "recoverysim/model.hpp"
#include "recoverysim/random.hpp"

namespace recoverysim {

// The random streams of a replication, one per (entity, purpose) as listed in StreamKind.
// Reseeding is a pure function of (seed, replication, entity), so a stream's draws do not depend
// on which other streams exist or when they were reset.
struct ReplicationStreams {
  explicit ReplicationStreams(const CompiledModel& m);
  // Reseeds every stream the model uses for replication `rep`.
  void reset(const CompiledModel& m, std::uint64_t seed, std::uint64_t rep);

  std::uint64_t replication_key = 0;  // (seed, replication): backups key their own streams on it
  // Entity parts of the keys (see random.hpp), fixed for the model: computed once, not per rep.
  std::vector<std::uint64_t> failure_key, recovery_key, cascade_key;  // per mode
  std::vector<std::uint64_t> shock_key;                               // per shock
  std::vector<std::uint64_t> switchover_key;                          // per gate
  std::vector<std::uint64_t> data_key;                                // per component
  std::vector<Stream> failure;     // per mode: times to failure (as ages)
  std::vector<Stream> recovery;    // per mode: step durations and step success
  std::vector<Stream> cascade;     // per mode: cascade hits and delays
  std::vector<Stream> shock;       // per shock: arrivals, hits, outage durations
  std::vector<Stream> switchover;  // per gate (standby only): detection, switchover, success
  std::vector<Stream> data;        // per component: replication lag at a data loss
  std::vector<Stream> forced;      // per forced event of an incident scenario (its shock's hits)
  std::vector<std::uint64_t> spare_key;  // per spare pool
  std::vector<Stream> spare;             // per spare pool: restock and emergency lead times
};

// Whether each component serves, how old it is and when it will fail. A component's age grows
// at `rate` from `since`; its pending failure fires when the age reaches `fail_age`, so a change
// of rate only reschedules it (no new draw). One cache line per component (an array of
// structs, unlike the rest): an event of a component reads and writes most of these together,
// and in a model of thousands of components each separate array would cost a cache miss.
struct ComponentState {
  struct alignas(64) One {
    double age;              // age at `since` (hours of ageing, not of clock)
    double rate;             // ageing rate since `since`: 0 while down
    double since;            // when `age` and `rate` were last brought up to date
    double fail_age;         // age at which the pending failure fires
    double down_since;       // start of the current (or last) time down
    std::int32_t held;       // shock outages holding it down right now
    std::int32_t fail_mode;  // mode of the pending failure
    // Generation of its pending failure or recovery event; bumping it cancels that event.
    std::uint32_t gen;
    // Mode whose procedure keeps it down (a planned mode for maintenance), -1 when a shock's hold
    // took it down; read when it returns to service, so it outlives the incident.
    std::int32_t active_mode;
    // Services above it that are up: it stops ageing at 0 when the model says components do not
    // age while the system is down.
    std::int32_t services_up_above;
    std::uint8_t up;      // serving: not failed and not held down by a shock
    std::uint8_t failed;  // in a failure's (or a maintenance window's) procedure
  };

  explicit ComponentState(const CompiledModel& m);
  // All up, none failed or held. Age, rate and the pending failure are left to Replicator::renew,
  // which draws them.
  void reset(const CompiledModel& m);
  One& operator[](std::size_t c) noexcept { return items[c]; }
  const One& operator[](std::size_t c) const noexcept { return items[c]; }

  std::vector<One> items;  // per component
};

// Where each failed component is in its recovery procedure.
struct RecoveryState {
  explicit RecoveryState(const CompiledModel& m);
  void reset();

  std::vector<std::int32_t> procedure;  // procedure in progress, -1 none
  std::vector<std::uint32_t> step;      // index of the current step within it
  std::vector<std::int32_t> attempts;   // failed attempts of the current step
};

// What data protection needs to know to find a component's latest recovery point.
struct DataState {
  explicit DataState(const CompiledModel& m);
  void reset();

  // Latest recovery point known to be good: restored state after a data loss, or the last
  // successful backup found when it went down (later backups cannot run while it is down).
  std::vector<double> recovery_point;
  std::vector<double> up_since;  // start of its current time in service: backups run only then
};

// Count gates (all / any / k-of-n) of the requirement graph: incremental evaluation keeps the
// number of up children, so a change propagates only through gates whose state flips.
struct GateState {
  explicit GateState(const CompiledModel& m);
  void reset(const CompiledModel& m);

  std::vector<std::int32_t> up_children;  // count gates: children up (standby: unused)
  std::vector<std::uint8_t> up;           // every gate, standby groups included
  // Weighted gates: the sum of the up children's weights (others: unused). Exact again (the
  // total, or 0) whenever every child is up or every child is down, so rounding cannot drift.
  std::vector<double> up_weight;
};

// Stress periods (stress.cpp): which stresses are active, and for a weekly one the week of its
// next boundary. Empty without stresses.
struct StressState {
  void reset(const CompiledModel& m);

  std::vector<std::uint8_t> on;     // per stress: active now
  std::vector<std::uint32_t> week;  // per weekly stress: week of its next scheduled change
};

// Phase of a standby group's takeover.
enum class StandbyPhase : std::uint8_t {
  serving,    // the active member is up (or the group has never been down)
  detecting,  // the active member went down; the failure is not noticed yet
  switching,  // switching over to `target`
  no_spare,   // no spare could take over (or the switchover failed): waits for a member's return
  corrupted,  // the active member's corruption replicated to every spare: waits for its restore
};

// Standby groups (indexed by gate; other gates' entries stay untouched). One member is active;
// the group goes down with it, and comes back when a spare has switched over or a member returns.
struct StandbyState {
  explicit StandbyState(const CompiledModel& m);
  void reset();

  std::vector<std::int32_t> active;  // member serving, or the last one that did
  std::vector<std::int32_t> target;  // member being switched to while switching, else -1
  std::vector<StandbyPhase> phase;   // where the takeover is
  // Generation of the pending detection or switchover event; bumping it cancels that event.
  std::vector<std::uint32_t> gen;

  // The group's outage begins when its active member goes down while it serves...
  bool loses_active(std::uint32_t g, std::int32_t member) const noexcept {
    return phase[g] == StandbyPhase::serving && member == active[g];
  }
  // ...and the spare it switches to failing sends it back to look for another.
  bool loses_target(std::uint32_t g, std::int32_t member) const noexcept {
    return phase[g] == StandbyPhase::switching && member == target[g];
  }
  // A returning member resumes service when no spare could, or when it is the one that failed
  // (it came back before a spare took over: non-revertive, but nothing to revert to). While
  // `corrupted`, only the active member can: the spares hold the replicated corruption.
  bool resumes_with(std::uint32_t g, std::int32_t member) const noexcept {
    return phase[g] == StandbyPhase::no_spare ||
           (phase[g] != StandbyPhase::serving && member == active[g]);
  }
  void detecting(std::uint32_t g) noexcept { phase[g] = StandbyPhase::detecting; }
  void switching(std::uint32_t g, std::int32_t member) noexcept {
    phase[g] = StandbyPhase::switching;
    target[g] = member;
  }
  void no_spare(std::uint32_t g) noexcept {
    phase[g] = StandbyPhase::no_spare;
    target[g] = -1;
  }
  void corrupted(std::uint32_t g) noexcept {
    phase[g] = StandbyPhase::corrupted;
    target[g] = -1;
  }
  void serving(std::uint32_t g, std::int32_t member) noexcept {
    active[g] = member;
    phase[g] = StandbyPhase::serving;
    target[g] = -1;
  }
};

// Crews and spare pools: see crew_scheduler.hpp.

// Where the time of each node's incident goes (node = component, or standby gate for its
// detection and switchover): the phase it is in and the time accumulated in every phase.
struct PhaseLedger {
  explicit PhaseLedger(const CompiledModel& m);
  void reset();

  std::size_t n_phases = 0;           // phases of the model: the row length of `spent`
  std::vector<std::int32_t> current;  // per node: phase of its incident now, -1 none
  std::vector<double> start;          // per node: when the current phase began
  std::vector<double> spent;          // [node * n_phases + p]: time in phase p in this incident
  // Per node: phases (< 64) entered since its row was last cleared, so that a new incident
  // clears only those (an incident enters one or two of the model's phases).
  std::vector<std::uint64_t> entered;

  // A new incident of `node`: nothing spent yet, no phase.
  void begin_incident(std::uint32_t node) noexcept {
    double* row = spent.data() + node * n_phases;
    if (n_phases <= 64) {
      for (std::uint64_t m = entered[node]; m != 0; m &= m - 1) row[std::countr_zero(m)] = 0.0;
      entered[node] = 0;
    } else {
      for (std::size_t p = 0; p < n_phases; ++p) row[p] = 0.0;
    }
    current[node] = -1;
  }
  // Closes the current phase of `node` at t and enters `phase` (-1: none).
  void enter(std::uint32_t node, std::int32_t phase, double t) noexcept {
    if (current[node] >= 0)
      spent[node * n_phases + static_cast<std::size_t>(current[node])] += t - start[node];
    current[node] = phase;
    start[node] = t;
    if (phase >= 0 && phase < 64) entered[node] |= std::uint64_t{1} << phase;
  }
};

// Service outages in progress, and the incident each is blamed on (the node whose phases explain
// it). An outage's phase breakdown is the blamed incident's phases within the outage: snapshot
// at the start, frozen into `breakdown` if the incident ends first.
struct OpenOutages {
  explicit OpenOutages(const CompiledModel& m);
  void reset();

  std::size_t n_phases = 0;               // row length of `snapshot` and `breakdown`
  std::vector<double> down_since;         // per service: start of the outage in progress
  std::vector<std::int32_t> cause;        // per service: root cause, -1 unknown
  std::vector<std::uint32_t> blame;       // per service: node whose incident explains it
  std::vector<std::uint8_t> frozen;       // per service: breakdown final (blamed incident over)
  std::vector<double> snapshot;           // [service * n_phases + p]: blamed phases at its start
  std::vector<double> breakdown;          // [service * n_phases + p]: phases within the outage
  std::vector<std::int32_t> blamed_open;  // per node: open, unfrozen outages blamed on it
};

// Reusable slots for what pending events carry beyond a target id (the components a shock
// holds, a cascade's target and cause). An event names its slot; the slot is released when the
// event fires. Slot numbers depend only on the order of events, so they are reproducible.
template <class T>
struct SlotPool {
  std::vector<T> items;             // by slot; a released slot keeps its value until reused
  std::vector<std::uint32_t> free;  // released slots, reused last-in first-out

  void reset() noexcept {
    items.clear();
    free.clear();
  }
  std::uint32_t acquire() {
    if (free.empty()) {
      items.emplace_back();
      return static_cast<std::uint32_t>(items.size() - 1);
    }
    const std::uint32_t slot = free.back();
    free.pop_back();
    return slot;
  }
  void release(std::uint32_t slot) { free.push_back(slot); }
};

// A cascaded failure on its way (see Cascade).
struct PendingCascade {
  std::uint32_t target;  // component to fail
  std::int32_t mode;     // with this mode
  std::int32_t cause;    // root cause of the failure that set it off
};

}  // namespace recoverysim
