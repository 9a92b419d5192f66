// The model: a plain description (ModelSpec, filled from Python or tests) and its compiled,
// validated, read-only form (CompiledModel) shared by every replication on every thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "recoverysim/capacity.hpp"
#include "recoverysim/cost.hpp"
#include "recoverysim/distribution.hpp"

namespace recoverysim {

// ---------------------------------------------------------------------------------------------
// Specification (what a user describes)

struct RequirementSpec;

struct StepSpec {
  std::string name = "repair";  // detect, diagnose, failover, restore, repair, verify, ...
  Distribution duration;
  std::string crew;                // empty: needs no crew
  double success = 1.0;            // probability that one attempt succeeds
  int max_attempts = 0;            // attempts before escalating; 0 = retry until success
  std::string escalate;            // procedure to run when attempts are exhausted
  double inspection_interval = 0;  // > 0: the step first waits for the next periodic inspection
  double inspection_offset = 0;
  // Crew members held together, beyond `crew` (one member): (crew name, members). Issue 14.
  std::vector<std::pair<std::string, int>> crews;
  std::string spare;  // spare pool the step takes one spare from before its crew; empty: none
  // Step requirements (issue 14, step_dependencies.cpp): at most one requirement that must hold
  // for the step to run; empty: none. With a fallback the step never waits: it runs for
  // `fallback` instead of `duration` when the requirement is down as the step is reached.
  std::vector<RequirementSpec> requirement;
  bool has_fallback = false;
  Distribution fallback;
};

struct ProcedureSpec {
  std::string name;
  std::vector<StepSpec> steps;
};

// What a failure mode does to the data a component holds.
enum class DataLoss : std::uint8_t {
  none,         // no data lost
  latest,       // lose what was written since the latest recovery point (replica or backup)
  backup_only,  // the replica is lost too (e.g. corruption replicates): back to the last backup
};

// A failure of one mode can make another component fail: with `probability`, after `delay`,
// the target fails with its mode `mode` (first mode if empty) if it is up then.
struct CascadeSpec {
  std::string target;
  std::string mode;
  double probability = 1.0;
  Distribution delay;
};

struct FailureModeSpec {
  std::string name = "failure";
  Distribution ttf;         // time to failure, in age (hours of active operation)
  ProcedureSpec procedure;  // inline recovery procedure
  DataLoss data_loss = DataLoss::none;
  std::vector<CascadeSpec> cascades;
  bool has_priority = false;  // crew priority of its steps; else the component's (see Compiler)
  int priority = 0;
};

// A recurring external event (region outage, DDoS, bad deploy, chain halt). Arrivals form a
// renewal process with inter-arrival `every`; each arrival hits each target with `probability`.
// Effect: either the hit components fail with their mode `mode` (their procedures follow), or
// (hold = true) all hit components are held down together for one sampled `outage`.
struct ShockSpec {
  std::string name;
  Distribution every;
  std::vector<std::string> targets;
  double probability = 1.0;
  bool hold = false;
  std::string mode;     // trigger effect: failure mode of each target (first mode if empty)
  Distribution outage;  // hold effect
  // Per-target hold outages (issue 14, shock_outages.cpp): each hit target draws its own
  // `outage` (per_target), and/or is released a drawn `stagger` after its outage ends.
  bool per_target = false;
  bool has_stagger = false;
  Distribution stagger;
};

// Planned windows: at offset + k * every each target, if up, goes down on purpose for
// `duration` (optionally needing a crew member), then is as good as new. Planned downtime.
struct MaintenanceSpec {
  std::string name;
  std::vector<std::string> targets;
  double every = 0;
  double offset = 0;
  Distribution duration;
  std::string crew;
};

// Periodic backups: one starts at offset + k * every while the component is up, runs for
// `duration` and succeeds with probability `success`. Its recovery point is its start time.
struct BackupSpec {
  double every = 0;  // 0: no backups
  double offset = 0;
  Distribution duration;
  double success = 1.0;
};

struct ComponentSpec {
  std::string name;
  std::vector<FailureModeSpec> modes;
  std::vector<std::pair<std::string, std::string>> tags;
  BackupSpec backup;
  bool replicated = false;  // asynchronous replication with lag `replication_lag`
  Distribution replication_lag;
  bool has_priority = false;  // crew priority of its modes' steps; else the services' above it
  int priority = 0;
};

struct CrewSpec {
  std::string name;
  int size = 1;
  // A higher-priority request takes members from lower-priority steps in progress, which pause
  // and later resume with their remaining time (preemptive-resume). Else non-preemptive.
  bool preemptive = false;
  // Working hours: [start, end) hours of the week, 0 = the week's origin (Monday 00:00 unless
  // `origin` says otherwise). Empty: always working.
  std::vector<std::pair<double, double>> shifts;
  double origin = 0;  // hour of the week at t = 0 (0: t = 0 is Monday 00:00)
};

// A stock of spares (HSMs, disks): a step that names the pool takes one before its crew, waiting
// while the stock is 0; each spare taken is reordered and arrives after `lead_time`. With an
// emergency order, a step that starts waiting also orders one that arrives after `emergency`.
struct SparePoolSpec {
  std::string name;
  int stock = 1;
  Distribution lead_time;
  bool has_emergency = false;
  Distribution emergency;
};

enum class GateKind : std::uint8_t { ref, all, any, k_of_n, standby, weighted };

// One active member; when it fails, after `detection` the next available spare takes over after
// `switchover` (the requirement is down meanwhile), succeeding with probability `success`; a
// failed switchover leaves it down until a member recovers. Non-revertive. Spares age at rate
// `dormancy` (0 cold, 1 hot). Members must be components.
struct StandbySpec {
  Distribution detection;   // default: 0
  Distribution switchover;  // default: 0
  double success = 1.0;
  double dormancy = 0.0;
};

struct RequirementSpec {
  GateKind kind = GateKind::ref;
  std::string name;  // for ref: a component or service name
  int k = 0;         // for k_of_n
  std::vector<RequirementSpec> children;
  StandbySpec standby;  // for standby
  // k_of_n: while j members are down, every up member ages at rate 1 + load_sharing * j.
  double load_sharing = 0;
  // weighted: member i weighs weights[i] (>= 0); up while the weights of the up members sum to
  // at least `threshold` (strict: to more than `threshold`), an absolute weight.
  std::vector<double> weights;
  double threshold = 0;
  bool strict = false;
};

struct ServiceSpec {
  std::string name;
  RequirementSpec requirement;
  double rto = 0;  // 0: no target
  double rpo = 0;  // 0: no target (an RPO of exactly 0 is written as a tiny positive number)
  bool has_rpo = false;
  // Capacity (see capacity.hpp): empty, or 1 (constant) or 168 (hour of the week) demands; the
  // requirement is then a weighted gate whose weights are capacities.
  std::vector<double> demand;
  double down_below = 0;      // share of demand served below which it is down (0: nothing served)
  bool has_priority = false;  // crew priority inherited by components beneath without their own
  int priority = 0;
  // Restart procedure (issue 14, step_dependencies.cpp): once down, the service stays down
  // until its requirement holds again and these steps (name and duration) have run; a failure
  // of the requirement during them abandons the restart. Empty: none.
  std::vector<StepSpec> restart;
};

// Incident scenarios (game days, stress tests): events forced at given times in every
// replication. A forced failure fails a component in a failure mode (its procedure follows); a
// forced shock arrives like one of the shock's own arrivals but hits every target.
struct ForcedEventSpec {
  double time = 0;
  bool shock = false;
  std::string target;  // component (failure) or shock name
  std::string mode;    // failure: the failure mode (the first one if empty)
};

// Stress periods (issue 16): while a stress is active, each target's failure rate (its ageing rate
// while active; a dormant standby spare keeps its dormancy rate) is multiplied by `factor`, and
// several active stresses on one component multiply. A stress is active by exactly one trigger:
// weekly `shifts` ([start, end) hours of the week, 0 = the week's origin, t = 0 being hour
// `origin` of the week, as a crew calendar), absolute `periods` ([start, end) hours since
// t = 0), or while the service `while_degraded` is degraded (its requirement holds but not every
// member of its root group is up; for a capacity service: 0 < served share < 1). Windows of one
// stress must not overlap. Nothing is drawn: the boundaries are deterministic.
struct StressSpec {
  std::string name;
  std::vector<std::string> targets;
  double factor = 1.0;
  std::vector<std::pair<double, double>> shifts;
  double origin = 0;
  std::vector<std::pair<double, double>> periods;
  std::string while_degraded;
};

struct ModelSpec {
  std::string name = "model";
  std::vector<ComponentSpec> components;
  std::vector<CrewSpec> crews;
  std::vector<ProcedureSpec> procedures;  // named procedures, targets of escalation
  std::vector<ServiceSpec> services;
  std::vector<ShockSpec> shocks;
  std::vector<MaintenanceSpec> maintenance;
  // false: a component does not age while every service that depends on it is down.
  bool age_when_down = true;
  std::vector<ForcedEventSpec> forced;  // incident scenario, empty in ordinary runs
  std::vector<ServiceCostSpec> costs;   // money (cost.hpp), empty: nothing is priced
  std::vector<SparePoolSpec> spares;
  std::vector<StressSpec> stresses;  // stress periods, empty: rates are never multiplied
};

// ---------------------------------------------------------------------------------------------
// Compiled model (flat, indexed, immutable)

struct Step {
  Distribution duration;
  std::int32_t crew;  // -1: none
  double success;
  std::int32_t max_attempts;
  std::int32_t escalate;  // procedure index, -1: none
  double inspection_interval;
  double inspection_offset;
  std::uint32_t kind;  // index into CompiledModel::step_kinds
  // Crew members it holds together: CompiledModel::crew_needs[first_need, first_need + n_needs).
  // `crew` above is the crew of a step that needs exactly one member of one crew, else -1.
  std::uint32_t first_need = 0, n_needs = 0;
  std::int32_t spare = -1;  // spare pool index, -1: none
  // Step requirements (issue 14, step_dependencies.cpp).
  std::int32_t requirement = -1;  // node that must be up for the step to run, -1: none
  bool has_fallback = false;      // runs for `fallback` instead of waiting for the requirement
  Distribution fallback;
};

struct CrewNeed {
  std::int32_t crew;
  std::int32_t count;
};

// A crew's working hours as absolute times modulo one week: shifts [start, end) in hours since
// t = 0 modulo 168, sorted, disjoint, not touching (end == start of the next is merged).
struct CrewCalendar {
  std::vector<std::pair<double, double>> shifts;  // empty: always working
  // The shift changes in week order: (hour of the week, working after it). A shift ending at the
  // week's end and one starting at its beginning join (no change at the week boundary).
  std::vector<std::pair<double, bool>> changes;
};

// A compiled stress (see StressSpec). Calendar stresses change at `changes`: (time, active after
// it), hours since t = 0 modulo one week when `weekly` (a crew calendar's changes), absolute
// otherwise. A degraded-triggered stress watches root gate `gate` instead (its changes are empty).
struct Stress {
  std::string name;
  double factor = 1.0;
  std::vector<std::uint32_t> targets;
  bool weekly = false;
  std::vector<std::pair<double, bool>> changes;
  bool active_at_start = false;  // calendar stresses: active at t = 0
  std::int32_t gate = -1;        // while_degraded: the service's root gate, else -1
};

struct SparePool {
  std::string name;
  std::uint64_t name_hash;
  std::int32_t stock;
  Distribution lead_time;
  bool has_emergency;
  Distribution emergency;
};

struct Procedure {
  std::string name;
  std::uint32_t first_step;
  std::uint32_t n_steps;
};

struct Cascade {
  std::uint32_t target;
  std::int32_t mode;
  double probability;
  Distribution delay;
};

struct Mode {
  std::string name;
  std::uint64_t name_hash;
  std::uint32_t component;
  Distribution ttf;
  std::int32_t procedure;
  DataLoss data_loss;
  bool planned = false;  // a maintenance window, not a failure (no time to failure)
  std::uint32_t first_cascade = 0, n_cascades = 0;
  std::int32_t priority = 0;  // crew priority of its steps: higher is served first
};

struct Shock {
  std::string name;
  std::uint64_t name_hash;
  Distribution every;
  std::vector<std::uint32_t> targets;
  std::vector<std::int32_t> target_modes;  // trigger effect: mode index per target
  double probability;
  bool hold;
  Distribution outage;
  bool per_target = false;
  bool has_stagger = false;
  Distribution stagger;
};

struct ForcedEvent {
  double time;
  bool shock;
  std::uint32_t target;  // component or shock index
  std::int32_t mode;     // failure: mode index
  std::uint64_t key;     // its random stream's entity key (hits and outage of a forced shock)
};

struct MaintenanceWindow {
  std::uint32_t component;
  std::int32_t mode;  // the planned mode whose procedure is the window
  double every, offset;
};

struct Component {
  std::string name;
  std::uint64_t name_hash;
  std::uint32_t first_mode;
  std::uint32_t n_modes;
  std::vector<std::pair<std::string, std::string>> tags;
  BackupSpec backup;
  bool replicated;
  Distribution replication_lag;
  std::int32_t standby_gate;    // gate index of the standby group it belongs to, or -1
  std::int32_t standby_member;  // its position in that group
  std::int32_t load_gate = -1;  // k_of_n gate with load sharing it belongs to, or -1
};

struct Gate {
  GateKind kind;   // all / any / k_of_n / standby (a ref at the root becomes an all-of-one)
  std::int32_t k;  // up when at least k children are up
  std::int32_t n;
  std::int32_t service;  // index of the service whose root this gate is, or -1
  StandbySpec standby;
  std::uint64_t name_hash;  // standby: hash of its member names (random-stream key)
  double load_sharing = 0;
  // weighted: up while the up children's weights reach `threshold` (more than it if `strict`);
  // `total` is the sum of every child's weight. See weight_holds.
  double threshold = 0;
  double total = 0;
  bool strict = false;
  std::int32_t capacity = -1;  // index in CompiledModel::capacity of the service it measures
};

// Whether `up_weight` meets a weighted gate's threshold. Sums of real weights carry rounding
// errors that depend on the order of additions, so weights within 1e-9 of the total weight of
// the threshold count as equal to it: "more than 2/3 of the stake" with exactly 2/3 up is down,
// whatever the order the members came up in. The one place that decides, for the simulator and
// the exact solvers alike.
inline bool weight_holds(const Gate& g, double up_weight) noexcept {
  const double eps = 1e-9 * g.total;
  return g.strict ? up_weight > g.threshold + eps : up_weight >= g.threshold - eps;
}

// Whether a group whose requirement `holds` is degraded, for stresses that act while it is (the
// one definition, for the simulator and the exact chain): up, but not whole. A gate measuring a
// capacity service (constant demand) is degraded while 0 < served < 1, i.e. its capacity up is
// below the demand (within the rounding allowance of weight_holds); any other gate while some
// member is down. A group that is down is not degraded.
inline bool group_degraded(const Gate& g, bool holds, std::int32_t up_children, double up_weight,
                           double demand) noexcept {
  if (!holds) return false;
  if (g.capacity >= 0) return up_weight < demand - 1e-9 * g.total;
  return up_children < g.n;
}

struct Service {
  std::string name;
  std::uint32_t node;  // node id of its root gate
  double rto;          // 0: none
  double rpo;
  bool has_rpo;
  std::uint32_t restart_first = 0;  // its restart steps: restart_steps[first .. first + n)
  std::uint32_t restart_n = 0;      // 0: no restart procedure
};

class CompiledModel {
 public:
  std::string name;
  std::vector<Component> components;
  std::vector<Mode> modes;  // failure modes, then the planned modes of maintenance windows
  std::vector<Cascade> cascades;
  std::vector<Shock> shocks;
  std::vector<MaintenanceWindow> maintenance;
  std::vector<ForcedEvent> forced;  // incident scenario, in the order given
  // Root causes: modes [0, modes.size()), then shocks.
  std::size_t n_causes() const noexcept { return modes.size() + shocks.size(); }
  bool age_when_down = true;
  std::vector<Procedure> procedures;
  std::vector<Step> steps;
  // Phases of an outage, for "where does the time go": the distinct step names in order of first
  // appearance, then the fixed phases below.
  std::vector<std::string> phases;
  std::uint32_t phase_crew_wait = 0, phase_inspection_wait = 0, phase_detect = 0,
                phase_switchover = 0, phase_no_spare = 0, phase_other = 0, phase_shock = 0;
  std::vector<std::string> crew_names;
  std::vector<std::int32_t> crew_sizes;
  std::vector<std::uint8_t> crew_preemptive;  // per crew
  std::vector<CrewCalendar> crew_calendars;   // per crew
  std::vector<CrewNeed> crew_needs;           // of every step, see Step::first_need
  std::vector<SparePool> spares;
  std::uint32_t phase_spare_wait = 0;     // a phase only if a step takes spares (else unused)
  std::vector<Gate> gates;                // gate g is node (components.size() + g)
  std::vector<Service> services;          // in definition order
  std::vector<CapacityService> capacity;  // services with a demand
  // Node graph, CSR: parents of node i are parents[parent_offset[i] .. parent_offset[i+1]).
  std::vector<std::uint32_t> parent_offset;
  std::vector<std::uint32_t> parents;
  // Children of gate g: children[child_offset[g] .. child_offset[g+1]), in declaration order.
  std::vector<std::uint32_t> child_offset;
  std::vector<std::uint32_t> children;
  // Weight of each entry of `children` and of `parents` in its gate (1 outside weighted gates).
  std::vector<double> child_weight;
  std::vector<double> parent_weight;

  std::size_t n_nodes() const noexcept { return components.size() + gates.size(); }
  std::uint32_t gate_node(std::size_t g) const noexcept {
    return static_cast<std::uint32_t>(components.size() + g);
  }
  int find_component(const std::string& n) const noexcept;
  int find_service(const std::string& n) const noexcept;
  // Services in an order where every service comes after the services it depends on.
  std::vector<std::uint32_t> service_order;
  // Services that depend (transitively) on component c: services_above[sa_offset[c]..[c+1]).
  std::vector<std::uint32_t> sa_offset;
  std::vector<std::uint32_t> services_above;
  // Components beneath service s: components_below[cb_offset[s]..[s+1]).
  std::vector<std::uint32_t> cb_offset;
  std::vector<std::uint32_t> components_below;
  bool has_standby = false;
  bool has_data = false;
  CostModel costs;  // money (cost.hpp); costs.any false: the engine never prices anything
  // Step requirements (step_dependencies.cpp): whether any step has one, and per node whether
  // some step's requirement is that node (its flips pause and resume steps).
  bool has_step_requirements = false;
  bool has_restarts = false;        // some service has a restart procedure
  std::vector<Step> restart_steps;  // the services' restart steps (duration and phase only)
  // Stress periods: the stresses, and per component the stresses that name it (CSR:
  // stress_of[stress_offset[c] .. stress_offset[c + 1])). Empty without stresses.
  std::vector<Stress> stresses;
  std::vector<std::uint32_t> stress_offset;
  std::vector<std::uint32_t> stress_of;
  std::vector<std::uint8_t> node_watched;
  std::uint32_t phase_dependency_wait = 0;  // valid only with step requirements
  // The spec it was compiled from: compiling it again gives the same model (pickling).
  std::shared_ptr<const ModelSpec> spec;
};

// Validates the spec and compiles it. Throws std::invalid_argument with a message that names the
// offending entity (unknown names, duplicates, cycles, k out of range, empty groups, ...).
std::shared_ptr<const CompiledModel> compile(const ModelSpec& spec);

// How many events one replication of `horizon` hours is expected to need, and the entity whose
// durations account for most of them: a run can refuse one that would never end. Infinite when
// an entity's sampled durations are mostly below the time resolution at the horizon (simulated
// time would stop advancing).
struct EventEstimate {
  double events = 0;
  std::string entity;  // "component 'db'", "shock 'ddos'", "maintenance of 'db'", ...
  std::string reason;  // what about it
};
EventEstimate estimate_events(const CompiledModel& model, double horizon);

}  // namespace recoverysim
