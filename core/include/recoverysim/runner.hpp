// Runs many replications on a C++ thread pool. Replications share only the read-only compiled
// model; each writes its own row of the result buffers, so results do not depend on the number of
// threads or on which thread ran what. Partial histograms are integer counts, merged exactly.
#pragma once

#include <cstdint>
#include <functional>

#include "recoverysim/simulator.hpp"

namespace recoverysim {

// Called on the calling thread about every `tick_seconds` with the number of finished
// replications; returning false stops the run (workers stop within one replication, or within
// 4096 events of a long one). Worker threads never call it.
using TickFn = std::function<bool(std::uint64_t done)>;

// The run returns with `completed == false` if it was stopped.
RunResults run(const CompiledModel& model, const RunOptions& options, const TickFn& tick = {},
               double tick_seconds = 0.1);

int default_threads() noexcept;

// More threads than this is a mistake, not a machine: a run refuses it.
inline constexpr int kMaxThreads = 1024;

}  // namespace recoverysim
