// Per-target shock outages (issue 14): a region outage whose components come back at different
// times. A hold shock with `per_target` draws one outage per hit target (in target order, after
// the hits) instead of one for all; with `stagger` each target is also released a drawn delay
// after its outage ends (a shared outage plus per-target recovery). Draws come from the shock's
// own stream, after its hit draws: shocks without these options draw exactly as before.
#include "recoverysim/simulator.hpp"

namespace recoverysim {

void Replicator::per_target_ends(std::uint32_t k, double t, Stream& st, std::uint32_t slot) {
  const Shock& sh = m_.shocks[k];
  // The held targets move to one slot each (the first keeps the shock's slot).
  const std::vector<std::uint32_t> held = holds_.items[slot];
  if (held.empty()) {
    holds_.release(slot);
    return;
  }
  const double shared = sh.per_target ? 0.0 : sh.outage.sample(st);
  for (std::size_t i = 0; i < held.size(); ++i) {
    double d = sh.per_target ? sh.outage.sample(st) : shared;
    if (sh.has_stagger) d += sh.stagger.sample(st);
    const std::uint32_t own = i == 0 ? slot : holds_.acquire();
    holds_.items[own].assign(1, held[i]);
    const double end = t + d;
    if (end < opt_.horizon)
      queue_.push(end, own, 0, EventType::shock_end);
    else
      holds_.release(own);  // held to the horizon; the slot is free for reuse
  }
}

}  // namespace recoverysim
