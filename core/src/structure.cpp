// Structure function of independent components, exact with shared components.
#include "recoverysim/exact.hpp"

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace recoverysim {

std::vector<double> structure_availability(const CompiledModel& m, const std::vector<double>& a) {
  const std::size_t nc = m.components.size();
  if (a.size() != nc)
    throw std::invalid_argument("structure_availability: need one availability per component");
  for (std::size_t c = 0; c < nc; ++c)
    if (!(a[c] >= 0 && a[c] <= 1))
      throw std::invalid_argument("structure_availability: availability of component '" +
                                  m.components[c].name + "' must be in [0, 1]");
  for (const auto& g : m.gates)
    if (g.kind == GateKind::standby)
      throw std::invalid_argument(
          "structure_availability: a standby group's members are not independent; use the Markov "
          "solver");
  // Components beneath each node.
  const std::size_t nn = m.n_nodes();
  std::vector<std::set<std::uint32_t>> below(nn);
  std::function<const std::set<std::uint32_t>&(std::uint32_t)> comps =
      [&](std::uint32_t node) -> const std::set<std::uint32_t>& {
    auto& b = below[node];
    if (!b.empty()) return b;
    if (node < nc) {
      b.insert(node);
      return b;
    }
    const std::size_t g = node - nc;
    for (std::uint32_t i = m.child_offset[g]; i < m.child_offset[g + 1]; ++i) {
      const auto& cb = comps(m.children[i]);
      b.insert(cb.begin(), cb.end());
    }
    return b;
  };
  std::vector<std::int8_t> fixed(nc, -1);  // -1 free, 0 down, 1 up
  std::function<double(std::uint32_t)> prob;
  // Independent children of a weighted gate: the distribution of the up weight by dynamic
  // programming over the children (one entry per distinct partial sum; a partial sum that
  // already meets the threshold, or can no longer reach it, leaves the table at once).
  const auto weighted_prob = [&](const Gate& gate, std::size_t g) -> double {
    std::map<double, double> dist{{0.0, 1.0}};
    double rest = gate.total, done = 0;
    for (std::uint32_t i = m.child_offset[g]; i < m.child_offset[g + 1]; ++i) {
      const double p = prob(m.children[i]), w = m.child_weight[i];
      rest -= w;
      std::map<double, double> nd;
      for (const auto& [sum, q] : dist) {
        for (const auto& [s, pq] : {std::pair{sum + w, q * p}, std::pair{sum, q * (1 - p)}}) {
          if (pq == 0) continue;
          if (weight_holds(gate, s))
            done += pq;
          else if (weight_holds(gate, s + rest + 1e-9 * gate.total))
            nd[s] += pq;
        }
      }
      if (nd.size() > (1u << 22))
        throw std::invalid_argument(
            "structure_availability: a weighted group has too many distinct partial sums of "
            "weights for the exact structure function");
      dist.swap(nd);
    }
    return done;
  };
  prob = [&](std::uint32_t node) -> double {
    if (node < nc) return fixed[node] >= 0 ? fixed[node] : a[node];
    const std::size_t g = node - nc;
    // A free component under two or more children makes them dependent: condition on it.
    std::map<std::uint32_t, int> count;
    for (std::uint32_t i = m.child_offset[g]; i < m.child_offset[g + 1]; ++i)
      for (std::uint32_t c : comps(m.children[i]))
        if (fixed[c] < 0) ++count[c];
    std::uint32_t pivot = 0;
    int best = 1;
    for (const auto& [c, k] : count)
      if (k > best) {
        best = k;
        pivot = c;
      }
    if (best > 1) {
      fixed[pivot] = 1;
      const double up = prob(node);
      fixed[pivot] = 0;
      const double down = prob(node);
      fixed[pivot] = -1;
      return a[pivot] * up + (1 - a[pivot]) * down;
    }
    if (m.gates[g].kind == GateKind::weighted) return weighted_prob(m.gates[g], g);
    // Independent children: P(at least k up) by dynamic programming over the children.
    std::vector<double> dist{1.0};
    for (std::uint32_t i = m.child_offset[g]; i < m.child_offset[g + 1]; ++i) {
      const double p = prob(m.children[i]);
      std::vector<double> nd(dist.size() + 1, 0.0);
      for (std::size_t j = 0; j < dist.size(); ++j) {
        nd[j] += dist[j] * (1 - p);
        nd[j + 1] += dist[j] * p;
      }
      dist.swap(nd);
    }
    double r = 0;
    for (std::size_t j = static_cast<std::size_t>(m.gates[g].k); j < dist.size(); ++j) r += dist[j];
    return r;
  };
  std::vector<double> out;
  for (const auto& s : m.services) out.push_back(prob(s.node));
  return out;
}

}  // namespace recoverysim