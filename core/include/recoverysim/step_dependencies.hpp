// Step requirements (issue 14): the per-replication state of recovery steps that need another
// part of the system up to run. The logic lives in step_dependencies.cpp (members of Replicator);
// simulator.cpp only calls it from a few commented hooks, and only when the model has any.
//
// The shared rule (docs/semantics.md, "Acquisition order"): a step first needs its requirement
// to hold (else it waits: `dependency_wait`), then a spare, then its crew members. It holds no
// crew while it waits. If the requirement fails while the step waits for a spare or its crew, it
// leaves that queue; if it fails while the step runs, the step pauses through the one pause of
// the engine (Replicator::pause_work, also used by crew preemption and shift ends), releases its
// members, keeps a spare it took, and when the requirement holds again it queues anew and
// resumes with its remaining duration (preemptive-resume). A step with a fallback never waits:
// it runs for its fallback duration when the requirement is down as it is reached, and later
// changes of the requirement do not affect it.
#pragma once

#include <cstdint>
#include <vector>

#include "recoverysim/model.hpp"
#include "recoverysim/random.hpp"

namespace recoverysim {

enum class DependencyStage : std::uint8_t {
  none,     // not in a step with a requirement (or inspection wait: the stage is stale)
  waiting,  // dependency_wait: its requirement is down; holds nothing, not in a crew queue
  ready,    // requirement holds: queued for a spare or its crew (or starting at once)
  working,  // running until work_end_ (a stale `working` has work_end_ <= now)
};

struct DependencyState {
  explicit DependencyState(const CompiledModel& m);
  void reset();

  // The work left of a paused step is not kept here: Replicator::remaining_ is the one store of
  // every pause (crew preemption, shift end, requirement down).
  std::vector<DependencyStage> stage;  // per component
  std::vector<std::uint8_t> fallback;  // the current attempt runs for the step's fallback
};

// Services with a restart procedure (a halted chain restarts only after its quorum is back and a
// coordinated restart has run). Indexed by service; other services' entries stay untouched.
enum class RestartStage : std::uint8_t {
  serving,     // requirement holds and the last restart (if any) completed
  waiting,     // down: its requirement does not hold
  restarting,  // requirement holds again: running restart step `step`
};

struct RestartState {
  explicit RestartState(const CompiledModel& m);
  void reset(const CompiledModel& m, std::uint64_t replication_key);

  std::vector<std::uint8_t> requirement_up;  // the requirement itself (count gate), per service
  std::vector<RestartStage> stage;
  std::vector<std::uint32_t> step;  // restart step in progress
  std::vector<double> step_start;   // when it began (its time is the step's phase)
  std::vector<std::uint32_t> gen;   // generation of the pending restart_step event
  std::vector<std::uint64_t> key;   // stream keys (kind restart, service name)
  std::vector<Stream> stream;       // per service: restart step durations
};

}  // namespace recoverysim
