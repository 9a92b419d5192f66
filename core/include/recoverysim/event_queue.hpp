// The future-event list: a 4-ary min-heap of small POD records ordered by (time, sequence)
// (4-ary: half the depth of a binary heap, and the four children share a cache line).
// The sequence number comes from a per-replication counter, so events scheduled for the same
// instant fire in the order they were scheduled, on every run and every thread. Cancellation is
// lazy: an event carries the generation of its target at scheduling time and is skipped when the
// target's generation has moved on (O(1) cancel, no search in the heap).
#pragma once

#include <cstdint>
#include <vector>

namespace recoverysim {

enum class EventType : std::uint8_t {
  failure,           // a component's pending failure fires
  step_end,          // a recovery step of a component ends
  step_ready,        // a component's recovery step may start (periodic inspection reached)
  standby_detected,  // a standby group noticed that its active member is down (target: gate)
  standby_switched,  // a standby group's switchover attempt ends (target: gate)
  shock,             // a shock arrives (target: shock)
  shock_end,         // a held-down shock outage ends (target: slot in the hold pool)
  cascade,           // a cascaded failure arrives (target: slot in the cascade pool)
  maintenance,       // a planned window is due (target: window)
};

struct Event {
  double time;
  std::uint64_t seq;
  std::uint32_t target;
  std::uint32_t gen;
  EventType type;
};

class EventQueue {
 public:
  void clear() noexcept {
    heap_.clear();
    next_seq_ = 0;
  }
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  const Event& top() const noexcept { return heap_.front(); }

  void push(double time, std::uint32_t target, std::uint32_t gen, EventType type) {
    heap_.push_back({time, next_seq_++, target, gen, type});
    sift_up(heap_.size() - 1);
  }

  Event pop() noexcept {
    Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return out;
  }

 private:
  static bool before(const Event& a, const Event& b) noexcept {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  void sift_up(std::size_t i) noexcept {
    const Event e = heap_[i];
    while (i > 0) {
      const std::size_t p = (i - 1) / 4;
      if (!before(e, heap_[p])) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }
  // Places e (the former last element) starting from the root.
  void sift_down(const Event& e) noexcept {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t c = first;
      const std::size_t last = first + 4 < n ? first + 4 : n;
      for (std::size_t j = first + 1; j < last; ++j)
        if (before(heap_[j], heap_[c])) c = j;
      if (!before(heap_[c], e)) break;
      heap_[i] = heap_[c];
      i = c;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace recoverysim
