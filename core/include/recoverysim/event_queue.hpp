// The future-event list: a 4-ary min-heap of small POD records ordered by (time, sequence)
// (4-ary: half the depth of a binary heap, and the four children share a cache line).
// The sequence number comes from a per-replication counter, so events scheduled for the same
// instant fire in the order they were scheduled, on every run and every thread. Cancellation is
// lazy: an event carries the generation of its target at scheduling time and is skipped when the
// target's generation has moved on (O(1) cancel, no search in the heap).
//
// Most events schedule another one as they are handled, so `take()` leaves the taken event at
// the root until the next `push()` replaces it (one sift instead of two).
#pragma once

#include <bit>
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
  forced,            // an incident scenario's event (target: index in CompiledModel::forced)
  crew_shift,        // a crew's shift begins or ends (target: crew, gen: calendar boundary)
  spare_arrival,     // a spare arrives in a pool (target: pool, gen: 1 emergency order, 0 not)
  restart_step,      // a step of a service's restart procedure ends (target: service)
  stress,            // a calendar stress begins or ends (target: stress, gen: its change index)
  demand_hour,       // a capacity service's down threshold changes (target: capacity, gen: change)
};

// 24 bytes: the type rides in the low byte of the sequence word (sequence numbers are unique, so
// ordering by the word orders by the sequence number).
struct Event {
  double time;
  std::uint64_t seq_type;  // seq << 8 | type
  std::uint32_t target;
  std::uint32_t gen;

  std::uint64_t seq() const noexcept { return seq_type >> 8; }
  EventType type() const noexcept { return static_cast<EventType>(seq_type & 0xFF); }
};

class EventQueue {
 public:
  void clear() noexcept {
    heap_.clear();
    next_seq_ = 0;
    taken_ = false;
  }
  bool empty() const noexcept { return heap_.size() == static_cast<std::size_t>(taken_); }
  std::size_t size() const noexcept { return heap_.size() - static_cast<std::size_t>(taken_); }

  void push(double time, std::uint32_t target, std::uint32_t gen, EventType type) {
    const Event e{time, (next_seq_++ << 8) | static_cast<std::uint64_t>(type), target, gen};
    if (taken_) {  // reuse the root slot of the event being handled
      taken_ = false;
      sift_down(e);
      return;
    }
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  // The earliest event; it stays in the heap (as the root) until the next push or take.
  Event take() noexcept {
    if (taken_) remove_root();
    taken_ = true;
    return heap_.front();
  }

  // For tests: take and settle.
  Event pop() noexcept {
    Event e = take();
    remove_root();
    taken_ = false;
    return e;
  }

 private:
  // Times are finite and >= 0, so their bit patterns order like the numbers: (time, sequence)
  // is one 128-bit integer key, compared without branches.
  __extension__ using Key = unsigned __int128;
  static Key key(const Event& e) noexcept {
    return (static_cast<Key>(std::bit_cast<std::uint64_t>(e.time)) << 64) | e.seq_type;
  }
  static bool before(const Event& a, const Event& b) noexcept { return key(a) < key(b); }
  void remove_root() noexcept {
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
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
  // Places e at the root and moves it down to its place. Where all four children exist (every
  // level but the last), the smallest is found by a branch-free tournament.
  void sift_down(const Event& e) noexcept {
    const std::size_t n = heap_.size();
    const Event* h = heap_.data();
    const Key ke = key(e);
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      std::size_t c;
      Key kc;
      if (first + 4 <= n) {
        const Key k0 = key(h[first]), k1 = key(h[first + 1]), k2 = key(h[first + 2]),
                  k3 = key(h[first + 3]);
        const std::size_t a = k1 < k0 ? first + 1 : first, b = k3 < k2 ? first + 3 : first + 2;
        const Key ka = k1 < k0 ? k1 : k0, kb = k3 < k2 ? k3 : k2;
        c = kb < ka ? b : a;
        kc = kb < ka ? kb : ka;
      } else {
        if (first >= n) break;
        c = first;
        kc = key(h[first]);
        for (std::size_t j = first + 1; j < n; ++j) {
          const Key kj = key(h[j]);
          if (kj < kc) {
            c = j;
            kc = kj;
          }
        }
      }
      if (!(kc < ke)) break;
      heap_[i] = heap_[c];
      i = c;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
  bool taken_ = false;
};

}  // namespace recoverysim
