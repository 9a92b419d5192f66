// Exact answers. For models whose times are all exponential, the continuous-time Markov chain
// over component states (with FIFO crew queues, k-of-n, standby with instant switchover, load
// sharing) is built and solved with Eigen's sparse LU: steady-state availability, outage
// frequency, mean outage duration, mean time to first outage, and availability at given times or
// averaged over [0, T] by uniformization. For independent components, the structure function is
// evaluated exactly, shared components included (conditioning on them).
//
// One algorithm per source file: markov.cpp (enumeration, steady state, transient),
// rare_events.cpp (importance sampling), structure.cpp (structure function). The first two share
// the chain's states and transitions through state_space.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recoverysim/model.hpp"

namespace recoverysim {

struct MarkovOptions {
  std::size_t max_states = 200000;
};

struct ServiceExact {
  double availability;       // steady state
  double failure_frequency;  // outages per hour in steady state
  double mean_outage;        // hours: unavailability / frequency
  double mttff;              // mean time to the first outage from all up (hours)
};

class MarkovSolution {
 public:
  std::size_t n_states() const noexcept { return n_states_; }
  std::size_t n_transitions() const noexcept { return n_transitions_; }
  const std::vector<ServiceExact>& services() const noexcept { return services_; }
  // Point availability of every service at the given times, from all up at 0: [time][service].
  std::vector<std::vector<double>> point_availability(const std::vector<double>& times) const;
  // Availability averaged over [0, T] from all up at 0, per service.
  std::vector<double> mean_availability(double horizon) const;
  // Steady-state distribution of the up weight (the capacity up) of service s's root gate when
  // it is weighted: (weight, probability) pairs in increasing weight, equal weights merged.
  std::vector<std::pair<double, double>> weight_distribution(std::size_t s) const;

  // Internals, filled by solve_markov.
  std::size_t n_states_ = 0, n_transitions_ = 0;
  std::vector<ServiceExact> services_;
  std::vector<std::uint8_t> up_;  // [state * n_services + s]
  std::vector<double> weight_;    // [state * n_services + s]: see weight_distribution
  std::size_t n_services_ = 0;
  // Sparse generator as triplets (row, col, rate), row != col; exit rate per state.
  std::vector<std::uint32_t> from_, to_;
  std::vector<double> rate_, exit_;
  std::vector<double> steady_;

 private:
  template <class F>
  void uniformize(double t, F&& on_term) const;
};

// Throws std::invalid_argument naming the feature or component the chain cannot express, or the
// state count when it exceeds options.max_states.
MarkovSolution solve_markov(const CompiledModel& model, const MarkovOptions& options = {});

// Rare events: regenerative simulation of the model's Markov chain with balanced failure
// biasing (Shahabuddin 1994). A cycle starts and ends in the all-up state; in a state with both
// failure and repair transitions, failures are chosen with total probability `bias` (equally
// among them) and repairs with 1 - bias (in proportion to their rates), and the likelihood ratio
// of the path keeps the estimator unbiased. Steady-state unavailability of a service =
// E[downtime in a cycle] / E[cycle length], the numerator from biased cycles, the denominator
// from plain cycles; holding times enter through their means (conditional Monte Carlo). The chain
// is walked on the fly: no state space is enumerated.
struct RareEventOptions {
  std::uint64_t cycles = 100000;       // biased cycles (numerator)
  std::uint64_t plain_cycles = 20000;  // unbiased cycles (cycle length)
  double bias = 0.5;
  std::uint64_t seed = 0;
  // Bias only failures of the components beneath this service (-1: every component). Biasing
  // failures that cannot bring the service down only adds variance.
  std::int32_t target_service = -1;
};

struct RareEventService {
  double down_per_cycle, down_per_cycle_se;  // E[downtime in a cycle] and its standard error
  double crude_second_moment;  // E[(downtime in a cycle)^2] under the true measure, estimated
};

struct RareEventResult {
  double cycle_length, cycle_length_se;
  std::vector<RareEventService> services;
  std::uint64_t cycles, plain_cycles, steps;
};

RareEventResult importance_sampling(const CompiledModel& model, const RareEventOptions& options);

// Steady availability of every service when components are independent with the given
// availabilities (one per component). Shared components are handled exactly by conditioning.
std::vector<double> structure_availability(const CompiledModel& model,
                                           const std::vector<double>& component_availability);

}  // namespace recoverysim
