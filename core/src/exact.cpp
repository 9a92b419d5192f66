#include "recoverysim/exact.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace recoverysim {

namespace {

[[noreturn]] void unsupported(const std::string& what) {
  throw std::invalid_argument("the Markov solver cannot express this model: " + what);
}

std::string q(const std::string& s) { return "'" + s + "'"; }

using State = std::vector<std::uint16_t>;

struct StateHash {
  std::size_t operator()(const State& s) const noexcept {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (std::uint16_t x : s) {
      h ^= x;
      h *= 0x100000001B3ULL;
    }
    return static_cast<std::size_t>(h);
  }
};

constexpr std::uint16_t kEmpty = 0xFFFF;

// Builds the chain. State layout: one code per component (0 up; else the failure mode, step
// and whether it is waiting for or held by its crew), then one FIFO queue per crew (component
// ids, kEmpty-padded), then (active member, no-spare flag) per standby group.
class ChainBuilder {
 public:
  ChainBuilder(const CompiledModel& m, const MarkovOptions& o) : m_(m), opt_(o) {
    check();
    nc_ = m_.components.size();
    for (std::size_t g = 0; g < m_.gates.size(); ++g)
      if (m_.gates[g].kind == GateKind::standby) standby_.push_back(g);
    for (const auto& c : m_.components)
      for (std::uint32_t i = 0; i < c.n_modes; ++i) {
        const Procedure& p =
            m_.procedures[static_cast<std::size_t>(m_.modes[c.first_mode + i].procedure)];
        max_steps_ = std::max<std::size_t>(max_steps_, p.n_steps);
        max_modes_ = std::max<std::size_t>(max_modes_, c.n_modes);
      }
    crew_base_ = nc_;
    sb_base_ = crew_base_ + m_.crew_sizes.size() * nc_;
    size_ = sb_base_ + 2 * standby_.size();
  }

  State initial() const {
    State s0(size_, 0);
    for (std::size_t k = 0; k < m_.crew_sizes.size(); ++k)
      std::fill_n(s0.begin() + static_cast<std::ptrdiff_t>(crew_base_ + k * nc_), nc_, kEmpty);
    return s0;
  }
  std::size_t failed_count(const State& s) const {
    std::size_t n = 0;
    for (std::size_t c = 0; c < nc_; ++c) n += s[c] != 0;
    return n;
  }
  template <class Emit>
  void outgoing(const State& s, Emit&& emit) {
    transitions(s, emit);
  }
  std::vector<std::uint8_t> services_up(const State& s) const { return eval_services(s); }

  MarkovSolution build() {
    State s0(size_, 0);
    for (std::size_t k = 0; k < m_.crew_sizes.size(); ++k)
      std::fill_n(s0.begin() + static_cast<std::ptrdiff_t>(crew_base_ + k * nc_), nc_, kEmpty);
    index(s0);
    MarkovSolution sol;
    std::vector<std::pair<double, State>> out;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const State s = states_[i];  // copy: states_ grows
      std::map<std::uint32_t, double> row;
      transitions(s, [&](double rate, const State& t) {
        if (rate <= 0) return;
        const std::uint32_t j = index(t);
        if (j != i) row[j] += rate;
      });
      double exit = 0;
      for (const auto& [j, r] : row) {
        sol.from_.push_back(static_cast<std::uint32_t>(i));
        sol.to_.push_back(j);
        sol.rate_.push_back(r);
        exit += r;
      }
      sol.exit_.push_back(exit);
    }
    sol.n_states_ = states_.size();
    sol.n_transitions_ = sol.rate_.size();
    sol.n_services_ = m_.services.size();
    sol.up_.resize(states_.size() * sol.n_services_);
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const auto up = eval_services(states_[i]);
      for (std::size_t s = 0; s < sol.n_services_; ++s) sol.up_[i * sol.n_services_ + s] = up[s];
    }
    return sol;
  }

 private:
  // --- what the chain can express ------------------------------------------------------------
  void check() {
    if (!m_.shocks.empty())
      unsupported("shock " + q(m_.shocks[0].name) + " (shocks are not in the chain)");
    if (!m_.maintenance.empty())
      unsupported("maintenance windows (deterministic schedules are not Markovian)");
    if (!m_.cascades.empty()) unsupported("cascades (their delays are not in the chain)");
    for (const auto& c : m_.components) {
      for (std::uint32_t i = 0; i < c.n_modes; ++i) {
        const Mode& md = m_.modes[c.first_mode + i];
        const std::string where = "component " + q(c.name) + ", failure mode " + q(md.name);
        if (!md.ttf.is_exponential())
          unsupported(where + ": time to failure is " + dist_kind_name(md.ttf.kind()) +
                      ", not exponential");
        const Procedure& p = m_.procedures[static_cast<std::size_t>(md.procedure)];
        for (std::uint32_t k = 0; k < p.n_steps; ++k) {
          const Step& st = m_.steps[p.first_step + k];
          const std::string sw = where + ", step " + std::to_string(k + 1);
          if (!st.duration.is_exponential())
            unsupported(sw + ": duration is " + dist_kind_name(st.duration.kind()) +
                        ", not exponential");
          if (st.inspection_interval > 0)
            unsupported(sw + ": periodic inspections are not Markovian");
          if (st.escalate >= 0) unsupported(sw + ": escalation to another procedure");
          if (!(st.success > 0)) unsupported(sw + ": success probability 0");
        }
      }
    }
    for (const auto& g : m_.gates) {
      if (g.kind != GateKind::standby) continue;
      const auto zero = [](const Distribution& d) {
        return d.kind() == DistKind::deterministic && d.mean() == 0;
      };
      if (!zero(g.standby.detection) || !zero(g.standby.switchover))
        unsupported(
            "a standby group with a detection or switchover time (only instant switchover)");
    }
  }

  std::uint32_t index(const State& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    if (states_.size() >= opt_.max_states)
      throw std::invalid_argument("the Markov chain has more than " +
                                  std::to_string(opt_.max_states) +
                                  " states (limit max_states); simulate instead");
    const auto id = static_cast<std::uint32_t>(states_.size());
    states_.push_back(s);
    ids_.emplace(s, id);
    return id;
  }

  // --- state accessors ---------------------------------------------------------------------------
  struct Where {
    std::uint32_t mode;  // local mode index
    std::uint32_t step;
    bool in_service;
  };
  Where decode(std::uint16_t code) const {
    const std::uint32_t x = code - 1u;
    return {static_cast<std::uint32_t>(x / 2 / max_steps_),
            static_cast<std::uint32_t>(x / 2 % max_steps_), (x % 2) == 1};
  }
  std::uint16_t encode(std::uint32_t mode, std::uint32_t step, bool in_service) const {
    return static_cast<std::uint16_t>(1 + (mode * max_steps_ + step) * 2 + (in_service ? 1 : 0));
  }
  const Step& step_of(std::size_t c, std::uint32_t mode, std::uint32_t step) const {
    const Mode& md = m_.modes[m_.components[c].first_mode + mode];
    return m_.steps[m_.procedures[static_cast<std::size_t>(md.procedure)].first_step + step];
  }
  std::uint32_t n_steps(std::size_t c, std::uint32_t mode) const {
    const Mode& md = m_.modes[m_.components[c].first_mode + mode];
    return m_.procedures[static_cast<std::size_t>(md.procedure)].n_steps;
  }
  int busy(const State& s, std::int32_t crew) const {
    int n = 0;
    for (std::size_t c = 0; c < nc_; ++c) {
      if (s[c] == 0) continue;
      const Where w = decode(s[c]);
      if (w.in_service && step_of(c, w.mode, w.step).crew == crew) ++n;
    }
    return n;
  }
  void enqueue(State& s, std::int32_t crew, std::size_t c) const {
    const std::size_t base = crew_base_ + static_cast<std::size_t>(crew) * nc_;
    for (std::size_t i = 0; i < nc_; ++i)
      if (s[base + i] == kEmpty) {
        s[base + i] = static_cast<std::uint16_t>(c);
        return;
      }
  }
  // Hands a released crew unit to the longest-waiting component, if any.
  void release(State& s, std::int32_t crew) const {
    const std::size_t base = crew_base_ + static_cast<std::size_t>(crew) * nc_;
    if (s[base] == kEmpty) return;
    const std::size_t next = s[base];
    std::copy(s.begin() + static_cast<std::ptrdiff_t>(base + 1),
              s.begin() + static_cast<std::ptrdiff_t>(base + nc_),
              s.begin() + static_cast<std::ptrdiff_t>(base));
    s[base + nc_ - 1] = kEmpty;
    const Where w = decode(s[next]);
    s[next] = encode(w.mode, w.step, true);
  }
  void enter_step(State& s, std::size_t c, std::uint32_t mode, std::uint32_t step) const {
    const Step& st = step_of(c, mode, step);
    if (st.crew >= 0 && busy(s, st.crew) >= m_.crew_sizes[static_cast<std::size_t>(st.crew)]) {
      s[c] = encode(mode, step, false);
      enqueue(s, st.crew, c);
    } else {
      s[c] = encode(mode, step, true);
    }
  }
  std::size_t sb_slot(std::size_t g) const {
    return sb_base_ + 2 * static_cast<std::size_t>(std::find(standby_.begin(), standby_.end(), g) -
                                                   standby_.begin());
  }

  // --- services ---------------------------------------------------------------------------------
  std::vector<std::uint8_t> eval_nodes(const State& s) const {
    const std::size_t nn = m_.n_nodes();
    std::vector<std::int8_t> memo(nn, -1);
    std::function<bool(std::uint32_t)> up = [&](std::uint32_t node) -> bool {
      if (node < nc_) return s[node] == 0;
      if (memo[node] >= 0) return memo[node];
      const std::size_t g = node - nc_;
      const Gate& gate = m_.gates[g];
      bool r;
      if (gate.kind == GateKind::standby) {
        const std::size_t slot = sb_slot(g);
        r = s[slot + 1] == 0 && s[m_.children[m_.child_offset[g] + s[slot]]] == 0;
      } else {
        int n = 0;
        for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
          n += up(m_.children[i]);
        r = n >= gate.k;
      }
      memo[node] = r;
      return r;
    };
    std::vector<std::uint8_t> out(nn);
    for (std::uint32_t i = 0; i < nn; ++i) out[i] = up(i);
    return out;
  }
  std::vector<std::uint8_t> eval_services(const State& s) const {
    const auto nodes = eval_nodes(s);
    std::vector<std::uint8_t> out;
    for (const auto& sv : m_.services) out.push_back(nodes[sv.node]);
    return out;
  }

  // The ageing rate of an up component in state s (mirrors Replicator::nominal_rate).
  double rate_factor(const State& s, std::size_t c, const std::vector<std::uint8_t>& nodes) const {
    const Component& comp = m_.components[c];
    double r = 1.0;
    if (comp.standby_gate >= 0 &&
        s[sb_slot(static_cast<std::size_t>(comp.standby_gate))] != comp.standby_member)
      r = m_.gates[static_cast<std::size_t>(comp.standby_gate)].standby.dormancy;
    if (comp.load_gate >= 0) {
      const auto g = static_cast<std::size_t>(comp.load_gate);
      int down = 0;
      for (std::uint32_t i = m_.child_offset[g]; i < m_.child_offset[g + 1]; ++i)
        down += s[m_.children[i]] != 0;
      r *= 1.0 + m_.gates[g].load_sharing * down;
    }
    if (!m_.age_when_down && m_.sa_offset[c + 1] > m_.sa_offset[c]) {
      bool any_up = false;
      for (std::uint32_t i = m_.sa_offset[c]; i < m_.sa_offset[c + 1]; ++i)
        any_up |= nodes[m_.services[m_.services_above[i]].node] != 0;
      if (!any_up) r = 0.0;
    }
    return r;
  }

  // --- transitions ------------------------------------------------------------------------------
  template <class Emit>
  void transitions(const State& s, Emit&& emit) {
    const auto nodes = eval_nodes(s);
    for (std::size_t c = 0; c < nc_; ++c) {
      const Component& comp = m_.components[c];
      if (s[c] == 0) {
        const double factor = rate_factor(s, c, nodes);
        if (factor <= 0) continue;
        for (std::uint32_t i = 0; i < comp.n_modes; ++i) {
          const double lambda = factor / m_.modes[comp.first_mode + i].ttf.mean();
          State t = s;
          enter_step(t, c, i, 0);
          standby_lost(t, c, [&](double p, const State& u) { emit(lambda * p, u); });
        }
        continue;
      }
      const Where w = decode(s[c]);
      if (!w.in_service) continue;
      const Step& st = step_of(c, w.mode, w.step);
      const double mu = 1.0 / st.duration.mean();
      // Success: release the crew unit, then the next step or back in service.
      {
        State t = s;
        t[c] = encode(w.mode, w.step, false);  // not holding the unit while it is passed on
        if (st.crew >= 0) release(t, st.crew);
        if (w.step + 1 < n_steps(c, w.mode)) {
          enter_step(t, c, w.mode, w.step + 1);
        } else {
          t[c] = 0;
          if (comp.standby_gate >= 0) {
            const std::size_t slot = sb_slot(static_cast<std::size_t>(comp.standby_gate));
            if (t[slot + 1]) {  // no spare was serving: this member serves
              t[slot] = static_cast<std::uint16_t>(comp.standby_member);
              t[slot + 1] = 0;
            }
          }
        }
        emit(mu * st.success, t);
      }
      if (st.success < 1.0) {  // a failed attempt: release, then queue again for the same step
        State t = s;
        t[c] = encode(w.mode, w.step, false);
        if (st.crew >= 0) release(t, st.crew);
        enter_step(t, c, w.mode, w.step);
        emit(mu * (1.0 - st.success), t);
      }
    }
  }

  // Component c just went down in state t: if it was the active member of a standby group,
  // the next up member takes over instantly with probability `success`.
  template <class Emit>
  void standby_lost(State& t, std::size_t c, Emit&& emit) const {
    const Component& comp = m_.components[c];
    if (comp.standby_gate < 0) {
      emit(1.0, t);
      return;
    }
    const auto g = static_cast<std::size_t>(comp.standby_gate);
    const std::size_t slot = sb_slot(g);
    if (t[slot + 1] || t[slot] != comp.standby_member) {
      emit(1.0, t);
      return;
    }
    const std::int32_t n = m_.gates[g].n;
    std::int32_t target = -1;
    for (std::int32_t k = 1; k < n && target < 0; ++k) {
      const std::int32_t j = (comp.standby_member + k) % n;
      if (t[m_.children[m_.child_offset[g] + static_cast<std::uint32_t>(j)]] == 0) target = j;
    }
    if (target < 0) {
      t[slot + 1] = 1;
      emit(1.0, t);
      return;
    }
    const double p = m_.gates[g].standby.success;
    if (p > 0) {
      State a = t;
      a[slot] = static_cast<std::uint16_t>(target);
      emit(p, a);
    }
    if (p < 1) {
      State b = t;
      b[slot + 1] = 1;
      emit(1 - p, b);
    }
  }

  const CompiledModel& m_;
  MarkovOptions opt_;
  std::size_t nc_ = 0, max_steps_ = 1, max_modes_ = 1, crew_base_ = 0, sb_base_ = 0, size_ = 0;
  std::vector<std::size_t> standby_;
  std::vector<State> states_;
  std::unordered_map<State, std::uint32_t, StateHash> ids_;
};

using SpMat = Eigen::SparseMatrix<double>;

}  // namespace

RareEventResult importance_sampling(const CompiledModel& model, const RareEventOptions& opt) {
  if (!(opt.bias > 0 && opt.bias < 1)) throw std::invalid_argument("bias must be in (0, 1)");
  if (opt.cycles < 2 || opt.plain_cycles < 2) throw std::invalid_argument("cycles must be >= 2");
  ChainBuilder chain(model, MarkovOptions{});
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
  struct Tr {
    double rate;
    State to;
    bool failure;
  };
  std::vector<Tr> trs;
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
      trs.clear();
      const std::size_t failed = chain.failed_count(s);
      chain.outgoing(s, [&](double rate, const State& t) {
        if (rate > 0)
          trs.push_back({rate, t, chain.failed_count(t) > failed && relevant_failure(s, t)});
      });
      if (trs.empty()) throw std::runtime_error("a state of the chain has no way out");
      double q = 0, qf = 0;
      std::size_t nf = 0;
      for (const auto& t : trs) {
        q += t.rate;
        if (t.failure) {
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
        const double pu = !mix             ? pt
                          : trs[j].failure ? pf / static_cast<double>(nf)
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
      s = trs[pick].to;
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

// ---------------------------------------------------------------------------------------------
// Solving

MarkovSolution solve_markov(const CompiledModel& model, const MarkovOptions& options) {
  MarkovSolution sol = ChainBuilder(model, options).build();
  const auto n = static_cast<Eigen::Index>(sol.n_states_);
  const std::size_t ns = sol.n_services_;

  // Steady state: pi Q = 0 and sum(pi) = 1, i.e. Q^T pi = 0 with the last equation replaced.
  std::vector<Eigen::Triplet<double>> tr;
  for (std::size_t k = 0; k < sol.rate_.size(); ++k)
    if (static_cast<Eigen::Index>(sol.to_[k]) != n - 1)
      tr.emplace_back(sol.to_[k], sol.from_[k], sol.rate_[k]);
  for (Eigen::Index i = 0; i < n - 1; ++i)
    tr.emplace_back(i, i, -sol.exit_[static_cast<std::size_t>(i)]);
  for (Eigen::Index j = 0; j < n; ++j) tr.emplace_back(n - 1, j, 1.0);
  SpMat a(n, n);
  a.setFromTriplets(tr.begin(), tr.end());
  Eigen::SparseLU<SpMat> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error(
        "the Markov chain's steady state could not be solved (singular system)");
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  Eigen::VectorXd pi = lu.solve(b);
  sol.steady_.assign(pi.data(), pi.data() + n);
  for (double& x : sol.steady_) x = std::max(x, 0.0);

  sol.services_.assign(ns, {});
  for (std::size_t s = 0; s < ns; ++s) {
    double avail = 0, freq = 0;
    for (std::size_t i = 0; i < sol.n_states_; ++i)
      if (sol.up_[i * ns + s]) avail += sol.steady_[i];
    for (std::size_t k = 0; k < sol.rate_.size(); ++k)
      if (sol.up_[sol.from_[k] * ns + s] && !sol.up_[sol.to_[k] * ns + s])
        freq += sol.steady_[sol.from_[k]] * sol.rate_[k];
    // Mean time to the first outage from all up: solve -Q_UU x = 1 over the up states.
    std::vector<std::int64_t> pos(sol.n_states_, -1);
    Eigen::Index nu = 0;
    for (std::size_t i = 0; i < sol.n_states_; ++i)
      if (sol.up_[i * ns + s]) pos[i] = nu++;
    double mttff = std::numeric_limits<double>::infinity();
    if (nu > 0 && freq > 0) {
      std::vector<Eigen::Triplet<double>> t2;
      for (std::size_t i = 0; i < sol.n_states_; ++i)
        if (pos[i] >= 0) t2.emplace_back(pos[i], pos[i], sol.exit_[i]);
      for (std::size_t k = 0; k < sol.rate_.size(); ++k)
        if (pos[sol.from_[k]] >= 0 && pos[sol.to_[k]] >= 0)
          t2.emplace_back(pos[sol.from_[k]], pos[sol.to_[k]], -sol.rate_[k]);
      SpMat m(nu, nu);
      m.setFromTriplets(t2.begin(), t2.end());
      Eigen::SparseLU<SpMat> lu2;
      lu2.compute(m);
      if (lu2.info() == Eigen::Success) {
        Eigen::VectorXd x = lu2.solve(Eigen::VectorXd::Ones(nu));
        mttff = x(pos[0]);
      }
    }
    sol.services_[s] = {avail, freq, freq > 0 ? (1 - avail) / freq : 0.0, mttff};
  }
  return sol;
}

// Uniformization from all up at 0: calls on_term(weight_k, cumulative_k, v_k) for the terms of
// the Poisson(Lambda t) mixture until the iterate reaches the steady state (then once more with
// v = steady and the remaining mass), where cumulative_k = P(N <= k).
template <class F>
void MarkovSolution::uniformize(double t, F&& on_term) const {
  const std::size_t n = n_states_;
  double lam = 0;
  for (double e : exit_) lam = std::max(lam, e);
  lam = lam * 1.02 + 1e-12;
  const double lt = lam * t;
  std::vector<double> v(n, 0.0), next(n);
  v[0] = 1.0;
  if (lt <= 0) {  // t = 0: all up
    on_term(1.0, 1.0, v, true);
    return;
  }
  double cum = 0;
  // The series converges long before this; the bound only keeps the conversion in range.
  const double kmax_d = lt + 12 * std::sqrt(lt) + 50;
  const std::size_t kmax = kmax_d < 1e9 ? static_cast<std::size_t>(kmax_d) : 1000000000u;
  for (std::size_t k = 0; k <= kmax; ++k) {
    const double w = std::exp(-lt + static_cast<double>(k) * std::log(lt) -
                              std::lgamma(static_cast<double>(k) + 1));
    cum += w;
    on_term(w, std::min(cum, 1.0), v, false);
    double diff = 0;
    for (std::size_t i = 0; i < n; ++i) diff = std::max(diff, std::fabs(v[i] - steady_[i]));
    if (diff < 1e-13 || cum >= 1.0 - 1e-16) {
      on_term(1.0 - std::min(cum, 1.0), 1.0, steady_, true);
      return;
    }
    for (std::size_t i = 0; i < n; ++i) next[i] = v[i] * (1.0 - exit_[i] / lam);
    for (std::size_t j = 0; j < rate_.size(); ++j) next[to_[j]] += v[from_[j]] * rate_[j] / lam;
    v.swap(next);
  }
  on_term(1.0 - std::min(cum, 1.0), 1.0, v, true);
}

std::vector<std::vector<double>> MarkovSolution::point_availability(
    const std::vector<double>& times) const {
  std::vector<std::vector<double>> out;
  for (double t : times) {
    if (!(t >= 0) || !std::isfinite(t))
      throw std::invalid_argument("times must be finite and >= 0");
    std::vector<double> a(n_services_, 0.0);
    uniformize(t, [&](double w, double, const std::vector<double>& v, bool) {
      for (std::size_t i = 0; i < n_states_; ++i)
        for (std::size_t s = 0; s < n_services_; ++s)
          if (up_[i * n_services_ + s]) a[s] += w * v[i];
    });
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<double> MarkovSolution::mean_availability(double horizon) const {
  if (!(horizon > 0) || !std::isfinite(horizon)) throw std::invalid_argument("horizon must be > 0");
  double lam = 0;
  for (double e : exit_) lam = std::max(lam, e);
  lam = lam * 1.02 + 1e-12;
  const double lt = lam * horizon;
  // (1/T) integral of A = (1/(Lambda T)) sum_k P(N > k) a_k; the tail after convergence is
  // (Lambda T - sum_{k<K} P(N > k)) a_steady.
  std::vector<double> acc(n_services_, 0.0);
  double used = 0;
  uniformize(horizon, [&](double, double cum, const std::vector<double>& v, bool last) {
    const double weight = last ? (lt - used) : (1.0 - cum);
    used += weight;
    for (std::size_t i = 0; i < n_states_; ++i)
      for (std::size_t s = 0; s < n_services_; ++s)
        if (up_[i * n_services_ + s]) acc[s] += weight * v[i];
  });
  for (double& x : acc) x /= lt;
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Structure function of independent components, exact with shared components.

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
  std::function<double(std::uint32_t)> prob = [&](std::uint32_t node) -> double {
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
