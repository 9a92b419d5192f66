// Steady state and transient of the chain: enumerate the state space from all up, solve
// pi Q = 0 with Eigen's sparse LU, and uniformize for availability at given times.
#include "recoverysim/exact.hpp"

#include "recoverysim/state_space.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

namespace recoverysim {

namespace {

// Numbers the states reachable from all up, breadth first, and collects the generator.
class ChainBuilder {
 public:
  ChainBuilder(const CompiledModel& m, const MarkovOptions& o) : m_(m), space_(m), opt_(o) {}

  MarkovSolution build() {
    index(space_.initial());
    MarkovSolution sol;
    std::vector<Transition> out;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      space_.outgoing(states_[i], out);  // no reference into states_ survives: index() grows it
      std::map<std::uint32_t, double> row;
      for (const Transition& tr : out) {
        const std::uint32_t j = index(tr.to);
        if (j != i) row[j] += tr.rate;
      }
      double exit = 0;
      for (const auto& [j, r] : row) {
        sol.from_.push_back(static_cast<std::uint32_t>(i));
        sol.to_.push_back(j);
        sol.rate_.push_back(r);
        exit += r;
      }
      sol.exit_.push_back(exit);
    }
    sol.n_states_ = states_.size();
    sol.n_transitions_ = sol.rate_.size();
    sol.n_services_ = m_.services.size();
    sol.up_.resize(states_.size() * sol.n_services_);
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const auto up = space_.services_up(states_[i]);
      for (std::size_t s = 0; s < sol.n_services_; ++s) sol.up_[i * sol.n_services_ + s] = up[s];
    }
    sol.weight_.resize(states_.size() * sol.n_services_);
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const auto w = space_.service_weights(states_[i]);
      for (std::size_t s = 0; s < sol.n_services_; ++s) sol.weight_[i * sol.n_services_ + s] = w[s];
    }
    return sol;
  }

 private:
  std::uint32_t index(const State& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    if (states_.size() >= opt_.max_states)
      throw std::invalid_argument("the Markov chain has more than " +
                                  std::to_string(opt_.max_states) +
                                  " states (limit max_states); simulate instead");
    const auto id = static_cast<std::uint32_t>(states_.size());
    states_.push_back(s);
    ids_.emplace(s, id);
    return id;
  }

  const CompiledModel& m_;
  StateSpace space_;
  MarkovOptions opt_;
  std::vector<State> states_;
  std::unordered_map<State, std::uint32_t, StateHash> ids_;
};

using SpMat = Eigen::SparseMatrix<double>;

}  // namespace

MarkovSolution solve_markov(const CompiledModel& model, const MarkovOptions& options) {
  MarkovSolution sol = ChainBuilder(model, options).build();
  const auto n = static_cast<Eigen::Index>(sol.n_states_);
  const std::size_t ns = sol.n_services_;

  // Steady state: pi Q = 0 and sum(pi) = 1, i.e. Q^T pi = 0 with the last equation replaced.
  std::vector<Eigen::Triplet<double>> tr;
  for (std::size_t k = 0; k < sol.rate_.size(); ++k)
    if (static_cast<Eigen::Index>(sol.to_[k]) != n - 1)
      tr.emplace_back(sol.to_[k], sol.from_[k], sol.rate_[k]);
  for (Eigen::Index i = 0; i < n - 1; ++i)
    tr.emplace_back(i, i, -sol.exit_[static_cast<std::size_t>(i)]);
  for (Eigen::Index j = 0; j < n; ++j) tr.emplace_back(n - 1, j, 1.0);
  SpMat a(n, n);
  a.setFromTriplets(tr.begin(), tr.end());
  Eigen::SparseLU<SpMat> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error(
        "the Markov chain's steady state could not be solved (singular system)");
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  Eigen::VectorXd pi = lu.solve(b);
  sol.steady_.assign(pi.data(), pi.data() + n);
  for (double& x : sol.steady_) x = std::max(x, 0.0);

  sol.services_.assign(ns, {});
  for (std::size_t s = 0; s < ns; ++s) {
    double avail = 0, freq = 0;
    for (std::size_t i = 0; i < sol.n_states_; ++i)
      if (sol.up_[i * ns + s]) avail += sol.steady_[i];
    for (std::size_t k = 0; k < sol.rate_.size(); ++k)
      if (sol.up_[sol.from_[k] * ns + s] && !sol.up_[sol.to_[k] * ns + s])
        freq += sol.steady_[sol.from_[k]] * sol.rate_[k];
    // Mean time to the first outage from all up: solve -Q_UU x = 1 over the up states.
    std::vector<std::int64_t> pos(sol.n_states_, -1);
    Eigen::Index nu = 0;
    for (std::size_t i = 0; i < sol.n_states_; ++i)
      if (sol.up_[i * ns + s]) pos[i] = nu++;
    double mttff = std::numeric_limits<double>::infinity();
    if (nu > 0 && freq > 0) {
      std::vector<Eigen::Triplet<double>> t2;
      for (std::size_t i = 0; i < sol.n_states_; ++i)
        if (pos[i] >= 0) t2.emplace_back(pos[i], pos[i], sol.exit_[i]);
      for (std::size_t k = 0; k < sol.rate_.size(); ++k)
        if (pos[sol.from_[k]] >= 0 && pos[sol.to_[k]] >= 0)
          t2.emplace_back(pos[sol.from_[k]], pos[sol.to_[k]], -sol.rate_[k]);
      SpMat m(nu, nu);
      m.setFromTriplets(t2.begin(), t2.end());
      Eigen::SparseLU<SpMat> lu2;
      lu2.compute(m);
      if (lu2.info() == Eigen::Success) {
        Eigen::VectorXd x = lu2.solve(Eigen::VectorXd::Ones(nu));
        mttff = x(pos[0]);
      }
    }
    sol.services_[s] = {avail, freq, freq > 0 ? (1 - avail) / freq : 0.0, mttff};
  }
  return sol;
}

// Uniformization from all up at 0: calls on_term(weight_k, cumulative_k, v_k) for the terms of
// the Poisson(Lambda t) mixture until the iterate reaches the steady state (then once more with
// v = steady and the remaining mass), where cumulative_k = P(N <= k).
template <class F>
void MarkovSolution::uniformize(double t, F&& on_term) const {
  const std::size_t n = n_states_;
  double lam = 0;
  for (double e : exit_) lam = std::max(lam, e);
  lam = lam * 1.02 + 1e-12;
  const double lt = lam * t;
  std::vector<double> v(n, 0.0), next(n);
  v[0] = 1.0;
  if (lt <= 0) {  // t = 0: all up
    on_term(1.0, 1.0, v, true);
    return;
  }
  double cum = 0;
  // The series converges long before this; the bound only keeps the conversion in range.
  const double kmax_d = lt + 12 * std::sqrt(lt) + 50;
  const std::size_t kmax = kmax_d < 1e9 ? static_cast<std::size_t>(kmax_d) : 1000000000u;
  for (std::size_t k = 0; k <= kmax; ++k) {
    const double w = std::exp(-lt + static_cast<double>(k) * std::log(lt) -
                              std::lgamma(static_cast<double>(k) + 1));
    cum += w;
    on_term(w, std::min(cum, 1.0), v, false);
    double diff = 0;
    for (std::size_t i = 0; i < n; ++i) diff = std::max(diff, std::fabs(v[i] - steady_[i]));
    if (diff < 1e-13 || cum >= 1.0 - 1e-16) {
      on_term(1.0 - std::min(cum, 1.0), 1.0, steady_, true);
      return;
    }
    for (std::size_t i = 0; i < n; ++i) next[i] = v[i] * (1.0 - exit_[i] / lam);
    for (std::size_t j = 0; j < rate_.size(); ++j) next[to_[j]] += v[from_[j]] * rate_[j] / lam;
    v.swap(next);
  }
  on_term(1.0 - std::min(cum, 1.0), 1.0, v, true);
}

std::vector<std::vector<double>> MarkovSolution::point_availability(
    const std::vector<double>& times) const {
  std::vector<std::vector<double>> out;
  for (double t : times) {
    if (!(t >= 0) || !std::isfinite(t))
      throw std::invalid_argument("times must be finite and >= 0");
    std::vector<double> a(n_services_, 0.0);
    uniformize(t, [&](double w, double, const std::vector<double>& v, bool) {
      for (std::size_t i = 0; i < n_states_; ++i)
        for (std::size_t s = 0; s < n_services_; ++s)
          if (up_[i * n_services_ + s]) a[s] += w * v[i];
    });
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<double> MarkovSolution::mean_availability(double horizon) const {
  if (!(horizon > 0) || !std::isfinite(horizon)) throw std::invalid_argument("horizon must be > 0");
  double lam = 0;
  for (double e : exit_) lam = std::max(lam, e);
  lam = lam * 1.02 + 1e-12;
  const double lt = lam * horizon;
  // (1/T) integral of A = (1/(Lambda T)) sum_k P(N > k) a_k; the tail after convergence is
  // (Lambda T - sum_{k<K} P(N > k)) a_steady.
  std::vector<double> acc(n_services_, 0.0);
  double used = 0;
  uniformize(horizon, [&](double, double cum, const std::vector<double>& v, bool last) {
    const double weight = last ? (lt - used) : (1.0 - cum);
    used += weight;
    for (std::size_t i = 0; i < n_states_; ++i)
      for (std::size_t s = 0; s < n_services_; ++s)
        if (up_[i * n_services_ + s]) acc[s] += weight * v[i];
  });
  for (double& x : acc) x /= lt;
  return acc;
}

std::vector<std::pair<double, double>> MarkovSolution::weight_distribution(std::size_t s) const {
  if (s >= n_services_) throw std::out_of_range("weight_distribution: no such service");
  std::map<double, double> by_weight;
  for (std::size_t i = 0; i < n_states_; ++i) by_weight[weight_[i * n_services_ + s]] += steady_[i];
  return {by_weight.begin(), by_weight.end()};
}

}  // namespace recoverysim
