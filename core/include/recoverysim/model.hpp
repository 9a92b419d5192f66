// The model: a plain description (ModelSpec, filled from Python or tests) and its compiled,
// validated, read-only form (CompiledModel) shared by every replication on every thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
};

struct CrewSpec {
  std::string name;
  int size = 1;
};

enum class GateKind : std::uint8_t { ref, all, any, k_of_n, standby };

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
};

struct ServiceSpec {
  std::string name;
  RequirementSpec requirement;
  double rto = 0;  // 0: no target
  double rpo = 0;  // 0: no target (an RPO of exactly 0 is written as a tiny positive number)
  bool has_rpo = false;
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
  std::uint32_t kind;             // index into CompiledModel::step_kinds
  std::int32_t requirement = -1;  // node that must be up for the step to run, -1: none
  bool has_fallback = false;      // runs for `fallback` instead of waiting for the requirement
  Distribution fallback;
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
};

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
  std::vector<Gate> gates;        // gate g is node (components.size() + g)
  std::vector<Service> services;  // in definition order
  // Node graph, CSR: parents of node i are parents[parent_offset[i] .. parent_offset[i+1]).
  std::vector<std::uint32_t> parent_offset;
  std::vector<std::uint32_t> parents;
  // Children of gate g: children[child_offset[g] .. child_offset[g+1]), in declaration order.
  std::vector<std::uint32_t> child_offset;
  std::vector<std::uint32_t> children;

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
  // Step requirements (step_dependencies.cpp): whether any step has one, and per node whether
  // some step's requirement is that node (its flips pause and resume steps).
  bool has_step_requirements = false;
  bool has_restarts = false;        // some service has a restart procedure
  std::vector<Step> restart_steps;  // the services' restart steps (duration and phase only)
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
