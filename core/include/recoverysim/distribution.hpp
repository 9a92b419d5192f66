// Probability distributions of durations (hours). Our own sampling code: std::*_distribution
// differs between standard libraries and would break reproducibility. Every sampler is an inverse
// CDF of one uniform draw except Gamma (Marsaglia-Tsang rejection), so a changed parameter moves a
// sample monotonically: good for common random numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recoverysim/detmath.hpp"
#include "recoverysim/random.hpp"

namespace recoverysim {

enum class DistKind : std::uint8_t {
  exponential,    // p0 = mean
  weibull,        // p0 = shape k, p1 = scale lambda
  lognormal,      // p0 = mu, p1 = sigma (of the log)
  gamma,          // p0 = shape alpha, p1 = scale theta
  normal,         // p0 = mu, p1 = sigma, truncated to [0, inf)
  uniform,        // p0 = low, p1 = high
  triangular,     // p0 = low, p1 = mode, p2 = high
  deterministic,  // p0 = value
  empirical,      // values (sorted), resampled uniformly
};

const char* dist_kind_name(DistKind k) noexcept;

class Distribution {
 public:
  // Factories validate and throw std::invalid_argument naming the bad parameter.
  static Distribution exponential(double mean);
  static Distribution weibull(double shape, double scale);
  static Distribution lognormal(double mu, double sigma);
  static Distribution gamma(double shape, double scale);
  static Distribution normal(double mu, double sigma);
  static Distribution uniform(double low, double high);
  static Distribution triangular(double low, double mode, double high);
  static Distribution deterministic(double value);
  static Distribution empirical(std::vector<double> values);

  Distribution() : Distribution(deterministic(0.0)) {}

  double sample(Stream& s) const;
  // sample() for the event loop: the exponential (most draws) inline, other kinds through it.
  double draw(Stream& s) const {
    return kind_ == DistKind::exponential ? -p_[0] * dm::log(s.uniform_pos()) : sample(s);
  }
  double mean() const;
  double variance() const;
  double cdf(double x) const;
  // No sample is smaller (in floating point too): lets a search skip what cannot happen.
  double lower_bound() const noexcept;

  DistKind kind() const noexcept { return kind_; }
  double param(int i) const noexcept { return p_[i]; }
  const std::vector<double>& values() const;
  // True for a memoryless (exponential) distribution: the exact Markov solvers need this.
  bool is_exponential() const noexcept { return kind_ == DistKind::exponential; }
  std::string repr() const;

 private:
  Distribution(DistKind k, double a, double b = 0, double c = 0);
  double sample_gamma(Stream& s) const;

  DistKind kind_;
  double p_[3];
  double aux_[3] = {0, 0, 0};  // precomputed constants for sampling
  std::shared_ptr<const std::vector<double>> values_;
};

// Special functions, exposed for tests.
double normal_cdf(double x) noexcept;
double normal_quantile(double p) noexcept;    // full double precision on (0, 1)
double gamma_p(double a, double x) noexcept;  // regularised lower incomplete gamma P(a, x)

// Inline: the event loop samples on every step; the common kinds are one or two calls.
inline double Distribution::sample(Stream& s) const {
  switch (kind_) {
    case DistKind::exponential:
      return -p_[0] * dm::log(s.uniform_pos());
    case DistKind::weibull:
      return p_[1] * dm::pow(-dm::log(s.uniform_pos()), aux_[0]);
    case DistKind::lognormal:
      return dm::exp(p_[0] + p_[1] * normal_quantile(s.uniform_pos()));
    case DistKind::gamma:
      return sample_gamma(s);
    case DistKind::normal: {
      // Inverse CDF restricted to [0, inf): x = mu - sigma * Phi^-1(mass * (1 - u)).
      const double q = aux_[0] * (1.0 - s.uniform());
      const double x = p_[0] - p_[1] * normal_quantile(q > 0 ? q : 1e-300);
      return x > 0 ? x : 0.0;
    }
    case DistKind::uniform:
      return p_[0] + (p_[1] - p_[0]) * s.uniform();
    case DistKind::triangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      const double u = s.uniform();
      const double fc = (c - a) / (b - a);
      return u < fc ? a + std::sqrt(u * (b - a) * (c - a))
                    : b - std::sqrt((1 - u) * (b - a) * (b - c));
    }
    case DistKind::deterministic:
      return p_[0];
    case DistKind::empirical: {
      const auto& v = *values_;
      auto i = static_cast<std::size_t>(s.uniform() * static_cast<double>(v.size()));
      return v[std::min(i, v.size() - 1)];
    }
  }
  return 0.0;
}

}  // namespace recoverysim
