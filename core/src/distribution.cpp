#include "recoverysim/distribution.hpp"

#include "recoverysim/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace recoverysim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

// `param`: the parameter at fault ("" when it is their combination).
[[noreturn]] void bad(const std::string& dist, const std::string& param, const std::string& what,
                      double got) {
  const std::string reason = what + " (got " + fmt(got) + ")";
  throw SpecError("distribution", dist, param, reason,
                  dist + ": " + (param.empty() ? "" : param + " ") + reason);
}

void require_finite(const char* dist, const char* name, double v) {
  if (!std::isfinite(v)) bad(dist, name, "must be a finite number", v);
}
void require_positive(const char* dist, const char* name, double v) {
  require_finite(dist, name, v);
  if (!(v > 0)) bad(dist, name, "must be > 0", v);
}
void require_nonnegative(const char* dist, const char* name, double v) {
  require_finite(dist, name, v);
  if (!(v >= 0)) bad(dist, name, "must be >= 0", v);
}

double normal_pdf(double x) noexcept {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
}

}  // namespace

const char* dist_kind_name(DistKind k) noexcept {
  switch (k) {
    case DistKind::exponential:
      return "Exponential";
    case DistKind::weibull:
      return "Weibull";
    case DistKind::lognormal:
      return "LogNormal";
    case DistKind::gamma:
      return "Gamma";
    case DistKind::normal:
      return "Normal";
    case DistKind::uniform:
      return "Uniform";
    case DistKind::triangular:
      return "Triangular";
    case DistKind::deterministic:
      return "Deterministic";
    case DistKind::empirical:
      return "Empirical";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Special functions

double normal_cdf(double x) noexcept { return 0.5 * dm::erfc(-x / std::numbers::sqrt2); }

// Acklam's rational approximation (relative error 1.2e-9), then one Halley step on erfc, which
// brings it to full double precision.
double normal_quantile(double p) noexcept {
  if (!(p > 0.0)) return -kInf;
  if (!(p < 1.0)) return kInf;
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double plow = 0.02425;
  double x;
  if (p < plow) {
    const double q = std::sqrt(-2 * dm::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * dm::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley refinement on e = Phi(x) - p; in the upper tail e is computed from the complements
  // (1 - p) and erfc to keep precision.
  const double e = (x > 0) ? (1.0 - p) - 0.5 * dm::erfc(x / std::numbers::sqrt2)
                           : 0.5 * dm::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * dm::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

// Regularised lower incomplete gamma: power series below a+1, Lentz continued fraction above.
double gamma_p(double a, double x) noexcept {
  if (!(x > 0)) return 0.0;
  if (std::isinf(x)) return 1.0;
  const double log_prefix = -x + a * std::log(x) - std::lgamma(a);
  constexpr double eps = 1e-16;
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * eps) break;
    }
    return std::min(1.0, sum * std::exp(log_prefix));
  }
  constexpr double tiny = 1e-300;
  double bb = x + 1 - a, cc = 1 / tiny, dd = 1 / bb, h = dd;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    bb += 2;
    dd = an * dd + bb;
    if (std::fabs(dd) < tiny) dd = tiny;
    cc = bb + an / cc;
    if (std::fabs(cc) < tiny) cc = tiny;
    dd = 1 / dd;
    const double del = dd * cc;
    h *= del;
    if (std::fabs(del - 1) < eps) break;
  }
  return std::max(0.0, 1.0 - std::exp(log_prefix) * h);
}

// ---------------------------------------------------------------------------------------------
// Factories

Distribution::Distribution(DistKind k, double a, double b, double c) : kind_(k), p_{a, b, c} {}

Distribution Distribution::exponential(double mean) {
  require_positive("Exponential", "mean", mean);
  return {DistKind::exponential, mean};
}

Distribution Distribution::weibull(double shape, double scale) {
  require_positive("Weibull", "shape", shape);
  require_positive("Weibull", "scale", scale);
  Distribution d{DistKind::weibull, shape, scale};
  d.aux_[0] = 1.0 / shape;
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  require_finite("LogNormal", "mu", mu);
  require_positive("LogNormal", "sigma", sigma);
  if (mu + sigma * sigma / 2 > 700) bad("LogNormal", "", "mean exp(mu + sigma^2/2) overflows", mu);
  return {DistKind::lognormal, mu, sigma};
}

Distribution Distribution::gamma(double shape, double scale) {
  require_positive("Gamma", "shape", shape);
  require_positive("Gamma", "scale", scale);
  Distribution d{DistKind::gamma, shape, scale};
  const double alpha = shape < 1 ? shape + 1 : shape;
  d.aux_[0] = alpha - 1.0 / 3.0;
  d.aux_[1] = 1.0 / std::sqrt(9.0 * d.aux_[0]);
  d.aux_[2] = 1.0 / shape;
  return d;
}

Distribution Distribution::normal(double mu, double sigma) {
  require_finite("Normal", "mu", mu);
  require_positive("Normal", "sigma", sigma);
  const double mass = normal_cdf(mu / sigma);  // probability mass above 0 before truncation
  if (mass < 1e-12)
    bad("Normal", "",
        "almost all of its mass is below 0 (mu/sigma too negative); durations are >= 0",
        mu / sigma);
  Distribution d{DistKind::normal, mu, sigma};
  d.aux_[0] = mass;
  return d;
}

Distribution Distribution::uniform(double low, double high) {
  require_nonnegative("Uniform", "low", low);
  require_finite("Uniform", "high", high);
  if (!(high > low)) bad("Uniform", "high", "must be > low", high);
  return {DistKind::uniform, low, high};
}

Distribution Distribution::triangular(double low, double mode, double high) {
  require_nonnegative("Triangular", "low", low);
  require_finite("Triangular", "mode", mode);
  require_finite("Triangular", "high", high);
  if (!(high > low)) bad("Triangular", "high", "must be > low", high);
  if (!(mode >= low && mode <= high)) bad("Triangular", "mode", "must lie in [low, high]", mode);
  // The sampler squares the width: beyond 1e150 h it overflows to -inf (an endless loop at -inf).
  if (!(high - low <= 1e150)) bad("Triangular", "high", "must be at most low + 1e150 hours", high);
  return {DistKind::triangular, low, mode, high};
}

Distribution Distribution::deterministic(double value) {
  require_nonnegative("Deterministic", "value", value);
  return {DistKind::deterministic, value};
}

Distribution Distribution::empirical(std::vector<double> values) {
  if (values.empty())
    throw SpecError("distribution", "Empirical", "values", "needs at least one observed value",
                    "Empirical: needs at least one observed value");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] < 0) {
      const std::string field = "values[" + std::to_string(i) + "]";
      const std::string reason = "must be a finite duration >= 0 (got " + fmt(values[i]) + ")";
      throw SpecError("distribution", "Empirical", field, reason,
                      "Empirical: " + field + " " + reason);
    }
  }
  std::sort(values.begin(), values.end());
  Distribution d{DistKind::empirical, static_cast<double>(values.size())};
  d.values_ = std::make_shared<const std::vector<double>>(std::move(values));
  return d;
}

const std::vector<double>& Distribution::values() const {
  static const std::vector<double> none;
  return values_ ? *values_ : none;
}

// ---------------------------------------------------------------------------------------------
// Sampling

double Distribution::sample_gamma(Stream& s) const {
  // Marsaglia and Tsang (2000); for shape < 1 sample shape+1 and scale by U^(1/shape).
  const double dd = aux_[0], cc = aux_[1];
  double g;
  for (;;) {
    const double x = normal_quantile(s.uniform_pos());
    double v = 1 + cc * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = s.uniform_pos();
    if (dm::log(u) < 0.5 * x * x + dd - dd * v + dd * dm::log(v)) {
      g = dd * v;
      break;
    }
  }
  if (p_[0] < 1) g *= dm::pow(s.uniform_pos(), aux_[2]);
  return g * p_[1];
}

// ---------------------------------------------------------------------------------------------
// Moments and CDF

double Distribution::mean() const {
  switch (kind_) {
    case DistKind::exponential:
      return p_[0];
    case DistKind::weibull:
      return p_[1] * std::tgamma(1 + 1 / p_[0]);
    case DistKind::lognormal:
      return std::exp(p_[0] + p_[1] * p_[1] / 2);
    case DistKind::gamma:
      return p_[0] * p_[1];
    case DistKind::normal: {
      const double z = p_[0] / p_[1];
      return p_[0] + p_[1] * normal_pdf(z) / aux_[0];
    }
    case DistKind::uniform:
      return (p_[0] + p_[1]) / 2;
    case DistKind::triangular:
      return (p_[0] + p_[1] + p_[2]) / 3;
    case DistKind::deterministic:
      return p_[0];
    case DistKind::empirical: {
      const auto& v = *values_;
      return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    }
  }
  return 0.0;
}

double Distribution::variance() const {
  switch (kind_) {
    case DistKind::exponential:
      return p_[0] * p_[0];
    case DistKind::weibull: {
      const double g1 = std::tgamma(1 + 1 / p_[0]), g2 = std::tgamma(1 + 2 / p_[0]);
      return p_[1] * p_[1] * (g2 - g1 * g1);
    }
    case DistKind::lognormal: {
      const double s2 = p_[1] * p_[1];
      return std::expm1(s2) * std::exp(2 * p_[0] + s2);
    }
    case DistKind::gamma:
      return p_[0] * p_[1] * p_[1];
    case DistKind::normal: {
      const double a = -p_[0] / p_[1];
      const double lam = normal_pdf(a) / aux_[0];
      return p_[1] * p_[1] * (1 + a * lam - lam * lam);
    }
    case DistKind::uniform:
      return (p_[1] - p_[0]) * (p_[1] - p_[0]) / 12;
    case DistKind::triangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    }
    case DistKind::deterministic:
      return 0.0;
    case DistKind::empirical: {
      const auto& v = *values_;
      const double m = mean();
      double s = 0;
      for (double x : v) s += (x - m) * (x - m);
      return s / static_cast<double>(v.size());
    }
  }
  return 0.0;
}

double Distribution::cdf(double x) const {
  if (std::isnan(x)) return x;
  switch (kind_) {
    case DistKind::exponential:
      return x <= 0 ? 0.0 : -std::expm1(-x / p_[0]);
    case DistKind::weibull:
      return x <= 0 ? 0.0 : -std::expm1(-std::pow(x / p_[1], p_[0]));
    case DistKind::lognormal:
      return x <= 0 ? 0.0 : normal_cdf((std::log(x) - p_[0]) / p_[1]);
    case DistKind::gamma:
      return gamma_p(p_[0], x / p_[1]);
    case DistKind::normal:
      if (x < 0) return 0.0;
      return std::clamp((aux_[0] - normal_cdf((p_[0] - x) / p_[1])) / aux_[0], 0.0, 1.0);
    case DistKind::uniform:
      return std::clamp((x - p_[0]) / (p_[1] - p_[0]), 0.0, 1.0);
    case DistKind::triangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      if (x <= a) return 0.0;
      if (x >= b) return 1.0;
      if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
      return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
    }
    case DistKind::deterministic:
      return x >= p_[0] ? 1.0 : 0.0;
    case DistKind::empirical: {
      const auto& v = *values_;
      const auto n = std::upper_bound(v.begin(), v.end(), x) - v.begin();
      return static_cast<double>(n) / static_cast<double>(v.size());
    }
  }
  return 0.0;
}

double Distribution::lower_bound() const noexcept {
  switch (kind_) {
    case DistKind::uniform:  // low + (high - low) * u, with (high - low) * u >= 0
    case DistKind::deterministic:
      return p_[0];
    case DistKind::triangular:  // low + sqrt(...) or high - sqrt(...): allow for rounding
      return std::max(0.0, p_[0] - 1e-9 * (p_[2] - p_[0]) - 4 * p_[2] * 2.220446049250313e-16);
    case DistKind::empirical:
      return values_->front();  // sorted
    default:
      return 0.0;
  }
}

std::string Distribution::repr() const {
  std::ostringstream os;
  os.precision(6);
  os << dist_kind_name(kind_) << "(";
  switch (kind_) {
    case DistKind::exponential:
      os << "mean=" << p_[0];
      break;
    case DistKind::weibull:
      os << "shape=" << p_[0] << ", scale=" << p_[1];
      break;
    case DistKind::lognormal:
      os << "mu=" << p_[0] << ", sigma=" << p_[1];
      break;
    case DistKind::gamma:
      os << "shape=" << p_[0] << ", scale=" << p_[1];
      break;
    case DistKind::normal:
      os << "mu=" << p_[0] << ", sigma=" << p_[1];
      break;
    case DistKind::uniform:
      os << "low=" << p_[0] << ", high=" << p_[1];
      break;
    case DistKind::triangular:
      os << "low=" << p_[0] << ", mode=" << p_[1] << ", high=" << p_[2];
      break;
    case DistKind::deterministic:
      os << "value=" << p_[0];
      break;
    case DistKind::empirical:
      os << "n=" << values_->size();
      break;
  }
  os << ")";
  return os.str();
}

}  // namespace recoverysim
