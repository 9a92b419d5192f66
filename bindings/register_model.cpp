#include <optional>

#include "common.hpp"
#include "recoverysim/model.hpp"
#include "recoverysim/results.hpp"

namespace recoverysim::bind {

namespace {

GateKind gate_kind(const std::string& s) {
  if (s == "ref") return GateKind::ref;
  if (s == "all_of") return GateKind::all;
  if (s == "any_of") return GateKind::any;
  if (s == "k_of_n") return GateKind::k_of_n;
  if (s == "standby") return GateKind::standby;
  if (s == "weighted") return GateKind::weighted;
  throw py::value_error("unknown requirement kind '" + s +
                        "' (expected ref, all_of, any_of, k_of_n, standby or weighted)");
}

const char* gate_kind_name(GateKind k) {
  switch (k) {
    case GateKind::ref:
      return "ref";
    case GateKind::all:
      return "all_of";
    case GateKind::any:
      return "any_of";
    case GateKind::k_of_n:
      return "k_of_n";
    case GateKind::standby:
      return "standby";
    case GateKind::weighted:
      return "weighted";
  }
  return "?";
}

DataLoss data_loss_kind(const std::string& s) {
  if (s == "none") return DataLoss::none;
  if (s == "latest") return DataLoss::latest;
  if (s == "backup") return DataLoss::backup_only;
  throw py::value_error("data_loss must be 'none', 'latest' or 'backup' (got '" + s + "')");
}

}  // namespace

void register_model(py::module_& m) {
  using namespace pybind11::literals;

  py::class_<StepSpec>(m, "StepSpec")
      .def(py::init([](std::string name, Distribution duration, std::string crew, double success,
                       int max_attempts, std::string escalate, double inspection_interval,
                       double inspection_offset, std::vector<std::pair<std::string, int>> crews,
                       std::string spare, std::optional<RequirementSpec> requirement,
                       std::optional<Distribution> fallback) {
             StepSpec s;
             s.name = std::move(name);
             s.duration = std::move(duration);
             s.crew = std::move(crew);
             s.success = success;
             s.max_attempts = max_attempts;
             s.escalate = std::move(escalate);
             s.inspection_interval = inspection_interval;
             s.inspection_offset = inspection_offset;
             s.crews = std::move(crews);
             s.spare = std::move(spare);
             if (requirement) s.requirement.push_back(std::move(*requirement));
             if (fallback) {
               s.has_fallback = true;
               s.fallback = std::move(*fallback);
             }
             return s;
           }),
           py::kw_only(), "name"_a, "duration"_a, "crew"_a = "", "success"_a = 1.0,
           "max_attempts"_a = 0, "escalate"_a = "", "inspection_interval"_a = 0.0,
           "inspection_offset"_a = 0.0, "crews"_a = std::vector<std::pair<std::string, int>>{},
           "spare"_a = "", "requirement"_a = py::none(), "fallback"_a = py::none());

  py::class_<ProcedureSpec>(m, "ProcedureSpec")
      .def(py::init([](std::string name, std::vector<StepSpec> steps) {
             return ProcedureSpec{std::move(name), std::move(steps)};
           }),
           py::kw_only(), "name"_a, "steps"_a);

  py::class_<CascadeSpec>(m, "CascadeSpec")
      .def(py::init([](std::string target, std::string mode, double probability,
                       Distribution delay) {
             return CascadeSpec{std::move(target), std::move(mode), probability, std::move(delay)};
           }),
           py::kw_only(), "target"_a, "mode"_a = "", "probability"_a = 1.0,
           "delay"_a = Distribution::deterministic(0.0));

  py::class_<ShockSpec>(m, "ShockSpec")
      .def(py::init([](std::string name, Distribution every, std::vector<std::string> targets,
                       double probability, std::string mode, std::optional<Distribution> outage,
                       bool per_target, std::optional<Distribution> stagger) {
             ShockSpec s;
             s.name = std::move(name);
             s.every = std::move(every);
             s.targets = std::move(targets);
             s.probability = probability;
             s.hold = outage.has_value();
             s.mode = std::move(mode);
             s.outage = outage.value_or(Distribution::deterministic(0.0));
             s.per_target = per_target;
             s.has_stagger = stagger.has_value();
             if (stagger) s.stagger = *stagger;
             return s;
           }),
           py::kw_only(), "name"_a, "every"_a, "targets"_a, "probability"_a = 1.0, "mode"_a = "",
           "outage"_a = py::none(), "per_target"_a = false, "stagger"_a = py::none());

  py::class_<MaintenanceSpec>(m, "MaintenanceSpec")
      .def(py::init([](std::string name, std::vector<std::string> targets, double every,
                       double offset, Distribution duration, std::string crew) {
             return MaintenanceSpec{std::move(name), std::move(targets),  every,
                                    offset,          std::move(duration), std::move(crew)};
           }),
           py::kw_only(), "name"_a, "targets"_a, "every"_a, "offset"_a = 0.0, "duration"_a,
           "crew"_a = "");

  py::class_<StressSpec>(m, "StressSpec")
      .def(py::init([](std::string name, std::vector<std::string> targets, double factor,
                       std::vector<std::pair<double, double>> shifts, double origin,
                       std::vector<std::pair<double, double>> periods, std::string while_degraded) {
             return StressSpec{
                 std::move(name),    std::move(targets),       factor, std::move(shifts), origin,
                 std::move(periods), std::move(while_degraded)};
           }),
           py::kw_only(), "name"_a, "targets"_a, "factor"_a,
           "shifts"_a = std::vector<std::pair<double, double>>{}, "origin"_a = 0.0,
           "periods"_a = std::vector<std::pair<double, double>>{}, "while_degraded"_a = "");

  py::class_<FailureModeSpec>(m, "FailureModeSpec")
      .def(py::init([](std::string name, Distribution ttf, ProcedureSpec procedure,
                       const std::string& data_loss, std::vector<CascadeSpec> cascades,
                       std::optional<int> priority) {
             return FailureModeSpec{std::move(name),      std::move(ttf),
                                    std::move(procedure), data_loss_kind(data_loss),
                                    std::move(cascades),  priority.has_value(),
                                    priority.value_or(0)};
           }),
           py::kw_only(), "name"_a, "ttf"_a, "procedure"_a, "data_loss"_a = "none",
           "cascades"_a = std::vector<CascadeSpec>{}, "priority"_a = py::none());

  py::class_<ComponentSpec>(m, "ComponentSpec")
      .def(py::init([](std::string name, std::vector<FailureModeSpec> modes,
                       std::vector<std::pair<std::string, std::string>> tags, double backup_every,
                       double backup_offset, Distribution backup_duration, double backup_success,
                       std::optional<Distribution> replication_lag, std::optional<int> priority) {
             ComponentSpec c{std::move(name), std::move(modes), std::move(tags), {}, false, {}};
             c.has_priority = priority.has_value();
             c.priority = priority.value_or(0);
             c.backup = {backup_every, backup_offset, std::move(backup_duration), backup_success};
             if (replication_lag) {
               c.replicated = true;
               c.replication_lag = *replication_lag;
             }
             return c;
           }),
           py::kw_only(), "name"_a, "modes"_a,
           "tags"_a = std::vector<std::pair<std::string, std::string>>{}, "backup_every"_a = 0.0,
           "backup_offset"_a = 0.0, "backup_duration"_a = Distribution::deterministic(0.0),
           "backup_success"_a = 1.0, "replication_lag"_a = py::none(), "priority"_a = py::none());

  py::class_<CrewSpec>(m, "CrewSpec")
      .def(py::init([](std::string name, int size, bool preemptive,
                       std::vector<std::pair<double, double>> shifts, double origin) {
             return CrewSpec{std::move(name), size, preemptive, std::move(shifts), origin};
           }),
           py::kw_only(), "name"_a, "size"_a = 1, "preemptive"_a = false,
           "shifts"_a = std::vector<std::pair<double, double>>{}, "origin"_a = 0.0);

  py::class_<SparePoolSpec>(m, "SparePoolSpec")
      .def(py::init([](std::string name, int stock, Distribution lead_time,
                       std::optional<Distribution> emergency) {
             SparePoolSpec p{std::move(name), stock, std::move(lead_time), emergency.has_value(),
                             Distribution::deterministic(0.0)};
             if (emergency) p.emergency = *emergency;
             return p;
           }),
           py::kw_only(), "name"_a, "stock"_a, "lead_time"_a, "emergency"_a = py::none());

  py::class_<RequirementSpec>(m, "RequirementSpec")
      .def(
          py::init([](const std::string& kind, std::string name, int k,
                      std::vector<RequirementSpec> children, Distribution detection,
                      Distribution switchover, double success, double dormancy, double load_sharing,
                      std::vector<double> weights, double threshold, bool strict) {
            return RequirementSpec{
                gate_kind(kind),
                std::move(name),
                k,
                std::move(children),
                StandbySpec{std::move(detection), std::move(switchover), success, dormancy},
                load_sharing,
                std::move(weights),
                threshold,
                strict};
          }),
          py::kw_only(), "kind"_a, "name"_a = "", "k"_a = 0,
          "children"_a = std::vector<RequirementSpec>{},
          "detection"_a = Distribution::deterministic(0.0),
          "switchover"_a = Distribution::deterministic(0.0), "success"_a = 1.0, "dormancy"_a = 0.0,
          "load_sharing"_a = 0.0, "weights"_a = std::vector<double>{}, "threshold"_a = 0.0,
          "strict"_a = false);

  py::class_<ServiceSpec>(m, "ServiceSpec")
      .def(py::init([](std::string name, RequirementSpec requirement, std::optional<double> rto,
                       std::optional<double> rpo, std::vector<double> demand, double down_below,
                       std::optional<int> priority, std::vector<StepSpec> restart) {
             return ServiceSpec{std::move(name),   std::move(requirement), rto.value_or(0.0),
                                rpo.value_or(0.0), rpo.has_value(),        std::move(demand),
                                down_below,        priority.has_value(),   priority.value_or(0),
                                std::move(restart)};
           }),
           py::kw_only(), "name"_a, "requirement"_a, "rto"_a = py::none(), "rpo"_a = py::none(),
           "demand"_a = std::vector<double>{}, "down_below"_a = 0.0, "priority"_a = py::none(),
           "restart"_a = std::vector<StepSpec>{});

  py::class_<ForcedEventSpec>(m, "ForcedEventSpec")
      .def(py::init([](double time, bool shock, std::string target, std::string mode) {
             return ForcedEventSpec{time, shock, std::move(target), std::move(mode)};
           }),
           py::kw_only(), "time"_a, "shock"_a, "target"_a, "mode"_a = "");

  py::class_<ServiceCostSpec>(m, "ServiceCostSpec")
      .def(py::init([](std::string service, double per_hour, std::vector<double> weekly,
                       double week_origin, double per_outage, double beyond_rto_per_hour,
                       double planned_per_hour, double loss_per_incident, double loss_per_hour,
                       double sla_fee, double sla_period,
                       const std::vector<std::pair<double, double>>& sla_tiers) {
             ServiceCostSpec c;
             c.service = std::move(service);
             c.per_hour = per_hour;
             c.weekly = std::move(weekly);
             c.week_origin = week_origin;
             c.per_outage = per_outage;
             c.beyond_rto_per_hour = beyond_rto_per_hour;
             c.planned_per_hour = planned_per_hour;
             c.loss_per_incident = loss_per_incident;
             c.loss_per_hour = loss_per_hour;
             c.sla_fee = sla_fee;
             c.sla_period = sla_period;
             for (const auto& [below, share] : sla_tiers) c.sla_tiers.push_back({below, share});
             return c;
           }),
           py::kw_only(), "service"_a, "per_hour"_a = 0.0, "weekly"_a = std::vector<double>{},
           "week_origin"_a = 0.0, "per_outage"_a = 0.0, "beyond_rto_per_hour"_a = 0.0,
           "planned_per_hour"_a = 0.0, "loss_per_incident"_a = 0.0, "loss_per_hour"_a = 0.0,
           "sla_fee"_a = 0.0, "sla_period"_a = 730.0,
           "sla_tiers"_a = std::vector<std::pair<double, double>>{});

  py::class_<ModelSpec>(m, "ModelSpec")
      .def(py::init([](std::string name, std::vector<ComponentSpec> components,
                       std::vector<CrewSpec> crews, std::vector<ProcedureSpec> procedures,
                       std::vector<ServiceSpec> services, std::vector<ShockSpec> shocks,
                       std::vector<MaintenanceSpec> maintenance, bool age_when_down,
                       std::vector<ForcedEventSpec> forced, std::vector<ServiceCostSpec> costs,
                       std::vector<SparePoolSpec> spares, std::vector<StressSpec> stresses) {
             return ModelSpec{std::move(name),        std::move(components), std::move(crews),
                              std::move(procedures),  std::move(services),   std::move(shocks),
                              std::move(maintenance), age_when_down,         std::move(forced),
                              std::move(costs),       std::move(spares),     std::move(stresses)};
           }),
           py::kw_only(), "name"_a, "components"_a, "crews"_a = std::vector<CrewSpec>{},
           "procedures"_a = std::vector<ProcedureSpec>{}, "services"_a = std::vector<ServiceSpec>{},
           "shocks"_a = std::vector<ShockSpec>{}, "maintenance"_a = std::vector<MaintenanceSpec>{},
           "age_when_down"_a = true, "forced"_a = std::vector<ForcedEventSpec>{},
           "costs"_a = std::vector<ServiceCostSpec>{}, "spares"_a = std::vector<SparePoolSpec>{},
           "stresses"_a = std::vector<StressSpec>{});

  py::class_<CompiledModel, std::shared_ptr<CompiledModel>>(m, "CompiledModel")
      .def_readonly("name", &CompiledModel::name)
      .def_property_readonly("component_names",
                             [](const CompiledModel& c) {
                               std::vector<std::string> v;
                               for (const auto& x : c.components) v.push_back(x.name);
                               return v;
                             })
      .def_property_readonly("service_names",
                             [](const CompiledModel& c) {
                               std::vector<std::string> v;
                               for (const auto& x : c.services) v.push_back(x.name);
                               return v;
                             })
      .def_property_readonly("mode_names",
                             [](const CompiledModel& c) {
                               std::vector<std::pair<std::string, std::string>> v;
                               for (const auto& x : c.modes)
                                 v.emplace_back(c.components[x.component].name, x.name);
                               return v;
                             })
      .def_property_readonly("planned_modes",
                             [](const CompiledModel& c) {
                               std::vector<bool> v;
                               for (const auto& x : c.modes) v.push_back(x.planned);
                               return v;
                             })
      .def_property_readonly("shock_names",
                             [](const CompiledModel& c) {
                               std::vector<std::string> v;
                               for (const auto& x : c.shocks) v.push_back(x.name);
                               return v;
                             })
      .def_property_readonly("stress_names",
                             [](const CompiledModel& c) {
                               std::vector<std::string> v;
                               for (const auto& x : c.stresses) v.push_back(x.name);
                               return v;
                             })
      .def_readonly("phases", &CompiledModel::phases)
      .def_property_readonly("spare_names",
                             [](const CompiledModel& c) {
                               std::vector<std::string> v;
                               for (const auto& x : c.spares) v.push_back(x.name);
                               return v;
                             })
      .def_property_readonly("n_gates", [](const CompiledModel& c) { return c.gates.size(); })
      .def_property_readonly(
          "gates",
          [](const CompiledModel& c) {
            py::list out;
            for (std::size_t g = 0; g < c.gates.size(); ++g) {
              std::vector<std::uint32_t> kids(c.children.begin() + c.child_offset[g],
                                              c.children.begin() + c.child_offset[g + 1]);
              std::vector<double> weights(c.child_weight.begin() + c.child_offset[g],
                                          c.child_weight.begin() + c.child_offset[g + 1]);
              out.append(py::dict("kind"_a = gate_kind_name(c.gates[g].kind), "k"_a = c.gates[g].k,
                                  "service"_a = c.gates[g].service, "children"_a = kids,
                                  "weights"_a = weights, "threshold"_a = c.gates[g].threshold,
                                  "strict"_a = c.gates[g].strict));
            }
            return out;
          },
          "Gates as dicts; children are node ids (components first, then gates).")
      .def_readonly("service_order", &CompiledModel::service_order)
      .def(py::pickle(
          // The spec travels (compact binary); the receiver compiles it again, which gives the
          // same model: names key the random streams, so results are bitwise identical.
          [](const CompiledModel& c) {
            if (!c.spec) throw py::type_error("this compiled model does not know its spec");
            return py::bytes(serialize_spec(*c.spec));
          },
          [](const py::bytes& b) {
            return std::const_pointer_cast<CompiledModel>(
                compile(deserialize_spec(std::string_view(b))));
          }));

  m.def(
      "compile",
      [](const ModelSpec& spec) { return std::const_pointer_cast<CompiledModel>(compile(spec)); },
      py::arg("spec"),
      "Validate a ModelSpec and compile it; raises ValueError naming the culprit.");
}

}  // namespace recoverysim::bind
