// One replication of the discrete-event simulation, and the result buffers it writes into.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "recoverysim/crew_scheduler.hpp"
#include "recoverysim/event_queue.hpp"
#include "recoverysim/model.hpp"
#include "recoverysim/random.hpp"
#include "recoverysim/replication_state.hpp"
#include "recoverysim/sparse_cells.hpp"
#include "recoverysim/step_dependencies.hpp"

namespace recoverysim {

struct RunOptions {
  double horizon = 8760.0;
  std::uint64_t seed = 0;
  std::uint64_t first_replication = 0;  // global index of the first replication of this run
  std::uint64_t replications = 1000;
  int threads = 0;  // 0: all hardware threads
  // Keep outage and data-loss records of replications with a global index below this.
  std::uint64_t record_replications = 0;
  std::uint32_t max_records_per_replication = 100000;
};

// Fixed log-spaced histogram of outage durations, pooled over replications. Counts are integers,
// so merging partial histograms is exact and order-independent.
struct DurationHistogram {
  static constexpr double kMinHours = 1e-4;                // 0.36 s
  static constexpr int kDecades = 10;                      // up to 1e6 h
  static constexpr int kPerDecade = 40;                    // bin width ratio 10^(1/40) = 1.059
  static constexpr int kBins = kDecades * kPerDecade + 2;  // + underflow, overflow
  static int bin(double hours) noexcept;
  static double lower_edge(int bin) noexcept;  // bin 0 is [0, kMinHours)
};

// One service outage, kept for the first `record_replications` replications.
struct OutageRecord {
  std::uint64_t replication;
  std::uint32_t service;
  double start;
  double duration;     // up to the horizon if censored
  bool censored;       // still open at the horizon
  std::int32_t cause;  // what began it: a mode index, or modes.size() + shock index
  bool planned;        // begun by a maintenance window
};

// One data-loss incident of a component.
struct DataLossRecord {
  std::uint64_t replication;
  std::uint32_t component;
  std::int32_t mode;
  double time;
  double loss;  // hours of writes lost (time since the recovery point restored)
};

// Results of a block of replications. Per-replication arrays are row-major
// (replication, entity[, ...]); memory is O(replications x entities), independent of the number
// of events.
struct RunResults {
  std::uint64_t first_replication = 0;
  std::uint64_t replications = 0;
  std::size_t n_services = 0, n_components = 0, n_modes = 0, n_phases = 0, n_causes = 0;
  std::size_t n_spares = 0;
  double horizon = 0;
  bool completed = true;

  // [rep, service]
  std::vector<double> service_downtime;             // hours
  std::vector<std::uint32_t> service_outages;       // outages begun in the horizon
  std::vector<std::uint32_t> service_rto_met;       // completed outages no longer than the RTO
  std::vector<std::uint32_t> service_rto_breaches;  // outages longer than the RTO (incl. open)
  std::vector<double> service_planned_downtime;     // outages begun by a maintenance window
  std::vector<std::uint32_t> service_planned_outages;
  std::vector<double> service_max_outage;             // longest outage (hours, open ones so far)
  std::vector<std::uint32_t> service_loss_incidents;  // data-loss incidents beneath it
  std::vector<std::uint32_t> service_rpo_breaches;
  std::vector<double> service_data_lost;  // sum of loss windows, hours of writes
  std::vector<double> service_max_loss;
  // Sparse [rep, service, cause]: downtime by root cause (modes, then shocks), planned included
  SparseCells service_cause_downtime;
  // Sparse [rep, service, phase]: downtime by phase of the recovery that kept it down
  SparseCells service_phase_downtime;
  // [rep, component]
  std::vector<double> component_downtime;  // unplanned
  std::vector<double> component_planned_downtime;
  std::vector<std::uint32_t> component_loss_incidents;
  std::vector<double> component_data_lost;
  // [rep, mode]
  std::vector<std::uint32_t> mode_failures;
  // [rep, service] money (cost.hpp): zero for services without costs
  std::vector<double> service_cost_downtime;
  std::vector<double> service_cost_outages;
  std::vector<double> service_cost_beyond_rto;
  std::vector<double> service_cost_planned;
  std::vector<double> service_cost_data;
  std::vector<double> service_cost_sla;
  SparseCells service_cause_cost;  // sparse [rep, service, cause]
  // [rep]
  std::vector<std::uint64_t> events;
  // [rep, service]: capacity services (0 for others), see capacity.hpp
  std::vector<double> service_full_time, service_degraded_time, service_capacity_down_time;
  std::vector<double> service_unserved, service_demand;
  // [rep, spare pool]
  std::vector<std::uint32_t> spare_stockouts;  // steps that found the pool empty and waited
  std::vector<double> spare_out_of_stock;      // hours with no spare in stock
  // [service, bin], completed outages only
  std::vector<std::uint64_t> outage_histogram;
  // Records in (replication, time) order; phase breakdown of outage i is
  // outage_phases[i * n_phases .. (i + 1) * n_phases).
  std::vector<OutageRecord> outages;
  std::vector<double> outage_phases;
  std::vector<DataLossRecord> losses;

  void allocate(const CompiledModel& m, std::uint64_t first, std::uint64_t n, double horizon);
};

// One event of a traced replication (Model.trace): what happened, to what, and a detail.
struct TraceRecord {
  double time;
  std::string event;   // failure, step_start, crew_wait, inspection_wait, recovered, hold, ...
  std::string entity;  // component, service, standby group or shock
  std::string detail;  // failure mode, step, cause, ...
  double value;        // data lost (hours) for data_loss, else NaN
};

// Records and sparse cells of the replications one thread ran, merged in replication order
// after the run.
struct RecordBuffer {
  // Sparse tables: downtime by cause, downtime by phase, cost by cause.
  static constexpr std::size_t kCellTables = 3, kCauseDowntime = 0, kPhaseDowntime = 1,
                               kCauseCost = 2;
  struct Block {
    std::uint64_t replication;
    std::size_t outage_begin, outage_end, loss_begin, loss_end;
    std::size_t cell_begin[kCellTables], cell_end[kCellTables];
  };
  std::vector<Block> blocks;
  std::vector<OutageRecord> outages;
  std::vector<double> outage_phases;
  std::vector<DataLossRecord> losses;
  SparseCells cells[kCellTables];
};

// Simulates replications one after another, reusing its buffers: create one per thread.
class Replicator {
 public:
  Replicator(const CompiledModel& model, const RunOptions& options);

  // Runs global replication `rep` and writes row (rep - out.first_replication) of `out`.
  // `histogram` and `records` belong to this thread. Returns false if stopped early.
  bool run(std::uint64_t rep, RunResults& out, std::vector<std::uint64_t>& histogram,
           RecordBuffer& records, const std::atomic<bool>* stop);
  // Record every event into `trace` (one replication at a time; nullptr turns it off); more than
  // `limit` records throw std::length_error.
  void set_trace(std::vector<TraceRecord>* trace, std::size_t limit = SIZE_MAX) noexcept {
    trace_ = trace;
    trace_limit_ = limit;
  }

 private:
  // components
  void reset(std::uint64_t rep);
  void renew(std::uint32_t c, double t);
  void schedule_failure(std::uint32_t c, double t);
  void set_rate(std::uint32_t c, double rate, double t);
  double nominal_rate(std::uint32_t c) const noexcept;
  void update_load_rates(std::uint32_t g, double t);
  void fail(std::uint32_t c, double t, std::int32_t mode, std::int32_t cause);
  // shocks, cascades, maintenance
  void shock_arrives(std::uint32_t k, double t);
  void shock_hits(std::uint32_t k, double t, Stream& st, bool every_target);
  void forced_event(std::uint32_t i, double t);
  void hold(std::uint32_t c, double t, std::int32_t cause);
  void per_target_ends(std::uint32_t k, double t, Stream& st, std::uint32_t slot);
  void release(std::uint32_t c, double t);
  void went_up(std::uint32_t c, double t);
  void back_in_service(std::uint32_t c, double t);
  void start_procedure(std::uint32_t c, std::int32_t proc, double t);
  void begin_step(std::uint32_t c, double t);
  // A step acquires, in this order (docs/semantics.md, "Acquisition order"): its requirement
  // (acquire_crew, step_dependencies.cpp), a spare, then its crew members (request_crew).
  void acquire_crew(std::uint32_t c, double t);
  void request_crew(std::uint32_t c, double t);
  void start_work(std::uint32_t c, double t);
  void end_step(std::uint32_t c, double t);
  // crews, calendars and spares (issue 14; core/src/recovery_resources.cpp)
  void release_crews(std::uint32_t c, double t);
  void run_crew_actions(double t);
  // The one pause of a running step (preempted, shift end, requirement down): its end is
  // cancelled, remaining_ keeps the work left, the step enters `phase` (crew or dependency wait).
  void pause_work(std::uint32_t c, double t, std::uint32_t phase);
  void crew_shift(std::uint32_t k, std::uint32_t boundary, double t);
  void schedule_shift(std::uint32_t k, std::uint32_t boundary, double week, double t);
  bool take_spare(std::uint32_t c, double t);
  void spare_arrives(std::uint32_t pool, bool emergency, double t);
  void reorder_spare(std::uint32_t pool, double t);
  void reset_resources();
  void close_resources(double horizon);
  void recovered(std::uint32_t c, double t);
  // step requirements (step_dependencies.cpp)
  bool node_up(std::uint32_t node) const noexcept {
    return node < nc() ? comp_.up[node] != 0 : gates_.up[node - nc()] != 0;
  }
  bool dependency_ready(std::uint32_t c, double t);
  void requirement_changed(std::uint32_t node, bool up, double t);
  void leave_queues(std::uint32_t c);
  // service restart procedures (step_dependencies.cpp)
  void restart_requirement(std::uint32_t g, bool up, double t, std::int32_t cause,
                           std::uint32_t blame);
  void restart_next(std::uint32_t s, double t);
  void restart_step_end(std::uint32_t s, double t);
  void freeze_outage(std::uint32_t s, double t);
  // data protection
  double recovery_point(std::uint32_t c, double t);
  void data_loss(std::uint32_t c, std::int32_t mode, double t);
  // phases of an incident (node = component or standby gate)
  void incident_over(std::uint32_t node, double t);
  // requirement graph
  void set_node(std::uint32_t node, bool up, double t, std::int32_t cause, std::uint32_t blame);
  void gate_changed(std::uint32_t g, bool up, double t, std::int32_t cause, std::uint32_t blame);
  bool weight_changed(std::uint32_t g, double dw, double t);
  void standby_member_changed(std::uint32_t g, std::int32_t member, bool up, double t,
                              std::int32_t cause);
  void standby_detected(std::uint32_t g, double t);
  void standby_switched(std::uint32_t g, double t);
  void standby_activate(std::uint32_t g, std::int32_t member, double t);
  void service_changed(std::int32_t s, bool up, double t, std::int32_t cause, std::uint32_t blame);
  void close_outage(std::int32_t s, double t, bool censored);
  CostRow cost_row() noexcept;

  void trace(double t, const char* event, const std::string& entity, std::string detail = {},
             double value = std::numeric_limits<double>::quiet_NaN());
  std::string cause_name(std::int32_t cause) const;
  std::string gate_name(std::uint32_t g) const;
  const Step& current_step(std::uint32_t c) const noexcept {
    return m_.steps[m_.procedures[static_cast<std::size_t>(recovery_.procedure[c])].first_step +
                    recovery_.step[c]];
  }
  std::uint32_t nc() const noexcept { return static_cast<std::uint32_t>(m_.components.size()); }

  const CompiledModel& m_;
  RunOptions opt_;
  std::uint64_t rep_ = 0;
  EventQueue queue_;

  // State of the replication in progress, one struct per concept (replication_state.hpp).
  ReplicationStreams streams_;
  ComponentState comp_;
  RecoveryState recovery_;
  DataState data_;
  GateState gates_;
  StandbyState standby_;
  CrewScheduler crews_;
  std::vector<CrewAction> crew_actions_;  // what the last scheduler call decided
  // The one remaining-time store of paused steps, whatever paused them (crews or requirements).
  std::vector<double> work_end_;           // per component: when its step in progress ends
  std::vector<double> remaining_;          // per component: work left of a paused step, else -1
  std::vector<std::uint32_t> shift_week_;  // per crew: week of its next calendar boundary
  SpareState spares_;
  DependencyState deps_;   // step requirements (step_dependencies.cpp)
  RestartState restarts_;  // service restart procedures (step_dependencies.cpp)
  PhaseLedger phases_;
  OpenOutages outages_;
  CapacityLedger capacity_;
  SlotPool<std::vector<std::uint32_t>> holds_;  // components each held-down shock outage holds
  SlotPool<PendingCascade> cascades_;
  CostLedger cost_;  // money: used only when m_.costs.any

  // Output row of the replication in progress.
  RunResults* out_ = nullptr;
  std::size_t row_ = 0;
  std::uint64_t* hist_ = nullptr;
  RecordBuffer* rec_ = nullptr;
  CellWriter cells_[RecordBuffer::kCellTables];  // into rec_->cells, per replication
  std::vector<TraceRecord>* trace_ = nullptr;
  std::size_t trace_limit_ = SIZE_MAX;
  const std::atomic<bool>* stop_ = nullptr;  // of the run in progress (long backup walks check it)
  bool recording_ = false;
  std::uint32_t n_records_ = 0;
};

// Runs replication `rep` of the model alone, recording every event; identical to what that
// replication does inside a full run with the same seed. More than `max_events` records throw
// std::length_error; a set `stop` ends it early (the records so far are returned).
std::vector<TraceRecord> trace_replication(const CompiledModel& model, double horizon,
                                           std::uint64_t seed, std::uint64_t rep,
                                           std::size_t max_events = SIZE_MAX,
                                           const std::atomic<bool>* stop = nullptr);

}  // namespace recoverysim
