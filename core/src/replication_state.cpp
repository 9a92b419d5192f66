#include "recoverysim/replication_state.hpp"

#include <algorithm>

namespace recoverysim {

ReplicationStreams::ReplicationStreams(const CompiledModel& m)
    : failure(m.modes.size()),
      recovery(m.modes.size()),
      cascade(m.modes.size()),
      shock(m.shocks.size()),
      switchover(m.gates.size()),
      data(m.components.size()),
      forced(m.forced.size()),
      spare(m.spares.size()) {
  for (const SparePool& p : m.spares)
    spare_key.push_back(entity_key(StreamKind::spare, p.name_hash));
  for (const Mode& mode : m.modes) {
    const std::uint64_t comp = m.components[mode.component].name_hash;
    failure_key.push_back(entity_key(StreamKind::failure, comp, mode.name_hash));
    recovery_key.push_back(entity_key(StreamKind::recovery, comp, mode.name_hash));
    cascade_key.push_back(entity_key(StreamKind::cascade, comp, mode.name_hash));
  }
  for (const Shock& sh : m.shocks) shock_key.push_back(entity_key(StreamKind::shock, sh.name_hash));
  for (const Gate& g : m.gates)
    switchover_key.push_back(entity_key(StreamKind::switchover, g.name_hash));
  for (const Component& c : m.components)
    data_key.push_back(entity_key(StreamKind::backup, c.name_hash, ~0ULL));
}

// Streams no entity of the model draws from are left alone: reseeding costs as much as a draw.
void ReplicationStreams::reset(const CompiledModel& m, std::uint64_t seed, std::uint64_t rep) {
  replication_key = recoverysim::replication_key(seed, rep);
  const std::uint64_t r = replication_key;
  for (std::size_t i = 0; i < m.modes.size(); ++i) {
    failure[i].reset(combine(r, failure_key[i]));
    recovery[i].reset(combine(r, recovery_key[i]));
    if (m.modes[i].n_cascades) cascade[i].reset(combine(r, cascade_key[i]));
  }
  for (std::size_t k = 0; k < m.shocks.size(); ++k) shock[k].reset(combine(r, shock_key[k]));
  for (std::size_t g = 0; g < m.gates.size(); ++g)
    if (m.gates[g].kind == GateKind::standby) switchover[g].reset(combine(r, switchover_key[g]));
  if (m.has_data)
    for (std::size_t c = 0; c < m.components.size(); ++c) data[c].reset(combine(r, data_key[c]));
  for (std::size_t i = 0; i < m.forced.size(); ++i) forced[i].reset(combine(r, m.forced[i].key));
  for (std::size_t p = 0; p < m.spares.size(); ++p) spare[p].reset(combine(r, spare_key[p]));
}

ComponentState::ComponentState(const CompiledModel& m) : items(m.components.size()) {}

void ComponentState::reset(const CompiledModel& m) {
  for (std::size_t c = 0; c < items.size(); ++c) {
    One& x = items[c];
    x.up = 1;
    x.failed = 0;
    x.held = 0;
    x.gen = 0;
    x.down_since = 0.0;
    x.services_up_above = static_cast<std::int32_t>(m.sa_offset[c + 1] - m.sa_offset[c]);
  }
}

RecoveryState::RecoveryState(const CompiledModel& m)
    : procedure(m.components.size()), step(m.components.size()), attempts(m.components.size()) {}

void RecoveryState::reset() { std::fill(procedure.begin(), procedure.end(), -1); }

DataState::DataState(const CompiledModel& m)
    : recovery_point(m.components.size()), up_since(m.components.size()) {}

void DataState::reset() {
  std::fill(recovery_point.begin(), recovery_point.end(), 0.0);
  std::fill(up_since.begin(), up_since.end(), 0.0);
}

GateState::GateState(const CompiledModel& m)
    : up_children(m.gates.size()), up(m.gates.size()), up_weight(m.gates.size()) {}

void GateState::reset(const CompiledModel& m) {
  for (std::size_t g = 0; g < m.gates.size(); ++g) {
    up_children[g] = m.gates[g].n;
    up_weight[g] = m.gates[g].total;
  }
  std::fill(up.begin(), up.end(), 1);
}

StandbyState::StandbyState(const CompiledModel& m)
    : active(m.gates.size()), target(m.gates.size()), phase(m.gates.size()), gen(m.gates.size()) {}

void StandbyState::reset() {
  std::fill(active.begin(), active.end(), 0);
  std::fill(target.begin(), target.end(), -1);
  std::fill(phase.begin(), phase.end(), StandbyPhase::serving);
  std::fill(gen.begin(), gen.end(), 0);
}

PhaseLedger::PhaseLedger(const CompiledModel& m)
    : n_phases(m.phases.size()),
      current(m.n_nodes()),
      start(m.n_nodes()),
      spent(m.n_nodes() * m.phases.size()),
      entered(m.n_nodes()) {}

void PhaseLedger::reset() {
  std::fill(current.begin(), current.end(), -1);
  std::fill(start.begin(), start.end(), 0.0);
  std::fill(spent.begin(), spent.end(), 0.0);
  std::fill(entered.begin(), entered.end(), 0);
}

OpenOutages::OpenOutages(const CompiledModel& m)
    : n_phases(m.phases.size()),
      down_since(m.services.size()),
      cause(m.services.size()),
      blame(m.services.size()),
      frozen(m.services.size()),
      snapshot(m.services.size() * m.phases.size()),
      breakdown(m.services.size() * m.phases.size()),
      blamed_open(m.n_nodes()) {}

void OpenOutages::reset() {
  std::fill(down_since.begin(), down_since.end(), 0.0);
  std::fill(cause.begin(), cause.end(), -1);
  std::fill(blame.begin(), blame.end(), 0);
  std::fill(frozen.begin(), frozen.end(), 0);
  std::fill(snapshot.begin(), snapshot.end(), 0.0);
  std::fill(breakdown.begin(), breakdown.end(), 0.0);
  std::fill(blamed_open.begin(), blamed_open.end(), 0);
}

}  // namespace recoverysim
