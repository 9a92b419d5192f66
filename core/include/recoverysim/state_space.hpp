// The state space of a model's continuous-time Markov chain, shared by the exact solver
// (markov.cpp enumerates it) and the rare-event simulation (rare_events.cpp walks it): one
// encoding of states, one set of transitions, so the two cannot disagree on what the chain is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "recoverysim/model.hpp"
#include "recoverysim/random.hpp"

namespace recoverysim {

// One state of the chain. Layout: one code per component (0 up; else the failure mode, step and
// whether it holds its crew unit or waits for one), then one FIFO queue per crew (component ids,
// kEmptySlot-padded), then (active member, no-spare flag) per standby group, then one word per
// restarting service, then (stock on hand, FIFO queue of waiters) per spare pool when steps take
// spares.
using State = std::vector<std::uint16_t>;

// For state maps; FNV-1a over the words (random.hpp), the same hash that names streams.
struct StateHash {
  std::size_t operator()(const State& s) const noexcept {
    return static_cast<std::size_t>(fnv1a(s.begin(), s.end()));
  }
};

struct Transition {
  double rate;  // per hour, > 0
  State to;
};

// The chain of an exponential model: crews with queues by priority (FIFO within one; preemptive-
// resume for a preemptive crew of one member), k-of-n, load sharing, standby with
// instant switchover, spare pools with exponential restock (no emergency orders). Read-only once
// built; cheap to construct (nothing is enumerated).
class StateSpace {
 public:
  static constexpr std::uint16_t kEmptySlot = 0xFFFF;

  // Throws std::invalid_argument naming the feature or component the chain cannot express.
  explicit StateSpace(const CompiledModel& model);

  // Every component up, every crew idle, every standby group on its primary.
  State initial() const;
  std::size_t failed_count(const State& s) const noexcept;
  // Appends the transitions out of `s` to `out` (after clearing it), in a fixed order that the
  // rare-event walk's draws depend on. A target may appear more than once (the rates add up).
  void outgoing(const State& s, std::vector<Transition>& out) const;
  // Up (1) or down (0) per service, in model order.
  std::vector<std::uint8_t> services_up(const State& s) const;
  // Up weight of each service's root gate when it is weighted (the capacity up), else 0.
  std::vector<double> service_weights(const State& s) const;

 private:
  // Where a failed component is in its step. Models without step requirements use only the
  // first two (the code's radix is 2, as before they existed).
  enum Status : std::uint32_t {
    kQueued = 0,     // waits in its crew's queue
    kServing = 1,    // holds its crew unit (or needs none): the step runs
    kDepWait = 2,    // step requirements: its requirement is down (dependency_wait)
    kFallback = 3,   // step requirements: runs for its fallback duration
    kSpareWait = 4,  // spare pools: waits in its pool's FIFO queue (spare_wait)
  };
  struct Where {
    std::uint32_t mode;  // local mode index
    std::uint32_t step;
    std::uint32_t status;
    bool in_service() const noexcept { return status == kServing || status == kFallback; }
  };
  void check() const;
  Where decode(std::uint16_t code) const noexcept;
  std::uint16_t encode(std::uint32_t mode, std::uint32_t step, std::uint32_t status) const noexcept;
  void settle(State& s) const;           // step requirements: pause, resume (state_space.cpp)
  void settle_restarts(State& s) const;  // service restarts: begin, abandon
  const Step& step_of(std::size_t c, std::uint32_t mode, std::uint32_t step) const noexcept;
  std::uint32_t n_steps(std::size_t c, std::uint32_t mode) const noexcept;
  int busy(const State& s, std::int32_t crew) const noexcept;
  std::int32_t priority(const State& s, std::size_t c) const noexcept;
  void enqueue(State& s, std::int32_t crew, std::size_t c, bool front) const noexcept;
  void release(State& s, std::int32_t crew) const;
  void enter_step(State& s, std::size_t c, std::uint32_t mode, std::uint32_t step,
                  bool holds_spare = false) const;
  void join_crew(State& s, std::size_t c, std::uint32_t mode, std::uint32_t step) const;
  void leave_queue(State& s, std::int32_t crew, std::size_t c) const noexcept;
  std::size_t sb_slot(std::size_t g) const noexcept;
  std::vector<std::uint8_t> eval_nodes(const State& s) const;
  double rate_factor(const State& s, std::size_t c, const std::vector<std::uint8_t>& nodes) const;
  void standby_lost(State& t, std::size_t c, double rate, std::vector<Transition>& out) const;
  bool corrupted(const State& s, std::size_t g) const noexcept;

  const CompiledModel& m_;
  std::size_t nc_ = 0;            // components
  std::size_t max_steps_ = 1;     // longest procedure: the radix of a component's code
  std::uint32_t radix_ = 2;       // statuses per step: 4 with step requirements, 5 with spares
  std::size_t crew_base_ = 0;     // offset of the first crew queue in a state
  std::size_t sb_base_ = 0;       // offset of the first standby pair in a state
  std::size_t restart_base_ = 0;  // offset of the restart words (one per restarting service)
  // Per service: its restart word's offset, or 0 (no restart). Word: 0 serving, 1 waiting for
  // its requirement, 2 + i running restart step i.
  std::vector<std::size_t> restart_slot_;
  // Per spare pool (only when a step takes spares): the offset of its stock on hand, followed by
  // its FIFO queue of waiting components (kEmptySlot-padded). Outstanding orders = stock - on hand.
  std::vector<std::size_t> pool_slot_;
  std::size_t size_ = 0;              // words per state
  std::vector<std::size_t> standby_;  // gate index of each standby group, in gate order
};

}  // namespace recoverysim
