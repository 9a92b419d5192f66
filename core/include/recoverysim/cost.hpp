// Money: what downtime, data loss and SLA credits cost, per service and per replication.
// The spec (what a user prices), its compiled form, and the ledger one replication keeps. The
// engine calls the ledger where an outage closes, where data is lost and where a replication
// ends; models without costs never reach it (one predictable flag check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "recoverysim/sparse_cells.hpp"

namespace recoverysim {

// One tier of SLA credits: a period whose availability is below `below` earns `share` of the
// period fee. Of the tiers a period falls under, the one with the largest share applies.
struct SlaTierSpec {
  double below = 1.0;
  double share = 0.0;
};

// What the downtime and data loss of one service cost.
struct ServiceCostSpec {
  std::string service;
  double per_hour = 0;             // cost per hour of unplanned downtime (when `weekly` is empty)
  std::vector<double> weekly;      // or 168 rates, one per hour of the week (hour 0: Monday 00-01)
  double week_origin = 0;          // hour of the week at t = 0, in [0, 168)
  double per_outage = 0;           // fixed cost of each unplanned outage
  double beyond_rto_per_hour = 0;  // extra rate for the part of an outage beyond the RTO
  double planned_per_hour = 0;     // cost per hour of planned downtime (maintenance windows)
  double loss_per_incident = 0;    // each data-loss incident beneath the service
  double loss_per_hour = 0;        // each hour of writes lost beneath the service
  double sla_fee = 0;              // fee of one SLA period (credits are shares of it)
  double sla_period = 730;         // hours
  std::vector<SlaTierSpec> sla_tiers;  // strictly decreasing `below`, increasing `share`
};

// Compiled: indexed by service, `active` false for a service without costs.
struct ServiceCost {
  bool active = false;
  double per_hour = 0;
  bool weekly = false;
  std::vector<double> rate;  // 168 rates by hour of the week
  std::vector<double> cum;   // cum[h] = rate[0] + ... + rate[h-1], 169 values
  double week_origin = 0;
  double per_outage = 0;
  double rto = 0;
  double beyond_rto_per_hour = 0;
  double planned_per_hour = 0;
  double loss_per_incident = 0;
  double loss_per_hour = 0;
  bool sla = false;
  double sla_fee = 0;
  double sla_period = 730;
  std::vector<SlaTierSpec> sla_tiers;

  // Cost of unplanned downtime over [a, b] at the hourly rate (the weekly profile integrated in
  // closed form: whole weeks, then the partial hours at each end).
  double downtime(double a, double b) const noexcept;
  // The credit of one period of length `len` (<= sla_period) with `down` hours down.
  double credit(double down, double len) const noexcept;
};

struct CostModel {
  std::vector<ServiceCost> services;  // one per service (inactive ones included)
  bool any = false;                   // some service has costs: the engine calls the ledger
  bool any_sla = false;
};

// Validates the cost specs against the services (names, RTO) and compiles them. Throws
// SpecError {"service", name, "cost.<field>", reason}; an unknown service is
// {"cost", name, "service", ...}.
CostModel compile_costs(const std::vector<ServiceCostSpec>& specs,
                        const std::vector<std::string>& service_names,
                        const std::vector<double>& service_rto);

// Cost arrays of one replication row (views into RunResults [service]; cells by cause).
struct CostRow {
  double* downtime;      // rate x unplanned downtime
  double* outages;       // per outage
  double* beyond_rto;    // extra rate beyond the RTO
  double* planned;       // planned downtime
  double* data;          // data loss
  double* sla;           // SLA credits
  CellWriter* by_cause;  // (service, cause): every cost but SLA credits
};

// Downtime per SLA period of the replication in progress, for the services with SLA credits.
class CostLedger {
 public:
  CostLedger(const CostModel& m, double horizon);
  void reset() noexcept;
  // An outage of service s over [start, end] (end - start > 0) closed.
  void outage(const CostRow& row, std::size_t s, double start, double end, bool planned,
              std::int32_t cause);
  void data_loss(const CostRow& row, std::size_t s, double loss, std::int32_t cause);
  // End of the replication: the SLA credits of every period.
  void finish(const CostRow& row) noexcept;

 private:
  const CostModel& m_;
  double horizon_;
  std::vector<std::size_t> offset_;  // per service: first period slot in `down_`
  std::vector<std::size_t> n_periods_;
  std::vector<double> down_;  // unplanned downtime per (service, period)
};

}  // namespace recoverysim
