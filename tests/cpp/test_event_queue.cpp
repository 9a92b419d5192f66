#include <algorithm>
#include <vector>

#include "check.hpp"
#include "recoverysim/event_queue.hpp"
#include "recoverysim/random.hpp"

using namespace recoverysim;

TEST_CASE(pops_in_time_order) {
  EventQueue q;
  Stream s(3);
  std::vector<double> times;
  for (int i = 0; i < 10000; ++i) {
    const double t = s.uniform() * 100;
    times.push_back(t);
    q.push(t, static_cast<std::uint32_t>(i), 0, EventType::failure);
  }
  std::sort(times.begin(), times.end());
  for (double t : times) CHECK(q.pop().time == t);
  CHECK(q.empty());
}

TEST_CASE(ties_fire_in_scheduling_order) {
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(i % 2 ? 5.0 : 1.0, i, 0, EventType::failure);
  std::uint32_t expect = 0;
  for (int i = 0; i < 50; ++i, expect += 2) CHECK(q.pop().target == expect);
  expect = 1;
  for (int i = 0; i < 50; ++i, expect += 2) CHECK(q.pop().target == expect);
}

TEST_CASE(interleaved_push_pop_keeps_order) {
  EventQueue q;
  Stream s(9);
  double now = 0;
  std::uint64_t last_seq = 0;
  for (int i = 0; i < 100; ++i) q.push(s.uniform(), 0, 0, EventType::failure);
  for (int i = 0; i < 100000; ++i) {
    const Event e = q.pop();
    CHECK(e.time >= now);
    if (e.time == now) CHECK(e.seq() > last_seq);
    now = e.time;
    last_seq = e.seq();
    q.push(now + (i % 7 == 0 ? 0.0 : s.uniform()), 0, 0, EventType::failure);
  }
}

TEST_CASE(clear_resets_sequence) {
  EventQueue q;
  q.push(1.0, 0, 0, EventType::failure);
  q.clear();
  CHECK(q.empty());
  q.push(2.0, 1, 0, EventType::failure);
  CHECK(q.pop().seq() == 0);
}

TEST_MAIN()
