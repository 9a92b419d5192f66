// Model validation: every error names the culprit.
#include "check.hpp"
#include "recoverysim/errors.hpp"
#include "recoverysim/model.hpp"
#include "spec_helpers.hpp"

using namespace recoverysim;
using spec::gate;
using spec::ref;
using spec::svc;

namespace {

ComponentSpec comp(const std::string& name) {
  ComponentSpec c;
  c.name = name;
  FailureModeSpec m;
  m.ttf = Distribution::exponential(100);
  m.procedure.steps.push_back(StepSpec{
      "repair", Distribution::exponential(1), "", 1.0, 0, "", 0, 0, {}, "", {}, false, {}});
  c.modes.push_back(m);
  return c;
}

ModelSpec base() {
  ModelSpec m;
  m.components = {comp("a"), comp("b"), comp("c")};
  return m;
}

}  // namespace

TEST_CASE(compiles_nested_services) {
  ModelSpec m = base();
  m.services.push_back(svc("db", gate(GateKind::k_of_n, {ref("a"), ref("b"), ref("c")}, 2)));
  m.services.push_back(
      svc("app", gate(GateKind::all, {ref("db"), gate(GateKind::any, {ref("a"), ref("c")})})));
  auto cm = compile(m);
  CHECK(cm->services.size() == 2);
  CHECK(cm->gates.size() == 3);
  CHECK(cm->gates[0].k == 2 && cm->gates[0].n == 3);
  CHECK(cm->gates[1].k == 2 && cm->gates[1].service == 1);
  CHECK(cm->gates[2].kind == GateKind::any && cm->gates[2].k == 1);
  // "a" feeds the k-of-n gate and the any-of gate.
  CHECK(cm->parent_offset[1] - cm->parent_offset[0] == 2);
  // db comes before app in dependency order.
  CHECK(cm->service_order.size() == 2 && cm->service_order[0] == 0);
}

TEST_CASE(unknown_name) {
  ModelSpec m = base();
  m.services.push_back(svc("svc", gate(GateKind::all, {ref("a"), ref("db-4")})));
  CHECK_THROWS_WITH(compile(m),
                    "service 'svc' > all_of(...)[1]: unknown component or service 'db-4'");
}

TEST_CASE(cycle_is_spelled_out) {
  ModelSpec m = base();
  m.services.push_back(svc("x", gate(GateKind::all, {ref("a"), ref("y")})));
  m.services.push_back(svc("y", gate(GateKind::any, {ref("z"), ref("b")})));
  m.services.push_back(svc("z", ref("x")));
  CHECK_THROWS_WITH(compile(m), "cycle in the dependency graph: x -> y -> z -> x");
  ModelSpec self = base();
  self.services.push_back(svc("s", gate(GateKind::all, {ref("a"), ref("s")})));
  CHECK_THROWS_WITH(compile(self), "s -> s");
}

TEST_CASE(k_out_of_range_and_empty_groups) {
  ModelSpec m = base();
  m.services.push_back(svc("q", gate(GateKind::k_of_n, {ref("a"), ref("b")}, 3)));
  CHECK_THROWS_WITH(compile(m), "k_of_n needs 1 <= k <= n, got k=3 with n=2");
  ModelSpec e = base();
  e.services.push_back(svc("q", gate(GateKind::all, {ref("a"), gate(GateKind::any, {})})));
  CHECK_THROWS_WITH(compile(e), "any_of(...) has no members");
}

TEST_CASE(duplicates) {
  ModelSpec m = base();
  m.components.push_back(comp("a"));
  CHECK_THROWS_WITH(compile(m), "duplicate component name 'a'");
  ModelSpec s = base();
  s.services.push_back(svc("a", ref("b")));
  CHECK_THROWS_WITH(compile(s), "service 'a' has the same name as a component");
  ModelSpec twice = base();
  twice.services.push_back(svc("t", gate(GateKind::any, {ref("a"), ref("a")})));
  CHECK_THROWS_WITH(compile(twice), "'a' appears twice in the same group");
}

TEST_CASE(procedure_errors) {
  ModelSpec m = base();
  m.components[0].modes[0].procedure.steps[0].crew = "oncall";
  CHECK_THROWS_WITH(
      compile(m), "component 'a', failure mode 'failure', step 1 (repair): unknown crew 'oncall'");
  ModelSpec p = base();
  p.components[1].modes[0].procedure.steps[0].success = 1.5;
  CHECK_THROWS_WITH(compile(p), "success probability must be in [0, 1]");
  ModelSpec loop = base();
  StepSpec s{"restore", Distribution::exponential(1), "", 0.5, 2, "B", 0, 0, {}, "", {}, false, {}};
  StepSpec t{"rebuild", Distribution::exponential(1), "", 0.5, 2, "A", 0, 0, {}, "", {}, false, {}};
  loop.procedures.push_back({"A", {s}});
  loop.procedures.push_back({"B", {t}});
  CHECK_THROWS_WITH(compile(loop), "escalation loop with no bound: A -> B -> A");
}

TEST_CASE(errors_say_entity_field_and_reason) {
  ModelSpec m = base();
  FailureModeSpec disk = m.components[1].modes[0];
  disk.name = "disk";
  disk.procedure.steps.push_back(disk.procedure.steps[0]);
  disk.procedure.steps[1].crew = "ops";
  m.components[1].modes.push_back(disk);
  try {
    compile(m);
    CHECK(false);
  } catch (const SpecError& e) {
    CHECK(e.kind() == "component" && e.name() == "b");
    CHECK(e.field() == "modes[1].repair.steps[1].crew");
    CHECK(e.reason() == "unknown crew 'ops'");
    CHECK(std::string(e.what()) ==
          "component 'b', failure mode 'disk', step 2 (repair): unknown crew 'ops'");
  }
}

TEST_CASE(no_components) {
  ModelSpec m;
  CHECK_THROWS_WITH(compile(m), "has no components");
}

TEST_MAIN()
