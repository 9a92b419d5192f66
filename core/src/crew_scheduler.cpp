#include "recoverysim/crew_scheduler.hpp"

#include <algorithm>

namespace recoverysim {

CrewScheduler::CrewScheduler(const CompiledModel& m)
    : m_(m),
      idle_(m.crew_sizes.size()),
      on_shift_(m.crew_sizes.size()),
      queue_(m.crew_sizes.size()),
      head_(m.crew_sizes.size()),
      holding_(m.components.size()),
      step_(m.components.size()),
      priority_(m.components.size()),
      seq_(m.components.size()) {
  for (auto p : m.crew_preemptive) preemptive_ |= p != 0;
}

void CrewScheduler::reset() {
  for (std::size_t k = 0; k < idle_.size(); ++k) {
    idle_[k] = m_.crew_sizes[k];
    const auto& shifts = m_.crew_calendars[k].shifts;
    on_shift_[k] = shifts.empty() || shifts.front().first == 0.0;
    queue_[k].clear();
    head_[k] = 0;
  }
  std::fill(holding_.begin(), holding_.end(), 0);
  dirty_.clear();
  next_seq_ = 0;
}

void CrewScheduler::request(std::uint32_t c, std::uint32_t step, std::int32_t priority,
                            std::vector<CrewAction>& out) {
  step_[c] = step;
  priority_[c] = priority;
  seq_[c] = next_seq_++;
  if (!try_start(c, false, out)) enqueue(c);
  dispatch(out);  // members a preemption freed in other crews
}

void CrewScheduler::release(std::uint32_t c, std::vector<CrewAction>& out) {
  if (!holding_[c]) return;
  give_back(c);
  holding_[c] = 0;
  dispatch(out);
}

void CrewScheduler::shift(std::size_t k, bool on, std::vector<CrewAction>& out) {
  if (static_cast<bool>(on_shift_[k]) == on) return;
  on_shift_[k] = on;
  if (on) {
    dirty_.push_back(static_cast<std::uint32_t>(k));
  } else {
    // Work in progress with this crew stops at the end of the shift and resumes later.
    for (std::uint32_t c = 0; c < holding_.size(); ++c) {
      if (!holding_[c]) continue;
      const CrewNeed* nd = needs(c);
      for (std::uint32_t i = 0; i < n_needs(c); ++i)
        if (static_cast<std::size_t>(nd[i].crew) == k) {
          pause(c, out);
          break;
        }
    }
  }
  dispatch(out);
}

void CrewScheduler::withdraw(std::uint32_t c) {
  if (holding_[c]) return;
  const CrewNeed* nd = needs(c);
  for (std::uint32_t i = 0; i < n_needs(c); ++i) {
    const auto k = static_cast<std::size_t>(nd[i].crew);
    auto& q = queue_[k];
    const auto it = std::find_if(q.begin() + static_cast<std::ptrdiff_t>(head_[k]), q.end(),
                                 [c](const Waiter& w) { return w.c == c; });
    if (it == q.end()) continue;
    q.erase(it);
    if (head_[k] == q.size()) {
      q.clear();
      head_[k] = 0;
    }
    dirty_.push_back(static_cast<std::uint32_t>(k));
  }
}

void CrewScheduler::enqueue(std::uint32_t c) {
  const Waiter w{priority_[c], seq_[c], c};
  const CrewNeed* nd = needs(c);
  for (std::uint32_t i = 0; i < n_needs(c); ++i) {
    auto& q = queue_[static_cast<std::size_t>(nd[i].crew)];
    if (q.size() == head_[static_cast<std::size_t>(nd[i].crew)] || !ahead(w, q.back())) {
      q.push_back(w);  // the common case: FIFO at one priority
      continue;
    }
    auto it = std::find_if(q.begin() + static_cast<std::ptrdiff_t>(head_[nd[i].crew]), q.end(),
                           [&](const Waiter& x) { return ahead(w, x); });
    q.insert(it, w);
  }
}

bool CrewScheduler::try_start(std::uint32_t c, bool queued, std::vector<CrewAction>& out) {
  const Waiter me{priority_[c], seq_[c], c};
  const CrewNeed* nd = needs(c);
  const std::uint32_t n = n_needs(c);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(nd[i].crew);
    if (!on_shift_[k]) return false;
    const auto& q = queue_[k];
    if (head_[k] < q.size() && (queued ? q[head_[k]].c != c : ahead(q[head_[k]], me)))
      return false;  // somebody waits ahead of it for this crew
    std::int32_t avail = idle_[k];
    if (avail < nd[i].count && m_.crew_preemptive[k]) {
      for (std::uint32_t v = 0; v < holding_.size(); ++v) {
        if (!holding_[v] || priority_[v] >= me.priority) continue;
        const CrewNeed* vn = needs(v);
        for (std::uint32_t j = 0; j < n_needs(v); ++j)
          if (static_cast<std::size_t>(vn[j].crew) == k) avail += vn[j].count;
      }
    }
    if (avail < nd[i].count) return false;
  }
  // Preempt the lowest priority first, and within it the latest request.
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(nd[i].crew);
    while (idle_[k] < nd[i].count) {
      std::int64_t victim = -1;
      for (std::uint32_t v = 0; v < holding_.size(); ++v) {
        if (!holding_[v] || priority_[v] >= me.priority) continue;
        const CrewNeed* vn = needs(v);
        bool uses = false;
        for (std::uint32_t j = 0; j < n_needs(v); ++j)
          uses |= static_cast<std::size_t>(vn[j].crew) == k;
        if (!uses) continue;
        if (victim < 0 || priority_[v] < priority_[victim] ||
            (priority_[v] == priority_[victim] && seq_[v] > seq_[victim]))
          victim = v;
      }
      pause(static_cast<std::uint32_t>(victim), out);
    }
  }
  if (queued) {
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(nd[i].crew);
      if (++head_[k] == queue_[k].size()) {
        queue_[k].clear();
        head_[k] = 0;
      }
      dirty_.push_back(static_cast<std::uint32_t>(k));  // a new head may start
    }
  }
  take(c);
  out.push_back({CrewAction::start, c});
  return true;
}

void CrewScheduler::take(std::uint32_t c) {
  const CrewNeed* nd = needs(c);
  for (std::uint32_t i = 0; i < n_needs(c); ++i)
    idle_[static_cast<std::size_t>(nd[i].crew)] -= nd[i].count;
  holding_[c] = 1;
}

void CrewScheduler::give_back(std::uint32_t c) {
  const CrewNeed* nd = needs(c);
  for (std::uint32_t i = 0; i < n_needs(c); ++i) {
    idle_[static_cast<std::size_t>(nd[i].crew)] += nd[i].count;
    dirty_.push_back(static_cast<std::uint32_t>(nd[i].crew));
  }
}

void CrewScheduler::pause(std::uint32_t c, std::vector<CrewAction>& out) {
  give_back(c);
  holding_[c] = 0;
  enqueue(c);  // keeps its priority and request order
  out.push_back({CrewAction::pause, c});
}

void CrewScheduler::dispatch(std::vector<CrewAction>& out) {
  while (!dirty_.empty()) {
    const std::size_t k = dirty_.back();
    dirty_.pop_back();
    while (head_[k] < queue_[k].size() && try_start(queue_[k][head_[k]].c, true, out)) {
    }
  }
}

SpareState::SpareState(const CompiledModel& m)
    : stock(m.spares.size()),
      queue(m.spares.size()),
      emergencies(m.spares.size()),
      out_since(m.spares.size()),
      has_spare(m.components.size()) {}

void SpareState::reset(const CompiledModel& m) {
  for (std::size_t p = 0; p < m.spares.size(); ++p) {
    stock[p] = m.spares[p].stock;
    queue[p].clear();
    emergencies[p] = 0;
    out_since[p] = stock[p] == 0 ? 0.0 : -1.0;
  }
  std::fill(has_spare.begin(), has_spare.end(), 0);
}

}  // namespace recoverysim
