// The deterministic elementary functions agree with the C library to a few ulp (they exist to
// give the same bits on every CPU, which the C library does not: see detmath.hpp).
#include <cmath>

#include "check.hpp"
#include "recoverysim/detmath.hpp"
#include "recoverysim/random.hpp"

using namespace recoverysim;

namespace {

double ulps(double a, double b) {
  if (a == b) return 0;
  const double scale = std::fabs(std::nextafter(b, INFINITY) - b);
  return std::fabs(a - b) / scale;
}

}  // namespace

TEST_CASE(log_within_two_ulp) {
  Stream s(1);
  double worst = 0;
  for (int i = 0; i < 400000; ++i) {
    const double x = dm::exp((s.uniform() - 0.5) * 1400);  // 1e-304 .. 1e304
    worst = std::fmax(worst, ulps(dm::log(x), std::log(x)));
    const double y = 0.5 + s.uniform();  // near 1, where cancellation bites
    worst = std::fmax(worst, ulps(dm::log(y), std::log(y)));
  }
  std::printf("  log: worst %.2f ulp\n", worst);
  CHECK(worst <= 2.0);
  CHECK(dm::log(1.0) == 0.0);
  CHECK(std::isinf(dm::log(0.0)) && dm::log(0.0) < 0);
  CHECK(std::isnan(dm::log(-1.0)));
  CHECK_NEAR(dm::log1p(1e-18), 1e-18, 1e-33);
  CHECK(ulps(dm::log1p(1e-5), std::log1p(1e-5)) <= 2);
}

TEST_CASE(exp_and_pow_within_a_few_ulp) {
  Stream s(2);
  double worst_exp = 0, worst_pow = 0;
  for (int i = 0; i < 400000; ++i) {
    const double x = (s.uniform() - 0.5) * 1400;
    worst_exp = std::fmax(worst_exp, ulps(dm::exp(x), std::exp(x)));
    const double b = s.uniform() * 50, e = 0.2 + s.uniform() * 3;  // Weibull: (-log u)^(1/k)
    worst_pow = std::fmax(worst_pow, ulps(dm::pow(b, e), std::pow(b, e)));
  }
  std::printf("  exp: worst %.2f ulp, pow: worst %.2f ulp\n", worst_exp, worst_pow);
  CHECK(worst_exp <= 2.0);
  CHECK(worst_pow <= 64.0);  // exp(y log x): a few ulp of log x, scaled by |y log x|
  CHECK(dm::exp(0.0) == 1.0);
  CHECK(dm::exp(800) == INFINITY && dm::exp(-800) == 0.0);
}

TEST_CASE(erfc_relative_accuracy) {
  double worst = 0;
  for (double x = -6; x <= 27; x += 0.001) {
    const double ref = std::erfc(x);
    if (ref < 1e-300) continue;
    worst = std::fmax(worst, std::fabs(dm::erfc(x) - ref) / ref);
  }
  std::printf("  erfc: worst relative error %.3g\n", worst);
  CHECK(worst < 1e-12);
}

TEST_MAIN()
