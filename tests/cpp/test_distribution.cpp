// Distributions: special functions against known values, sample moments against textbook
// moments (tolerance: 5 standard errors), CDF against the empirical CDF, parameter validation.
#include <cmath>
#include <vector>

#include "check.hpp"
#include "recoverysim/distribution.hpp"

using namespace recoverysim;

TEST_CASE(normal_quantile_inverts_cdf) {
  for (double p : {1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-9}) {
    const double x = normal_quantile(p);
    const double back = normal_cdf(x);
    CHECK_NEAR(back / p, 1.0, 1e-12);
  }
  CHECK_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  CHECK_NEAR(normal_quantile(0.5), 0.0, 1e-15);
}

TEST_CASE(incomplete_gamma_known_values) {
  // P(1, x) = 1 - e^-x; P(a, x) for integer a = 1 - e^-x sum_{k<a} x^k/k!
  CHECK_NEAR(gamma_p(1.0, 2.0), 1 - std::exp(-2.0), 1e-14);
  const double x = 3.5;
  CHECK_NEAR(gamma_p(3.0, x), 1 - std::exp(-x) * (1 + x + x * x / 2), 1e-13);
  CHECK_NEAR(gamma_p(0.5, 2.0), std::erf(std::sqrt(2.0)), 1e-13);  // P(1/2, x) = erf(sqrt x)
  // Continued-fraction branch (x > a + 1): P(10, 30) = 1 - e^-30 sum_{k<10} 30^k / k!
  double term = 1, sum = 0;
  for (int k = 0; k < 10; ++k) {
    sum += term;
    term *= 30.0 / (k + 1);
  }
  CHECK_NEAR(gamma_p(10.0, 30.0), 1 - std::exp(-30.0) * sum, 1e-14);
}

namespace {

void check_moments(const Distribution& d, int n = 400000) {
  Stream s(stream_key(11, 0, StreamKind::sample, hash_name(d.repr())));
  double sum = 0, sum2 = 0;
  std::vector<double> xs(static_cast<std::size_t>(n));
  for (auto& x : xs) {
    x = d.sample(s);
    CHECK(x >= 0);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  const double se = std::sqrt(d.variance() / n);
  if (se > 0) {
    if (std::fabs(mean - d.mean()) > 5 * se)
      std::printf("  %s: mean %g vs %g (se %g)\n", d.repr().c_str(), mean, d.mean(), se);
    CHECK(std::fabs(mean - d.mean()) <= 5 * se);
    CHECK_NEAR(var / d.variance(), 1.0, 0.05);
  } else {
    CHECK(mean == d.mean());
  }
  // CDF against the empirical CDF at the quartiles of the sample: |F_n - F| has sd <= 0.5/sqrt(n).
  std::sort(xs.begin(), xs.end());
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9}) {
    const double x = xs[static_cast<std::size_t>(q * n)];
    if (d.kind() != DistKind::empirical && d.kind() != DistKind::deterministic)
      CHECK_NEAR(d.cdf(x), q, 5 * 0.5 / std::sqrt(n) + 1e-9);
  }
}

}  // namespace

TEST_CASE(sample_moments_match_textbook) {
  check_moments(Distribution::exponential(3.0));
  check_moments(Distribution::weibull(1.3, 3000.0));
  check_moments(Distribution::weibull(0.7, 10.0));
  check_moments(Distribution::lognormal(0.5, 0.8));
  check_moments(Distribution::gamma(2.5, 1.5));
  check_moments(Distribution::gamma(0.4, 2.0));
  check_moments(Distribution::normal(2.0, 0.5));
  check_moments(Distribution::normal(0.5, 1.0));  // heavily truncated
  check_moments(Distribution::uniform(1.0, 3.0));
  check_moments(Distribution::triangular(1.0, 2.0, 6.0));
  check_moments(Distribution::deterministic(4.0));
  check_moments(Distribution::empirical({1.0, 2.0, 2.0, 7.0}));
}

TEST_CASE(textbook_means) {
  CHECK_NEAR(Distribution::weibull(2.0, 100.0).mean(), 100 * std::sqrt(M_PI) / 2, 1e-10);
  CHECK_NEAR(Distribution::lognormal(0.0, 1.0).mean(), std::exp(0.5), 1e-14);
  CHECK_NEAR(Distribution::triangular(0, 3, 6).mean(), 3.0, 1e-14);
  // Half-normal: mu = 0 gives mean sigma * sqrt(2/pi).
  CHECK_NEAR(Distribution::normal(0.0, 2.0).mean(), 2 * std::sqrt(2 / M_PI), 1e-12);
}

TEST_CASE(bad_parameters_name_the_parameter) {
  CHECK_THROWS_WITH(Distribution::exponential(0), "mean must be > 0");
  CHECK_THROWS_WITH(Distribution::exponential(-1), "mean must be > 0");
  CHECK_THROWS_WITH(Distribution::exponential(NAN), "finite");
  CHECK_THROWS_WITH(Distribution::weibull(-1, 3), "shape must be > 0");
  CHECK_THROWS_WITH(Distribution::weibull(1, 0), "scale must be > 0");
  CHECK_THROWS_WITH(Distribution::lognormal(0, 0), "sigma must be > 0");
  CHECK_THROWS_WITH(Distribution::gamma(0, 1), "shape must be > 0");
  CHECK_THROWS_WITH(Distribution::normal(-100, 1), "below 0");
  CHECK_THROWS_WITH(Distribution::uniform(3, 2), "high must be > low");
  CHECK_THROWS_WITH(Distribution::uniform(-1, 2), "low must be >= 0");
  CHECK_THROWS_WITH(Distribution::triangular(1, 5, 3), "mode must lie in");
  CHECK_THROWS_WITH(Distribution::deterministic(-2), "value must be >= 0");
  CHECK_THROWS_WITH(Distribution::empirical({}), "at least one");
  CHECK_THROWS_WITH(Distribution::empirical({1.0, -1.0}), "values[1]");
}

TEST_MAIN()
