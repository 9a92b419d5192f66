// The Markov chain's state space, shared by the exact solver and the rare-event walk.
#include <algorithm>
#include <string>
#include <vector>

#include "check.hpp"
#include "recoverysim/state_space.hpp"
#include "spec_helpers.hpp"

using namespace recoverysim;
using spec::gate;
using spec::ref;
using spec::svc;

namespace {

ComponentSpec comp(const std::string& name, double mttf, double mttr, std::string crew = "") {
  ComponentSpec c;
  c.name = name;
  FailureModeSpec m;
  m.ttf = Distribution::exponential(mttf);
  m.procedure.steps.push_back(StepSpec{"repair",
                                       Distribution::exponential(mttr),
                                       std::move(crew),
                                       1.0,
                                       0,
                                       "",
                                       0,
                                       0,
                                       {},
                                       "",
                                       {},
                                       false,
                                       {}});
  c.modes.push_back(m);
  return c;
}

// A pair in parallel sharing one repairer: the second failure waits for the crew.
std::shared_ptr<const CompiledModel> pair_with_one_crew() {
  ModelSpec s;
  s.crews.push_back({"ops", 1, false, {}, 0});
  s.components.push_back(comp("a", 100.0, 2.0, "ops"));
  s.components.push_back(comp("b", 50.0, 2.0, "ops"));
  s.services.push_back(svc("either", gate(GateKind::any, {ref("a"), ref("b")})));
  return compile(s);
}

}  // namespace

TEST_CASE(initial_state_is_all_up_with_empty_crew_queues) {
  const auto m = pair_with_one_crew();
  const StateSpace space(*m);
  const State s0 = space.initial();
  // Two component codes, then one queue slot per component for the one crew; no standby.
  CHECK(s0.size() == 4);
  CHECK(s0[0] == 0 && s0[1] == 0);
  CHECK(s0[2] == StateSpace::kEmptySlot && s0[3] == StateSpace::kEmptySlot);
  CHECK(space.failed_count(s0) == 0);
  CHECK(space.services_up(s0) == std::vector<std::uint8_t>{1});
}

TEST_CASE(failures_leave_in_component_order_and_the_second_repair_queues) {
  const auto m = pair_with_one_crew();
  const StateSpace space(*m);
  std::vector<Transition> out;
  space.outgoing(space.initial(), out);
  CHECK(out.size() == 2);
  CHECK_NEAR(out[0].rate, 1.0 / 100.0, 1e-15);
  CHECK_NEAR(out[1].rate, 1.0 / 50.0, 1e-15);
  CHECK(space.failed_count(out[0].to) == 1);
  CHECK(out[0].to[2] == StateSpace::kEmptySlot);  // a holds the crew: nobody waits
  // From "a under repair", b can fail (and waits for the crew) or a's repair completes.
  const State a_down = out[0].to;
  space.outgoing(a_down, out);
  CHECK(out.size() == 2);
  const auto both = std::find_if(
      out.begin(), out.end(), [&](const Transition& t) { return space.failed_count(t.to) == 2; });
  CHECK(both != out.end());
  CHECK(both->to[2] == 1);  // b is first in the crew's queue
  CHECK(space.services_up(both->to) == std::vector<std::uint8_t>{0});
}

TEST_CASE(models_outside_the_chain_are_refused) {
  ModelSpec s;
  ComponentSpec c = comp("a", 100.0, 2.0);
  c.modes[0].ttf = Distribution::weibull(1.5, 100.0);
  s.components.push_back(c);
  s.services.push_back(svc("s", ref("a")));
  const auto m = compile(s);
  CHECK_THROWS_WITH(StateSpace{*m}, "not exponential");
}

TEST_CASE(equal_states_hash_equal) {
  const auto m = pair_with_one_crew();
  const StateSpace space(*m);
  State a = space.initial(), b = space.initial();
  CHECK(StateHash{}(a) == StateHash{}(b));
  b[0] = 1;
  CHECK(StateHash{}(a) != StateHash{}(b));
}

TEST_MAIN()
