// One replication of the discrete-event simulation, and the result buffers it writes into.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "recoverysim/event_queue.hpp"
#include "recoverysim/model.hpp"
#include "recoverysim/random.hpp"

namespace recoverysim {

struct RunOptions {
  double horizon = 8760.0;
  std::uint64_t seed = 0;
  std::uint64_t first_replication = 0;  // global index of the first replication of this run
  std::uint64_t replications = 1000;
  int threads = 0;  // 0: all hardware threads
};

// Fixed log-spaced histogram of outage durations, pooled over replications. Counts are integers,
// so merging partial histograms is exact and order-independent.
struct DurationHistogram {
  static constexpr double kMinHours = 1e-4;  // 0.36 s
  static constexpr int kDecades = 10;        // up to 1e6 h
  static constexpr int kPerDecade = 40;      // bin width ratio 10^(1/40) = 1.059
  static constexpr int kBins = kDecades * kPerDecade + 2;  // + underflow, overflow
  static int bin(double hours) noexcept;
  static double lower_edge(int bin) noexcept;  // bin 0 is [0, kMinHours)
};

// Results of a block of replications. Per-replication arrays are row-major
// (replication, entity); memory is O(replications x entities), independent of the event count.
struct RunResults {
  std::uint64_t first_replication = 0;
  std::uint64_t replications = 0;
  std::size_t n_services = 0, n_components = 0, n_modes = 0;
  double horizon = 0;
  bool completed = true;

  std::vector<double> service_downtime;    // [rep, service] hours
  std::vector<std::uint32_t> service_outages;  // [rep, service] outages begun in the horizon
  std::vector<double> component_downtime;  // [rep, component] hours
  std::vector<std::uint32_t> mode_failures;  // [rep, mode]
  std::vector<std::uint64_t> events;       // [rep] events processed
  std::vector<std::uint64_t> outage_histogram;  // [service, bin], completed outages only

  void allocate(const CompiledModel& m, std::uint64_t first, std::uint64_t n, double horizon);
};

// Simulates replications one after another, reusing its buffers: create one per thread.
class Replicator {
 public:
  Replicator(const CompiledModel& model, const RunOptions& options);

  // Runs global replication `rep` and writes row (rep - out.first_replication) of `out`.
  // `histogram` is this thread's partial outage histogram. Returns false if stopped early.
  bool run(std::uint64_t rep, RunResults& out, std::vector<std::uint64_t>& histogram,
           const std::atomic<bool>* stop);

 private:
  void reset(std::uint64_t rep);
  void renew(std::uint32_t c, double t);
  void schedule_failure(std::uint32_t c, double t);
  void fail(std::uint32_t c, double t);
  void start_procedure(std::uint32_t c, std::int32_t proc, double t);
  void begin_step(std::uint32_t c, double t);
  void acquire_crew(std::uint32_t c, double t);
  void start_work(std::uint32_t c, double t);
  void end_step(std::uint32_t c, double t);
  void release_crew(std::int32_t crew, double t);
  void set_node(std::uint32_t node, bool up, double t, std::int32_t cause);
  void service_changed(std::int32_t s, bool up, double t);
  const Step& current_step(std::uint32_t c) const noexcept {
    return m_.steps[m_.procedures[static_cast<std::size_t>(proc_[c])].first_step + step_[c]];
  }

  const CompiledModel& m_;
  RunOptions opt_;
  EventQueue queue_;

  // Component state (struct of arrays).
  std::vector<std::uint8_t> up_;
  std::vector<double> age_, rate_, since_, fail_age_, down_since_;
  std::vector<std::uint32_t> gen_;
  std::vector<std::int32_t> fail_mode_, active_mode_, proc_, attempts_;
  std::vector<std::uint32_t> step_;
  // Per failure mode: random streams and the sampled age at which it would fire.
  std::vector<Stream> failure_stream_, recovery_stream_;
  std::vector<double> mode_ttf_;
  // Gates and services.
  std::vector<std::int32_t> up_count_;
  std::vector<std::uint8_t> gate_up_;
  std::vector<double> service_down_since_;
  // Crews: free units and FIFO queues of waiting components (ring buffers).
  std::vector<std::int32_t> crew_free_;
  std::vector<std::vector<std::uint32_t>> crew_queue_;
  std::vector<std::size_t> crew_head_;

  // Output row of the replication in progress.
  double* svc_downtime_ = nullptr;
  std::uint32_t* svc_outages_ = nullptr;
  double* comp_downtime_ = nullptr;
  std::uint32_t* mode_failures_ = nullptr;
  std::uint64_t* hist_ = nullptr;
};

}  // namespace recoverysim
