// Deterministic elementary functions for everything a simulation result depends on.
//
// The C library picks its log/exp/pow implementation at run time from the CPU's features (glibc
// has FMA and non-FMA variants, measured to give different bits), so the same model and seed
// could give different results on two machines of a cluster. These versions use only IEEE
// basic operations (+ - * / sqrt, exact scaling by powers of two) in a fixed order and are
// compiled without contraction, so they return the same bits on every x86-64 and ARM machine.
// Accuracy: within a few ulp of the correctly rounded value (tested against the C library),
// far below anything a Monte Carlo estimate can see.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace recoverysim::dm {

inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 split: hi has 32 bits
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kSqrtHalf = 0.70710678118654752440;

namespace detail {

// log(m 2^e) for m in [sqrt(1/2), sqrt(2)): log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| < 0.1716,
// as an odd series to s^27. Used at compile time to build the table below.
constexpr double log_series(double m, int e) noexcept {
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double s2 = s * s;
  double p = 1.0 / 27;
  for (int k = 25; k >= 3; k -= 2) p = p * s2 + 1.0 / k;
  const double logm = 2 * s + 2 * s * s2 * p;
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (de * kLn2Lo + logm);
}

// For c_i = 1 + i/256: log(c_i), log(c_i / 2) (used above sqrt 2, so that results just below 1
// keep their relative accuracy) and 1/c_i. Computed by the compiler: the same on every machine.
// Indices from kHalfFrom up have c_i > sqrt(2): there log m = log(c_i / 2) + log(1 + r) + ln 2
// (stored as log(c_i / 2) with the exponent taken up one), so results just below 1 keep their
// relative accuracy; chosen by index, without a branch.
inline constexpr int kHalfFrom = 107;  // c_107 = 1.41796875 > sqrt(2) > c_106

struct LogTable {
  double logc[256], inv[256];
};

constexpr LogTable make_log_table() noexcept {
  LogTable t{};
  for (int i = 0; i < 256; ++i) {
    const double c = 1.0 + i / 256.0;  // in [1, 2)
    t.logc[i] = i < kHalfFrom ? log_series(c, 0) : log_series(c / 2, 0);
    t.inv[i] = 1.0 / c;
  }
  return t;
}

inline constexpr LogTable kLogTable = make_log_table();

}  // namespace detail

// Natural logarithm. Near 1 (|x - 1| < 1/64): 2 atanh((x - 1)/(x + 1)) directly, to keep the
// relative accuracy. Elsewhere x = m 2^e with m in [1, 2) and c = 1 + (top 8 bits of m)/256:
// log m = log c + log(1 + r), r = (m - c)/c in [0, 1/256), log(1 + r) to r^6 (Estrin form).
inline double log(double x) noexcept {
  if (!(x > 0) || x == std::numeric_limits<double>::infinity()) {
    if (x == 0) return -std::numeric_limits<double>::infinity();
    return x > 0 ? x : std::numeric_limits<double>::quiet_NaN();
  }
  if (x > 0.984375 && x < 1.015625) {
    const double f = x - 1.0;  // exact
    const double s = f / (2.0 + f);
    const double s2 = s * s;
    return 2 * s + 2 * s * s2 * (1.0 / 3 + s2 * (0.2 + s2 * (1.0 / 7 + s2 * (1.0 / 9))));
  }
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7FF);
  if (e == 0) {  // subnormal: scale into the normal range first (exact)
    const double y = x * 18014398509481984.0;  // 2^54
    std::memcpy(&bits, &y, sizeof bits);
    e = static_cast<int>((bits >> 52) & 0x7FF) - 54;
  }
  e -= 1023;
  const std::uint64_t mbits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  double m;
  std::memcpy(&m, &mbits, sizeof m);
  const auto i = static_cast<int>((bits >> 44) & 0xFF);
  const detail::LogTable& t = detail::kLogTable;
  const double r = (m - (1.0 + i / 256.0)) * t.inv[i];  // m - c is exact
  const double r2 = r * r;
  const double p =
      r + r2 * (-0.5 + r * (1.0 / 3)) + (r2 * r2) * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6));
  const double de = static_cast<double>(e + (i >= detail::kHalfFrom));
  return de * kLn2Hi + (t.logc[i] + (de * kLn2Lo + p));
}

// log(1 + x), accurate for small x.
inline double log1p(double x) noexcept {
  const double u = 1.0 + x;
  if (u == 1.0) return x;
  return dm::log(u) - ((u - 1.0) - x) / u;
}

// Exponential: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor series to r^15, times 2^n.
inline double exp(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.1332191019412) return 0.0;
  const double n = std::nearbyint(x * 1.4426950408889634);  // x / ln 2, to nearest
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  static constexpr double inv_k[16] = {0,        1.0,      1.0 / 2,  1.0 / 3, 1.0 / 4,  1.0 / 5,
                                       1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9, 1.0 / 10, 1.0 / 11,
                                       1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15};
  double p = 1.0;
  for (int k = 15; k >= 1; --k) p = 1.0 + p * r * inv_k[k];
  return std::ldexp(p, static_cast<int>(n));  // exact scaling (gradual underflow included)
}

// x^y for x > 0 (the samplers' only use).
inline double pow(double x, double y) noexcept {
  if (x == 1.0 || y == 0.0) return 1.0;
  return dm::exp(y * dm::log(x));
}

// erfc(x): a power series of erf for |x| < 2, a Lentz continued fraction for erfc beyond.
inline double erfc(double x) noexcept {
  if (std::isnan(x)) return x;
  constexpr double two_over_sqrt_pi = 1.1283791670955126;
  const double a = std::fabs(x);
  double r;
  if (a < 2.0) {
    // erf(a) = 2/sqrt(pi) sum_n (-1)^n a^(2n+1) / (n! (2n+1))
    const double a2 = a * a;
    double term = a, sum = a;
    for (int n = 1; n < 60; ++n) {
      term *= -a2 / n;
      const double t = term / (2 * n + 1);
      sum += t;
      if (std::fabs(t) < 1e-17 * std::fabs(sum)) break;
    }
    r = 1.0 - two_over_sqrt_pi * sum;
  } else if (a > 27.3) {
    r = 0.0;
  } else {
    // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), modified Lentz.
    constexpr double tiny = 1e-300;
    double f = a, c = a, d = 0.0;
    for (int n = 1; n < 500; ++n) {
      const double an = n * 0.5;
      d = a + an * d;
      d = d == 0 ? tiny : d;
      c = a + an / c;
      c = c == 0 ? tiny : c;
      d = 1.0 / d;
      const double delta = c * d;
      f *= delta;
      if (std::fabs(delta - 1.0) < 1e-16) break;
    }
    r = dm::exp(-a * a) / (f * 1.7724538509055160);  // sqrt(pi)
  }
  return x < 0 ? 2.0 - r : r;
}

}  // namespace recoverysim::dm
