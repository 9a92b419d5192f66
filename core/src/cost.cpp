#include "recoverysim/cost.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "recoverysim/errors.hpp"

namespace recoverysim {

namespace {

constexpr double kWeek = 168.0;

[[noreturn]] void fail(const std::string& service, const std::string& field,
                       const std::string& reason) {
  throw SpecError("service", service, "cost." + field, reason,
                  "service '" + service + "', cost " + field + ": " + reason);
}

void non_negative(const std::string& s, const std::string& field, double x) {
  if (!std::isfinite(x) || x < 0) fail(s, field, "must be a finite number >= 0");
}

}  // namespace

double ServiceCost::downtime(double a, double b) const noexcept {
  if (!weekly) return per_hour * (b - a);
  // F(x): the integral of the rate from the week origin over x hours.
  const auto F = [this](double x) {
    const double y = x + week_origin;
    const double w = std::floor(y / kWeek);
    const double r = y - w * kWeek;
    auto h = static_cast<std::size_t>(r);
    if (h > 167) h = 167;
    return w * cum[168] + cum[h] + rate[h] * (r - static_cast<double>(h));
  };
  return F(b) - F(a);
}

double ServiceCost::credit(double down, double len) const noexcept {
  if (!(len > 0)) return 0.0;
  const double availability = 1.0 - down / len;
  double share = 0.0;
  for (const SlaTierSpec& t : sla_tiers)
    if (availability < t.below) share = std::max(share, t.share);
  return share * sla_fee * (len / sla_period);
}

CostModel compile_costs(const std::vector<ServiceCostSpec>& specs,
                        const std::vector<std::string>& service_names,
                        const std::vector<double>& service_rto) {
  CostModel out;
  out.services.resize(service_names.size());
  for (const ServiceCostSpec& sp : specs) {
    const auto it = std::find(service_names.begin(), service_names.end(), sp.service);
    if (it == service_names.end())
      throw SpecError("cost", sp.service, "service", "unknown service '" + sp.service + "'",
                      "cost of '" + sp.service + "': unknown service '" + sp.service + "'");
    const auto s = static_cast<std::size_t>(it - service_names.begin());
    ServiceCost& c = out.services[s];
    if (c.active) fail(sp.service, "", "the service is priced twice");
    const std::string& n = sp.service;
    non_negative(n, "per_hour", sp.per_hour);
    non_negative(n, "per_outage", sp.per_outage);
    non_negative(n, "beyond_rto_per_hour", sp.beyond_rto_per_hour);
    non_negative(n, "planned_per_hour", sp.planned_per_hour);
    non_negative(n, "loss_per_incident", sp.loss_per_incident);
    non_negative(n, "loss_per_hour", sp.loss_per_hour);
    non_negative(n, "sla_fee", sp.sla_fee);
    if (!sp.weekly.empty()) {
      if (sp.weekly.size() != 168)
        fail(n, "weekly",
             "a weekly profile needs 168 hourly rates (one per hour of the week), got " +
                 std::to_string(sp.weekly.size()));
      if (sp.per_hour != 0)
        fail(n, "per_hour", "give either a constant rate or a weekly profile, not both");
      for (std::size_t h = 0; h < 168; ++h)
        non_negative(n, "weekly[" + std::to_string(h) + "]", sp.weekly[h]);
      c.weekly = true;
      c.rate = sp.weekly;
      c.cum.assign(169, 0.0);
      for (std::size_t h = 0; h < 168; ++h) c.cum[h + 1] = c.cum[h] + c.rate[h];
    }
    if (!std::isfinite(sp.week_origin) || sp.week_origin < 0 || sp.week_origin >= kWeek)
      fail(n, "week_origin", "must be an hour of the week in [0, 168)");
    if (sp.beyond_rto_per_hour > 0 && !(service_rto[s] > 0))
      fail(n, "beyond_rto_per_hour", "the service has no rto");
    if (!sp.sla_tiers.empty()) {
      if (!std::isfinite(sp.sla_period) || sp.sla_period < 1)
        fail(n, "sla_period", "must be at least 1 hour");
      if (!(sp.sla_fee > 0)) fail(n, "sla_fee", "SLA tiers need a period fee > 0");
      for (std::size_t i = 0; i < sp.sla_tiers.size(); ++i) {
        const SlaTierSpec& t = sp.sla_tiers[i];
        const std::string f = "sla_tiers[" + std::to_string(i) + "]";
        if (!(t.below > 0 && t.below <= 1)) fail(n, f, "availability must be in (0, 1]");
        if (!(t.share > 0 && t.share <= 1)) fail(n, f, "share of the fee must be in (0, 1]");
        if (i > 0 && !(t.below < sp.sla_tiers[i - 1].below && t.share > sp.sla_tiers[i - 1].share))
          fail(n, f,
               "tiers out of order: list them by decreasing availability with increasing shares "
               "(below 99.9%: 10%, below 99%: 30%)");
      }
      c.sla = true;
      out.any_sla = true;
    }
    c.active = true;
    c.per_hour = sp.per_hour;
    c.week_origin = sp.week_origin;
    c.per_outage = sp.per_outage;
    c.rto = service_rto[s];
    c.beyond_rto_per_hour = sp.beyond_rto_per_hour;
    c.planned_per_hour = sp.planned_per_hour;
    c.loss_per_incident = sp.loss_per_incident;
    c.loss_per_hour = sp.loss_per_hour;
    c.sla_fee = sp.sla_fee;
    c.sla_period = sp.sla_period;
    c.sla_tiers = sp.sla_tiers;
    out.any = true;
  }
  return out;
}

CostLedger::CostLedger(const CostModel& m, double horizon) : m_(m), horizon_(horizon) {
  offset_.assign(m.services.size(), 0);
  n_periods_.assign(m.services.size(), 0);
  std::size_t total = 0;
  for (std::size_t s = 0; s < m.services.size(); ++s) {
    const ServiceCost& c = m.services[s];
    offset_[s] = total;
    if (!c.sla || !(horizon > 0)) continue;
    n_periods_[s] = static_cast<std::size_t>(std::ceil(horizon / c.sla_period));
    total += n_periods_[s];
  }
  down_.assign(total, 0.0);
}

void CostLedger::reset() noexcept { std::fill(down_.begin(), down_.end(), 0.0); }

void CostLedger::outage(const CostRow& row, std::size_t s, double start, double end, bool planned,
                        std::int32_t cause) {
  const ServiceCost& c = m_.services[s];
  if (!c.active) return;
  const double d = end - start;
  double total = 0;
  if (planned) {
    const double x = c.planned_per_hour * d;
    row.planned[s] += x;
    total = x;
  } else {
    const double x = c.downtime(start, end);
    row.downtime[s] += x;
    row.outages[s] += c.per_outage;
    double beyond = 0;
    if (c.beyond_rto_per_hour > 0 && d > c.rto) beyond = c.beyond_rto_per_hour * (d - c.rto);
    row.beyond_rto[s] += beyond;
    total = x + c.per_outage + beyond;
    if (c.sla) {
      // Spread the outage over the SLA periods it overlaps.
      const double p = c.sla_period;
      auto k = static_cast<std::size_t>(start / p);
      for (; k < n_periods_[s] && static_cast<double>(k) * p < end; ++k) {
        const double lo = std::max(start, static_cast<double>(k) * p);
        const double hi = std::min(end, static_cast<double>(k + 1) * p);
        if (hi > lo) down_[offset_[s] + k] += hi - lo;
      }
    }
  }
  if (cause >= 0)
    row.by_cause->add(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(cause), total);
}

void CostLedger::data_loss(const CostRow& row, std::size_t s, double loss, std::int32_t cause) {
  const ServiceCost& c = m_.services[s];
  if (!c.active) return;
  const double x = c.loss_per_incident + c.loss_per_hour * loss;
  row.data[s] += x;
  if (cause >= 0)
    row.by_cause->add(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(cause), x);
}

void CostLedger::finish(const CostRow& row) noexcept {
  for (std::size_t s = 0; s < m_.services.size(); ++s) {
    const ServiceCost& c = m_.services[s];
    if (!c.sla) continue;
    double credits = 0;
    for (std::size_t k = 0; k < n_periods_[s]; ++k) {
      const double lo = static_cast<double>(k) * c.sla_period;
      const double len = std::min(c.sla_period, horizon_ - lo);
      credits += c.credit(down_[offset_[s] + k], len);
    }
    row.sla[s] = credits;
  }
}

}  // namespace recoverysim
