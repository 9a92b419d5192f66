// Results of a run as data: the one table of per-replication arrays (name, shape and meaning
// declared once here, read by the bindings, the merge and the serialisation), the merge of chunks
// of replications run anywhere, and compact binary forms of results and model specs (pickling).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recoverysim/model.hpp"
#include "recoverysim/simulator.hpp"

namespace recoverysim {

// The entity axes of a per-replication array, after the replication axis.
enum class Axes : std::uint8_t {
  none,
  service,
  component,
  mode,
  service_cause,
  service_phase,
  spare
};

// Calls f(name, member pointer, axes, doc) for every per-replication array of RunResults, in a
// fixed order. A new array of RunResults is added here and nowhere else.
template <class F>
void for_each_replication_array(F&& f) {
  f("service_downtime", &RunResults::service_downtime, Axes::service,
    "Unplanned downtime of each service (hours).");
  f("service_outages", &RunResults::service_outages, Axes::service,
    "Unplanned outages begun in the horizon.");
  f("service_rto_met", &RunResults::service_rto_met, Axes::service,
    "Completed outages no longer than the RTO.");
  f("service_rto_breaches", &RunResults::service_rto_breaches, Axes::service,
    "Outages longer than the RTO (open ones included).");
  f("service_planned_downtime", &RunResults::service_planned_downtime, Axes::service,
    "Downtime of outages begun by a maintenance window (hours).");
  f("service_planned_outages", &RunResults::service_planned_outages, Axes::service,
    "Outages begun by a maintenance window.");
  f("component_planned_downtime", &RunResults::component_planned_downtime, Axes::component,
    "Planned downtime of each component (hours).");
  f("service_max_outage", &RunResults::service_max_outage, Axes::service,
    "Longest outage (hours; an open one counts so far).");
  f("service_loss_incidents", &RunResults::service_loss_incidents, Axes::service,
    "Data-loss incidents beneath the service.");
  f("service_rpo_breaches", &RunResults::service_rpo_breaches, Axes::service,
    "Data-loss incidents larger than the RPO.");
  f("service_data_lost", &RunResults::service_data_lost, Axes::service,
    "Sum of the loss windows beneath the service (hours of writes).");
  f("service_max_loss", &RunResults::service_max_loss, Axes::service,
    "Largest loss window beneath the service (hours of writes).");
  f("component_downtime", &RunResults::component_downtime, Axes::component,
    "Unplanned downtime of each component (hours).");
  f("component_loss_incidents", &RunResults::component_loss_incidents, Axes::component,
    "Data-loss incidents of each component.");
  f("component_data_lost", &RunResults::component_data_lost, Axes::component,
    "Sum of the loss windows of each component (hours of writes).");
  f("mode_failures", &RunResults::mode_failures, Axes::mode,
    "Failures of each failure mode (maintenance windows included).");
  f("service_cost_downtime", &RunResults::service_cost_downtime, Axes::service,
    "Cost of unplanned downtime at the service's hourly rate (constant or weekly profile).");
  f("service_cost_outages", &RunResults::service_cost_outages, Axes::service,
    "Fixed cost of the unplanned outages.");
  f("service_cost_beyond_rto", &RunResults::service_cost_beyond_rto, Axes::service,
    "Extra cost of the time outages lasted beyond the RTO.");
  f("service_cost_planned", &RunResults::service_cost_planned, Axes::service,
    "Cost of planned downtime.");
  f("service_cost_data", &RunResults::service_cost_data, Axes::service,
    "Cost of data lost beneath the service (per incident and per hour of writes).");
  f("service_cost_sla", &RunResults::service_cost_sla, Axes::service,
    "SLA credits owed over the calendar periods of the horizon.");
  f("events", &RunResults::events, Axes::none, "Events processed in each replication.");
  f("service_full_time", &RunResults::service_full_time, Axes::service,
    "Hours with the whole demand served (capacity services; 0 for others).");
  f("service_degraded_time", &RunResults::service_degraded_time, Axes::service,
    "Hours with part of the demand served, not down (capacity services).");
  f("service_capacity_down_time", &RunResults::service_capacity_down_time, Axes::service,
    "Hours down, planned included (capacity services).");
  f("service_unserved", &RunResults::service_unserved, Axes::service,
    "Demand-hours not served (capacity services).");
  f("service_demand", &RunResults::service_demand, Axes::service,
    "Demand-hours in the horizon (capacity services).");
  f("spare_stockouts", &RunResults::spare_stockouts, Axes::spare,
    "Steps that found the spare pool empty and waited for a spare.");
  f("spare_out_of_stock", &RunResults::spare_out_of_stock, Axes::spare,
    "Time each spare pool had no spare in stock (hours).");
}

// Calls f(name, member pointer, axes, doc) for every sparse per-replication matrix of RunResults
// (SparseCells: only the cells that received a value), in a fixed order. `axes` is the shape of
// the dense matrix they stand for.
template <class F>
void for_each_cell_table(F&& f) {
  f("service_cause_downtime", &RunResults::service_cause_downtime, Axes::service_cause,
    "Downtime by root cause (failure modes, then shocks), planned included (hours).");
  f("service_phase_downtime", &RunResults::service_phase_downtime, Axes::service_phase,
    "Downtime by phase of the recovery that kept the service down (hours).");
  f("service_cause_cost", &RunResults::service_cause_cost, Axes::service_cause,
    "Every cost but SLA credits, by root cause (failure modes, then shocks).");
}

// The entity dimensions of an array with these axes (the replication axis excluded).
std::vector<std::size_t> entity_shape(const RunResults& r, Axes axes);

// Results of zero replications with the model's shape: empty arrays and records, a zero
// histogram. What a caller needs to know the shape of results without running anything.
RunResults empty_results(const CompiledModel& model, double horizon);

// Concatenates the parts in the order given (chunks in replication order): per-replication
// arrays, sparse cells and records are appended, histograms added (integer counts, exact in any
// order). The parts must come from the same model and horizon; throws std::invalid_argument
// otherwise.
RunResults merge_results(const std::vector<const RunResults*>& parts);

// The histogram and the records of `r`, without its per-replication arrays and sparse cells (zero
// replications from r.first_replication): what a streamed run keeps of each block.
RunResults records_only(const RunResults& r);

// Bitwise equality of every number (arrays, histogram, records) and of the shape.
bool identical(const RunResults& a, const RunResults& b);

// Compact binary forms (native byte order, checked on reading; not an exchange format across
// versions). Readers throw std::invalid_argument on data they did not write.
std::string serialize_results(const RunResults& r);
RunResults deserialize_results(std::string_view bytes);
// Every field of the spec: compiling the spec read back gives bitwise the same results.
std::string serialize_spec(const ModelSpec& spec);
ModelSpec deserialize_spec(std::string_view bytes);

}  // namespace recoverysim
