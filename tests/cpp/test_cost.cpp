// Money: the closed-form integral of a weekly rate profile over an outage, SLA credit tiers, and
// the validation of cost specs.
#include <cmath>
#include <vector>

#include "check.hpp"
#include "recoverysim/cost.hpp"
#include "recoverysim/errors.hpp"

using namespace recoverysim;

namespace {

ServiceCost compiled(const ServiceCostSpec& spec, double rto = 0) {
  return compile_costs({spec}, {spec.service}, {rto}).services[0];
}

// The same integral by brute force: 1000 midpoints per hour.
double brute(const std::vector<double>& rate, double origin, double a, double b) {
  double sum = 0;
  const double dt = 1e-3;
  for (double t = a + dt / 2; t < b; t += dt) {
    const double y = std::fmod(t + origin, 168.0);
    sum += rate[static_cast<std::size_t>(y)] * dt;
  }
  return sum;
}

}  // namespace

TEST_CASE(weekly_profile_integral_matches_brute_force) {
  ServiceCostSpec s;
  s.service = "s";
  for (int h = 0; h < 168; ++h) s.weekly.push_back(1.0 + (h * 37 % 11));
  s.week_origin = 100.5;
  const ServiceCost c = compiled(s);
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {0.0, 0.25}, {3.5, 4.5}, {10.0, 200.0}, {67.25, 67.75}, {1000.0, 1500.3}}) {
    CHECK_NEAR(c.downtime(a, b), brute(s.weekly, s.week_origin, a, b), 1e-6 * (b - a) * 12);
  }
  // Whole weeks cost the weekly sum, wherever they start.
  double week = 0;
  for (double r : s.weekly) week += r;
  CHECK_NEAR(c.downtime(12.3, 12.3 + 3 * 168), 3 * week, 1e-9 * week);
}

TEST_CASE(constant_rate_and_sla_tiers) {
  ServiceCostSpec s;
  s.service = "s";
  s.per_hour = 7;
  s.sla_fee = 100;
  s.sla_tiers = {{0.999, 0.1}, {0.99, 0.3}};
  const ServiceCost c = compiled(s);
  CHECK_NEAR(c.downtime(2, 5), 21, 1e-12);
  CHECK_NEAR(c.credit(0.5, 730), 0, 0);       // 99.93 %: no tier
  CHECK_NEAR(c.credit(1.0, 730), 10, 1e-12);  // 99.86 %
  CHECK_NEAR(c.credit(8.0, 730), 30, 1e-12);  // 98.9 %: the larger share, not the sum
  CHECK_NEAR(c.credit(8.0, 365), 15, 1e-12);  // a half period: prorated fee
}

TEST_CASE(bad_cost_specs_name_service_and_field) {
  ServiceCostSpec s;
  s.service = "s";
  s.per_hour = -1;
  CHECK_THROWS_WITH(compiled(s), "service 's', cost per_hour");
  s.per_hour = 0;
  s.weekly = std::vector<double>(100, 1.0);
  CHECK_THROWS_WITH(compiled(s), "168 hourly rates");
  s.weekly.clear();
  s.beyond_rto_per_hour = 5;
  CHECK_THROWS_WITH(compiled(s), "no rto");
  s.beyond_rto_per_hour = 0;
  s.sla_fee = 1;
  s.sla_tiers = {{0.99, 0.3}, {0.999, 0.1}};
  CHECK_THROWS_WITH(compiled(s), "tiers out of order");
  ServiceCostSpec u;
  u.service = "nope";
  CHECK_THROWS_WITH(compile_costs({u}, {"s"}, {0}), "unknown service 'nope'");
}

TEST_MAIN()
