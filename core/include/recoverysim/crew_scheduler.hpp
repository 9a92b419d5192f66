// Crews and spare pools of one replication (issue 14): which recovery steps hold crew members,
// who waits for them in which order, which crews are on shift, and how many spares are in stock.
// The scheduler decides; the Replicator (simulator.cpp) carries the decisions out (starts,
// pauses, traces, phases) in the order the scheduler lists them.
//
// The rule (docs/semantics.md, "Crews, priorities, calendars and spares"):
// - A step takes every crew member it needs at once, or none: it waits until each of its crews
//   is on shift, has enough idle members, and has nobody waiting ahead of it.
// - Waiters are ordered by (priority, higher first; then the time of their request): FIFO within
//   a priority. Nobody overtakes a waiter on a crew they both need, so a step that needs three
//   custodians is not starved by steps that need one.
// - A preemptive crew lets a request take members from steps of strictly lower priority in
//   progress: they pause, release every member they hold, keep their place (their original
//   request time), and resume later with their remaining time (preemptive-resume).
// - When a crew's shift ends, steps holding its members pause the same way and resume when they
//   can run again (their crews on shift and free).
#pragma once

#include <cstdint>
#include <vector>

#include "recoverysim/model.hpp"

namespace recoverysim {

// What the Replicator must do, in order, after a scheduler call.
struct CrewAction {
  enum Kind : std::uint8_t { start, pause } kind;
  std::uint32_t component;
};

class CrewScheduler {
 public:
  explicit CrewScheduler(const CompiledModel& m);
  void reset();

  // Component c's current step (global step index `step`) asks for its crew members with
  // `priority`. Appends the actions to `out`: `start c` if it got them now (possibly after
  // pausing lower-priority steps of preemptive crews), else nothing (it waits).
  void request(std::uint32_t c, std::uint32_t step, std::int32_t priority,
               std::vector<CrewAction>& out);
  // Component c's step ends: its members go back and pass to waiters who can now start.
  void release(std::uint32_t c, std::vector<CrewAction>& out);
  // Crew k's shift ends (`on` false: steps holding its members pause) or begins (waiters start).
  void shift(std::size_t k, bool on, std::vector<CrewAction>& out);

  // Component c's step leaves the queues it waits in (its requirement went down; it keeps no
  // place). Waiters it blocked may start at the next dispatch.
  void withdraw(std::uint32_t c);
  // Starts the waiters at the heads of the crews that changed and can start now.
  void dispatch(std::vector<CrewAction>& out);

  bool holding(std::uint32_t c) const noexcept { return holding_[c] != 0; }
  bool on_shift(std::size_t k) const noexcept { return on_shift_[k] != 0; }

 private:
  struct Waiter {
    std::int32_t priority;
    std::uint64_t seq;  // order of the request (kept through pauses)
    std::uint32_t c;
  };
  static bool ahead(const Waiter& a, const Waiter& b) noexcept {
    return a.priority > b.priority || (a.priority == b.priority && a.seq < b.seq);
  }
  const CrewNeed* needs(std::uint32_t c) const noexcept {
    return m_.crew_needs.data() + m_.steps[step_[c]].first_need;
  }
  std::uint32_t n_needs(std::uint32_t c) const noexcept { return m_.steps[step_[c]].n_needs; }
  void enqueue(std::uint32_t c);
  // Starts c if it may (taking members, pausing victims); true if it started.
  bool try_start(std::uint32_t c, bool queued, std::vector<CrewAction>& out);
  void take(std::uint32_t c);
  void give_back(std::uint32_t c);
  void pause(std::uint32_t c, std::vector<CrewAction>& out);

  const CompiledModel& m_;
  std::vector<std::int32_t> idle_;      // per crew: members free right now
  std::vector<std::uint8_t> on_shift_;  // per crew: working now (1 without a calendar)
  // Per crew: waiters queue_[k][head_[k] ..) in order; the consumed prefix is dropped when the
  // queue drains, so that the common FIFO case costs no shifting.
  std::vector<std::vector<Waiter>> queue_;
  std::vector<std::size_t> head_;
  std::vector<std::uint8_t> holding_;   // per component: holds its step's members
  std::vector<std::uint32_t> step_;     // per component: global index of the requesting step
  std::vector<std::int32_t> priority_;  // per component: priority of its request
  std::vector<std::uint64_t> seq_;      // per component: order of its request
  std::vector<std::uint32_t> dirty_;    // crews whose queue head may be able to start
  std::uint64_t next_seq_ = 0;
  bool preemptive_ = false;  // any preemptive crew
};

// Spare pools: stock on hand, steps waiting for a spare (FIFO), orders on their way.
struct SpareState {
  explicit SpareState(const CompiledModel& m);
  void reset(const CompiledModel& m);

  std::vector<std::int32_t> stock;                // per pool: spares on hand
  std::vector<std::vector<std::uint32_t>> queue;  // per pool: components waiting, FIFO
  std::vector<std::int32_t> emergencies;          // per pool: emergency orders on their way
  std::vector<double> out_since;                  // per pool: start of the stock-out, or -1
  std::vector<std::uint8_t> has_spare;            // per component: its current step took one
};

}  // namespace recoverysim
