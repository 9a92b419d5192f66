// The engine's per-replication state: every struct's reset brings back the start of a
// replication whatever the previous one left, and the standby phase moves as documented.
#include <string>
#include <vector>

#include "check.hpp"
#include "recoverysim/crew_scheduler.hpp"
#include "recoverysim/replication_state.hpp"
#include "spec_helpers.hpp"

using namespace recoverysim;
using spec::gate;
using spec::ref;
using spec::svc;

namespace {

ComponentSpec comp(const std::string& name, std::string crew = "") {
  ComponentSpec c;
  c.name = name;
  FailureModeSpec m;
  m.ttf = Distribution::exponential(100.0);
  m.procedure.steps.push_back(StepSpec{"repair",
                                       Distribution::exponential(2.0),
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

// Components a, b (standby pair, service "db") and c, d, e (2-of-3, service "front"), all under
// "app"; a crew of two.
std::shared_ptr<const CompiledModel> model() {
  ModelSpec s;
  s.crews.push_back({"ops", 2, false, {}, 0});
  for (const char* n : {"a", "b", "c", "d", "e"}) s.components.push_back(comp(n, "ops"));
  s.services.push_back(svc("db", gate(GateKind::standby, {ref("a"), ref("b")})));
  s.services.push_back(svc("front", gate(GateKind::k_of_n, {ref("c"), ref("d"), ref("e")}, 2)));
  s.services.push_back(svc("app", gate(GateKind::all, {ref("db"), ref("front")})));
  return compile(s);
}

std::uint32_t standby_gate(const CompiledModel& m) {
  return static_cast<std::uint32_t>(m.components[0].standby_gate);
}

}  // namespace

TEST_CASE(component_state_reset) {
  const auto m = model();
  ComponentState s(*m);
  s.reset(*m);
  s[1].up = 0;
  s[1].failed = 1;
  s[2].held = 3;
  s[0].gen = 17;
  s[1].down_since = 5.0;
  s[0].services_up_above = 0;
  s.reset(*m);
  for (std::size_t c = 0; c < m->components.size(); ++c) {
    CHECK(s[c].up == 1);
    CHECK(s[c].failed == 0);
    CHECK(s[c].held == 0);
    CHECK(s[c].gen == 0);
    CHECK(s[c].down_since == 0.0);
  }
  // a is beneath db and app; c beneath front and app.
  CHECK(s[0].services_up_above == 2);
  CHECK(s[2].services_up_above == 2);
}

TEST_CASE(recovery_and_data_state_reset) {
  const auto m = model();
  RecoveryState r(*m);
  DataState d(*m);
  r.procedure[3] = 0;
  d.recovery_point[3] = 12.0;
  d.up_since[3] = 40.0;
  r.reset();
  d.reset();
  for (std::size_t c = 0; c < m->components.size(); ++c) {
    CHECK(r.procedure[c] == -1);
    CHECK(d.recovery_point[c] == 0.0);
    CHECK(d.up_since[c] == 0.0);
  }
}

TEST_CASE(gate_state_reset) {
  const auto m = model();
  GateState s(*m);
  s.reset(*m);
  for (std::size_t g = 0; g < m->gates.size(); ++g) {
    CHECK(s.up[g] == 1);
    CHECK(s.up_children[g] == m->gates[g].n);
    s.up[g] = 0;
    s.up_children[g] = 0;
  }
  s.reset(*m);
  for (std::size_t g = 0; g < m->gates.size(); ++g) CHECK(s.up[g] == 1);
}

TEST_CASE(crew_scheduler_is_fifo_and_resets) {
  const auto m = model();
  CrewScheduler s(*m);
  s.reset();
  std::vector<CrewAction> out;
  const std::uint32_t step = m->procedures[0].first_step;  // every component's step needs 1 of ops
  s.request(0, step, 0, out);
  s.request(2, step, 0, out);
  CHECK(out.size() == 2 && out[0].component == 0 && out[1].component == 2);  // both start
  out.clear();
  s.request(3, step, 0, out);
  s.request(1, step, 0, out);
  CHECK(out.empty() && !s.holding(3) && !s.holding(1));  // both members busy: they wait
  s.release(2, out);
  CHECK(out.size() == 1 && out[0].kind == CrewAction::start && out[0].component == 3);  // FIFO
  out.clear();
  s.release(0, out);
  CHECK(out.size() == 1 && out[0].component == 1);
  out.clear();
  s.request(4, step, 0, out);
  CHECK(out.empty());
  s.reset();
  s.request(4, step, 0, out);
  CHECK(out.size() == 1 && out[0].component == 4 && s.holding(4));  // reset: both members idle
}

TEST_CASE(phase_ledger_accumulates_and_resets) {
  const auto m = model();
  PhaseLedger s(*m);
  s.reset();
  const std::size_t np = s.n_phases;
  CHECK(np == m->phases.size());
  s.begin_incident(2);
  s.enter(2, 0, 1.0);
  s.enter(2, static_cast<std::int32_t>(m->phase_crew_wait), 3.5);
  s.enter(2, -1, 4.0);
  CHECK(s.spent[2 * np + 0] == 2.5);
  CHECK(s.spent[2 * np + m->phase_crew_wait] == 0.5);
  CHECK(s.current[2] == -1);
  s.enter(2, 0, 5.0);
  s.begin_incident(2);  // a new incident starts from nothing
  CHECK(s.current[2] == -1 && s.spent[2 * np + 0] == 0.0);
  s.enter(1, 0, 1.0);
  s.reset();
  for (std::size_t n = 0; n < m->n_nodes(); ++n) CHECK(s.current[n] == -1);
  for (double x : s.spent) CHECK(x == 0.0);
}

TEST_CASE(open_outages_reset) {
  const auto m = model();
  OpenOutages s(*m);
  s.frozen[1] = 1;
  s.blamed_open[4] = 2;
  s.cause[0] = 3;
  s.snapshot[0] = 1.0;
  s.reset();
  for (std::size_t i = 0; i < m->services.size(); ++i) {
    CHECK(s.frozen[i] == 0);
    CHECK(s.cause[i] == -1);
  }
  for (std::int32_t x : s.blamed_open) CHECK(x == 0);
  for (double x : s.snapshot) CHECK(x == 0.0);
}

TEST_CASE(slot_pool_reuses_released_slots_last_in_first_out) {
  SlotPool<PendingCascade> p;
  CHECK(p.acquire() == 0);
  CHECK(p.acquire() == 1);
  CHECK(p.acquire() == 2);
  p.release(0);
  p.release(2);
  CHECK(p.acquire() == 2);
  CHECK(p.acquire() == 0);
  CHECK(p.acquire() == 3);
  p.reset();
  CHECK(p.items.empty() && p.free.empty());
  CHECK(p.acquire() == 0);
}

TEST_CASE(standby_phase_transitions) {
  const auto m = model();
  const std::uint32_t g = standby_gate(*m);
  StandbyState s(*m);
  s.reset();
  CHECK(s.phase[g] == StandbyPhase::serving && s.active[g] == 0 && s.target[g] == -1);
  // Serving: only the active member's loss matters; nobody "returns".
  CHECK(s.loses_active(g, 0) && !s.loses_active(g, 1));
  CHECK(!s.loses_target(g, 1));
  CHECK(!s.resumes_with(g, 0) && !s.resumes_with(g, 1));
  // Detecting: the failed active member may come back first; a spare's return does not matter.
  s.detecting(g);
  CHECK(s.phase[g] == StandbyPhase::detecting);
  CHECK(!s.loses_active(g, 0));
  CHECK(s.resumes_with(g, 0) && !s.resumes_with(g, 1));
  // Switching to member 1: losing it sends the group back to looking for a spare.
  s.switching(g, 1);
  CHECK(s.phase[g] == StandbyPhase::switching && s.target[g] == 1);
  CHECK(s.loses_target(g, 1) && !s.loses_target(g, 0));
  CHECK(s.resumes_with(g, 0) && !s.resumes_with(g, 1));
  // No spare: any member's return resumes service.
  s.no_spare(g);
  CHECK(s.phase[g] == StandbyPhase::no_spare && s.target[g] == -1);
  CHECK(s.resumes_with(g, 0) && s.resumes_with(g, 1));
  CHECK(!s.loses_target(g, 1));
  // Serving again on member 1 (non-revertive: it stays active).
  s.serving(g, 1);
  CHECK(s.phase[g] == StandbyPhase::serving && s.active[g] == 1 && s.target[g] == -1);
  CHECK(s.loses_active(g, 1) && !s.loses_active(g, 0));
  s.gen[g] = 9;
  s.reset();
  CHECK(s.phase[g] == StandbyPhase::serving && s.active[g] == 0 && s.gen[g] == 0);
}

TEST_CASE(streams_reset_is_a_pure_function_of_seed_and_replication) {
  const auto m = model();
  ReplicationStreams a(*m), b(*m);
  a.reset(*m, 7, 3);
  const double first = a.failure[1].uniform();
  a.recovery[0].uniform();
  b.reset(*m, 7, 2);
  b.reset(*m, 7, 3);  // whatever came before
  CHECK(b.failure[1].uniform() == first);
  a.reset(*m, 7, 3);
  CHECK(a.failure[1].uniform() == first);
  CHECK(a.replication_key == replication_key(7, 3));
  const std::uint32_t g = standby_gate(*m);
  Stream expected(stream_key(7, 3, StreamKind::switchover, m->gates[g].name_hash));
  CHECK(a.switchover[g].uniform() == expected.uniform());
}

TEST_MAIN()
