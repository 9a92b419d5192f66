// Rare events: regenerative simulation of the chain with balanced failure biasing (exact.hpp).
#include "recoverysim/exact.hpp"

#include "recoverysim/random.hpp"
#include "recoverysim/state_space.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace recoverysim {

RareEventResult importance_sampling(const CompiledModel& model, const RareEventOptions& opt) {
  if (!(opt.bias > 0 && opt.bias < 1)) throw std::invalid_argument("bias must be in (0, 1)");
  if (opt.cycles < 2 || opt.plain_cycles < 2) throw std::invalid_argument("cycles must be >= 2");
  const StateSpace chain(model);
  const State s0 = chain.initial();
  const std::size_t ns = model.services.size();
  RareEventResult out;
  out.cycles = opt.cycles;
  out.plain_cycles = opt.plain_cycles;
  out.steps = 0;

  // Components whose failures are biased.
  std::vector<std::uint8_t> relevant(model.components.size(), 1);
  if (opt.target_service >= 0) {
    if (static_cast<std::size_t>(opt.target_service) >= ns)
      throw std::invalid_argument("unknown target service");
    std::fill(relevant.begin(), relevant.end(), 0);
    const auto s = static_cast<std::size_t>(opt.target_service);
    for (std::uint32_t i = model.cb_offset[s]; i < model.cb_offset[s + 1]; ++i)
      relevant[model.components_below[i]] = 1;
  }
  const auto relevant_failure = [&](const State& from, const State& to) {
    for (std::size_t c = 0; c < relevant.size(); ++c)
      if (from[c] == 0 && to[c] != 0) return relevant[c] != 0;
    return false;
  };
  std::vector<Transition> trs;
  std::vector<std::uint8_t> is_failure;  // per transition: a biased failure
  // One cycle from s0 back to s0. Returns the per-service weighted downtime (sum over down states
  // of L_entry / q), the unweighted downtime, the final likelihood ratio and the cycle length.
  auto cycle = [&](Stream& rng, bool biased, std::vector<double>& weighted,
                   std::vector<double>& raw, double& lr, double& length) {
    std::fill(weighted.begin(), weighted.end(), 0.0);
    std::fill(raw.begin(), raw.end(), 0.0);
    lr = 1.0;
    length = 0.0;
    State s = s0;
    for (std::uint64_t step = 0;; ++step) {
      if (step > 10000000)
        throw std::runtime_error("a regenerative cycle did not return to all up");
      ++out.steps;
      const std::size_t failed = chain.failed_count(s);
      chain.outgoing(s, trs);
      if (trs.empty()) throw std::runtime_error("a state of the chain has no way out");
      is_failure.resize(trs.size());
      double q = 0, qf = 0;
      std::size_t nf = 0;
      for (std::size_t j = 0; j < trs.size(); ++j) {
        const Transition& t = trs[j];
        is_failure[j] = chain.failed_count(t.to) > failed && relevant_failure(s, t.to);
        q += t.rate;
        if (is_failure[j]) {
          qf += t.rate;
          ++nf;
        }
      }
      const double hold = 1.0 / q;
      length += hold;
      const auto up = chain.services_up(s);
      for (std::size_t k = 0; k < ns; ++k)
        if (!up[k]) {
          weighted[k] += lr * hold;
          raw[k] += hold;
        }
      // Choose the next state. Balanced failure biasing: failures share a total probability
      // `bias` equally (all of it where nothing else can happen, as in the all-up state), the
      // other transitions share the rest in proportion to their rates.
      const bool mix = biased && nf > 0;
      const double pf = nf == trs.size() ? 1.0 : opt.bias;
      const double u = rng.uniform();
      double acc = 0;
      std::size_t pick = trs.size() - 1;
      double p_true = 0, p_used = 0;
      for (std::size_t j = 0; j < trs.size(); ++j) {
        const double pt = trs[j].rate / q;
        const double pu = !mix            ? pt
                          : is_failure[j] ? pf / static_cast<double>(nf)
                                          : (1 - pf) * trs[j].rate / (q - qf);
        acc += pu;
        if (u < acc) {
          pick = j;
          p_true = pt;
          p_used = pu;
          break;
        }
        if (j == trs.size() - 1) {
          p_true = pt;
          p_used = pu;
        }
      }
      lr *= p_true / p_used;
      s = std::move(trs[pick].to);  // trs is refilled at the next step
      if (s == s0) return;
    }
  };

  std::vector<double> weighted(ns), raw(ns);
  double lr = 1, length = 0;
  // Cycle length, from plain cycles.
  double t1 = 0, t2 = 0;
  for (std::uint64_t i = 0; i < opt.plain_cycles; ++i) {
    Stream rng(stream_key(opt.seed, i, StreamKind::importance, 0));
    cycle(rng, false, weighted, raw, lr, length);
    t1 += length;
    t2 += length * length;
  }
  const auto np = static_cast<double>(opt.plain_cycles);
  out.cycle_length = t1 / np;
  out.cycle_length_se =
      std::sqrt(std::max(t2 / np - out.cycle_length * out.cycle_length, 0.0) / (np - 1));
  // Downtime per cycle, from biased cycles.
  std::vector<double> d1(ns, 0), d2(ns, 0), m2(ns, 0);
  for (std::uint64_t i = 0; i < opt.cycles; ++i) {
    Stream rng(stream_key(opt.seed, i, StreamKind::importance, 1));
    cycle(rng, true, weighted, raw, lr, length);
    for (std::size_t k = 0; k < ns; ++k) {
      d1[k] += weighted[k];
      d2[k] += weighted[k] * weighted[k];
      m2[k] += lr * raw[k] * raw[k];
    }
  }
  const auto nb = static_cast<double>(opt.cycles);
  for (std::size_t k = 0; k < ns; ++k) {
    const double mean = d1[k] / nb;
    const double var = std::max(d2[k] / nb - mean * mean, 0.0) * nb / (nb - 1);
    out.services.push_back({mean, std::sqrt(var / nb), m2[k] / nb});
  }
  return out;
}

}  // namespace recoverysim
