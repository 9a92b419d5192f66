#include "recoverysim/model.hpp"

#include <algorithm>

#include "recoverysim/errors.hpp"
#include "recoverysim/random.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace recoverysim {

namespace {

using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Digraph>::vertex_descriptor;

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string join_field(const std::string& base, const std::string& sub) {
  if (base.empty()) return sub;
  if (sub.empty() || sub.front() == '[') return base + sub;
  return base + "." + sub;
}

// Where a check runs: the entity and the field path (what callers read), and how the readable
// message names the place ("component 'db', failure mode 'disk', step 2 (restore)").
struct Loc {
  std::string kind, name, field, text;
  // A part of it: `sub` extends the field path, `more` the readable text.
  Loc at(const std::string& sub, const std::string& more) const {
    return {kind, name, join_field(field, sub), text + more};
  }
  // A field of it, named in the message by the reason alone.
  Loc field_of(const std::string& sub) const { return {kind, name, join_field(field, sub), text}; }
};

Loc entity(const std::string& kind, const std::string& name) {
  return {kind, name, "", kind + " " + quote(name)};
}

// Message "<text><sep><reason>".
[[noreturn]] void fail(const Loc& at, const std::string& reason, const char* sep = ": ") {
  throw SpecError(at.kind, at.name, at.field, reason, at.text + sep + reason);
}

// A message that names its entity itself ("duplicate crew name 'x'").
[[noreturn]] void fail_whole(const std::string& kind, const std::string& name,
                             const std::string& field, const std::string& message) {
  throw SpecError(kind, name, field, message, message);
}

// Depth-first search that remembers the tree and stops at the first back edge: the back edge
// closes a cycle that we can then spell out name by name.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* pred;
  std::vector<Vertex>* cycle;
  void tree_edge(boost::graph_traits<Digraph>::edge_descriptor e, const Digraph& g) const {
    (*pred)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Digraph>::edge_descriptor e, const Digraph& g) const {
    if (!cycle->empty()) return;
    const Vertex u = boost::source(e, g), v = boost::target(e, g);
    std::vector<Vertex> path{u};
    for (Vertex w = u; w != v;) {
      w = (*pred)[w];
      path.push_back(w);
    }
    cycle->assign(path.rbegin(), path.rend());
    cycle->push_back(v);
  }
};

// Returns the vertices of one cycle (first == last), or an empty vector for a DAG.
std::vector<Vertex> find_cycle(const Digraph& g) {
  std::vector<Vertex> pred(boost::num_vertices(g));
  for (Vertex v = 0; v < pred.size(); ++v) pred[v] = v;
  std::vector<Vertex> cycle;
  CycleFinder vis;
  vis.pred = &pred;
  vis.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(vis));
  return cycle;
}

std::string spell_cycle(const std::vector<Vertex>& cycle, const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (i) out += " -> ";
    out += names[cycle[i]];
  }
  return out;
}

bool valid_probability(double p) { return std::isfinite(p) && p >= 0.0 && p <= 1.0; }

class Compiler {
 public:
  explicit Compiler(const ModelSpec& spec) : spec_(spec), out_(std::make_shared<CompiledModel>()) {}

  std::shared_ptr<const CompiledModel> run() {
    out_->name = spec_.name;
    names();
    crews();
    spare_pools();
    named_procedures();
    components();
    maintenance();
    resolve_cascades();
    resolve_escalations();
    fixed_phases();
    services();
    costs();
    shocks();
    stresses();
    forced();
    out_->age_when_down = spec_.age_when_down;
    out_->spec = std::make_shared<const ModelSpec>(spec_);
    return out_;
  }

 private:
  void names() {
    if (spec_.components.empty())
      fail(entity("model", spec_.name).field_of("components"), "has no components", " ");
    std::set<std::string> seen;
    for (const auto& c : spec_.components) {
      if (c.name.empty()) fail_whole("component", "", "name", "a component has an empty name");
      if (!seen.insert(c.name).second)
        fail_whole("component", c.name, "name", "duplicate component name " + quote(c.name));
    }
    std::set<std::string> svc;
    for (const auto& s : spec_.services) {
      if (s.name.empty()) fail_whole("service", "", "name", "a service has an empty name");
      if (!svc.insert(s.name).second)
        fail_whole("service", s.name, "name", "duplicate service name " + quote(s.name));
      if (seen.count(s.name))
        fail(entity("service", s.name).field_of("name"),
             "has the same name as a component; names must be unique", " ");
    }
  }

  void crews() {
    for (const auto& c : spec_.crews) {
      if (c.name.empty()) fail_whole("crew", "", "name", "a crew has an empty name");
      if (crew_index_.count(c.name))
        fail_whole("crew", c.name, "name", "duplicate crew name " + quote(c.name));
      if (c.size < 1)
        fail(entity("crew", c.name).field_of("size"),
             "size must be >= 1 (got " + std::to_string(c.size) + ")");
      crew_index_[c.name] = static_cast<int>(out_->crew_names.size());
      out_->crew_names.push_back(c.name);
      out_->crew_sizes.push_back(c.size);
      out_->crew_preemptive.push_back(c.preemptive ? 1 : 0);
      out_->crew_calendars.push_back(calendar(c.shifts, c.origin, entity("crew", c.name)));
    }
  }

  // Working hours as times since t = 0 modulo one week, sorted and merged (a shift that wraps
  // past the week's end is split in two). Crew calendars and weekly stress windows alike; with
  // `no_overlap` windows that overlap (touching is fine) are an error.
  static CrewCalendar calendar(const std::vector<std::pair<double, double>>& shifts, double origin,
                               const Loc& where, bool no_overlap = false,
                               const std::string& what = "a shift") {
    constexpr double week = 168.0;
    CrewCalendar cal;
    if (!std::isfinite(origin) || origin < 0 || origin >= week)
      fail(where.field_of("origin"), "the week origin must be an hour of the week in [0, 168)");
    std::vector<std::pair<double, double>> parts;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
      const auto [a, b] = shifts[i];
      if (!std::isfinite(a) || !std::isfinite(b) || a < 0 || b > week || !(a < b))
        fail(where.field_of("hours[" + std::to_string(i) + "]"),
             what + " must be [start, end) hours of the week with 0 <= start < end <= 168");
      double s = a - origin, e = b - origin;
      if (s < 0) s += week, e += week;
      if (e <= week) {
        parts.emplace_back(s, e);
      } else {
        parts.emplace_back(s, week);
        parts.emplace_back(0.0, e - week);
      }
    }
    std::sort(parts.begin(), parts.end());
    for (const auto& p : parts) {
      if (!cal.shifts.empty() && p.first <= cal.shifts.back().second) {
        if (no_overlap && p.first < cal.shifts.back().second)
          fail(where.field_of("hours"), "windows overlap (at hour " +
                                            std::to_string(std::fmod(p.first + origin, week)) +
                                            " of the week); give each hour once");
        cal.shifts.back().second = std::max(cal.shifts.back().second, p.second);
      } else {
        cal.shifts.push_back(p);
      }
    }
    // Working the whole week is the same as having no calendar.
    if (cal.shifts.size() == 1 && cal.shifts[0].first == 0 && cal.shifts[0].second >= week)
      cal.shifts.clear();
    const auto& sh = cal.shifts;
    const bool joined = sh.size() > 1 && sh.front().first == 0.0 && sh.back().second >= week;
    for (std::size_t i = 0; i < sh.size(); ++i) {
      if (!(joined && i == 0)) cal.changes.emplace_back(sh[i].first, true);
      if (!(joined && i + 1 == sh.size())) cal.changes.emplace_back(sh[i].second, false);
    }
    return cal;
  }

  void spare_pools() {
    for (const auto& p : spec_.spares) {
      const Loc where = entity("spare pool", p.name);
      if (p.name.empty()) fail_whole("spare pool", "", "name", "a spare pool has an empty name");
      if (spare_index_.count(p.name))
        fail_whole("spare pool", p.name, "name", "duplicate spare pool name " + quote(p.name));
      if (p.stock < 0)
        fail(where.field_of("stock"), "stock must be >= 0 (got " + std::to_string(p.stock) + ")");
      if (!(p.lead_time.mean() > 0) && p.stock == 0)
        fail(where.field_of("lead_time"), "an empty pool needs a positive restock lead time");
      spare_index_[p.name] = static_cast<int>(out_->spares.size());
      out_->spares.push_back(
          {p.name, hash_name(p.name), p.stock, p.lead_time, p.has_emergency, p.emergency});
    }
  }

  std::uint32_t step_kind(const std::string& name) {
    auto it = step_kind_index_.find(name);
    if (it != step_kind_index_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(out_->phases.size());
    out_->phases.push_back(name);
    step_kind_index_[name] = id;
    return id;
  }

  void fixed_phases() {
    out_->phase_detect = step_kind("detect");
    out_->phase_crew_wait = step_kind("crew_wait");
    out_->phase_inspection_wait = step_kind("inspection_wait");
    out_->phase_switchover = step_kind("switchover");
    out_->phase_no_spare = step_kind("no_spare");
    out_->phase_shock = step_kind("shock");
    out_->phase_other = step_kind("other");
    // Only models whose steps take spares have the phase (others keep their phase list).
    if (uses_spares_) out_->phase_spare_wait = step_kind("spare_wait");
  }

  // Adds a procedure; escalation targets are resolved after all named procedures exist.
  // `where` is the procedure itself (its steps are "steps[i]" in it), or, for the one implicit
  // step of a maintenance window (`implicit_step`), the window whose fields the step takes.
  std::int32_t add_procedure(const ProcedureSpec& p, const Loc& where, bool implicit_step = false) {
    if (p.steps.empty()) fail(where.field_of("steps"), "the recovery procedure has no steps");
    const auto id = static_cast<std::int32_t>(out_->procedures.size());
    out_->procedures.push_back({p.name.empty() ? where.text : p.name,
                                static_cast<std::uint32_t>(out_->steps.size()),
                                static_cast<std::uint32_t>(p.steps.size())});
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      const StepSpec& s = p.steps[i];
      const std::string n = std::to_string(i + 1);
      const std::string index = implicit_step ? "" : "steps[" + std::to_string(i) + "]";
      const Loc at = where.at(index, ", step " + n + " (" + s.name + ")");
      if (s.name.empty()) fail(where.at(index, ", step " + n).field_of("name"), "empty step name");
      for (const char* reserved : {"crew_wait", "inspection_wait", "no_spare", "shock", "other",
                                   "spare_wait", "dependency_wait"})
        if (s.name == reserved)
          fail(at.field_of("name"),
               "the step name " + quote(s.name) +
                   " is reserved for a phase the engine reports itself; choose another");
      const auto first_need = static_cast<std::uint32_t>(out_->crew_needs.size());
      std::vector<std::pair<std::string, int>> needs;
      if (!s.crew.empty()) needs.emplace_back(s.crew, 1);
      needs.insert(needs.end(), s.crews.begin(), s.crews.end());
      std::set<std::string> needed;
      for (const auto& [name, count] : needs) {
        const Loc cf = at.field_of(s.crews.empty() ? "crew" : "crew." + name);
        auto it = crew_index_.find(name);
        if (it == crew_index_.end()) fail(cf, "unknown crew " + quote(name));
        if (!needed.insert(name).second) fail(cf, "crew " + quote(name) + " named twice");
        const int size = out_->crew_sizes[static_cast<std::size_t>(it->second)];
        if (count < 1)
          fail(cf, "needs at least 1 member of crew " + quote(name) + " (got " +
                       std::to_string(count) + ")");
        if (count > size)
          fail(cf, "needs " + std::to_string(count) + " members of crew " + quote(name) +
                       ", which has only " + std::to_string(size));
        out_->crew_needs.push_back({it->second, count});
      }
      const auto n_needs = static_cast<std::uint32_t>(out_->crew_needs.size()) - first_need;
      const int crew = n_needs == 1 && out_->crew_needs[first_need].count == 1
                           ? out_->crew_needs[first_need].crew
                           : -1;
      std::int32_t spare = -1;
      if (!s.spare.empty()) {
        auto it = spare_index_.find(s.spare);
        if (it == spare_index_.end())
          fail(at.field_of("spare"), "unknown spare pool " + quote(s.spare));
        spare = it->second;
      }
      if (!valid_probability(s.success))
        fail(at.field_of("success"),
             "success probability must be in [0, 1] (got " + std::to_string(s.success) + ")");
      if (s.max_attempts < 0)
        fail(at.field_of("max_attempts"),
             "max_attempts must be >= 0 (got " + std::to_string(s.max_attempts) + ")");
      if (s.success == 0.0 && (s.max_attempts == 0 || s.escalate.empty()))
        fail(at.field_of("success"),
             "success probability 0 with no bounded escalation would never recover");
      if (!s.escalate.empty() && s.max_attempts == 0)
        fail(at.field_of("max_attempts"),
             "escalate to " + quote(s.escalate) + " needs max_attempts >= 1");
      if (s.escalate.empty() && s.max_attempts > 0)
        fail(at.field_of("escalate"), "max_attempts=" + std::to_string(s.max_attempts) +
                                          " needs a procedure to escalate to");
      if (!std::isfinite(s.inspection_interval) || s.inspection_interval < 0)
        fail(at.field_of("every"), "inspection interval must be >= 0");
      if (!std::isfinite(s.inspection_offset) || s.inspection_offset < 0)
        fail(at.field_of("offset"), "inspection offset must be >= 0");
      out_->steps.push_back({s.duration, crew, s.success, s.max_attempts, -1, s.inspection_interval,
                             s.inspection_offset, step_kind(s.name), first_need, n_needs, spare, -1,
                             false, Distribution{}});
      if (spare >= 0) uses_spares_ = true;
      pending_escalations_.push_back({out_->steps.size() - 1, s.escalate, at.field_of("escalate")});
      step_loc_.push_back(at);
      if (!s.requirement.empty() || s.has_fallback)  // resolved once services exist
        pending_requirements_.push_back({out_->steps.size() - 1, &s, at});
    }
    return id;
  }

  void named_procedures() {
    for (const auto& p : spec_.procedures) {
      if (p.name.empty())
        fail_whole("procedure", "", "name", "a named procedure has an empty name");
      if (procedure_index_.count(p.name))
        fail_whole("procedure", p.name, "name", "duplicate procedure name " + quote(p.name));
      procedure_index_[p.name] = add_procedure(p, entity("procedure", p.name));
    }
  }

  void components() {
    for (std::size_t ci = 0; ci < spec_.components.size(); ++ci) {
      const ComponentSpec& c = spec_.components[ci];
      const Loc where = entity("component", c.name);
      if (c.modes.empty()) fail(where.field_of("modes"), "has no failure modes", " ");
      Component comp{c.name,
                     hash_name(c.name),
                     static_cast<std::uint32_t>(out_->modes.size()),
                     static_cast<std::uint32_t>(c.modes.size()),
                     c.tags,
                     BackupSpec{},
                     false,
                     Distribution{},
                     -1,
                     -1};
      std::set<std::string> mode_names;
      for (std::size_t k = 0; k < c.modes.size(); ++k) {
        const FailureModeSpec& m = c.modes[k];
        const std::string mode_field = "modes[" + std::to_string(k) + "]";
        const Loc mw = where.at(mode_field, ", failure mode " + quote(m.name));
        if (m.name.empty())
          fail(where.field_of(mode_field + ".name"), "a failure mode has an empty name");
        if (!mode_names.insert(m.name).second)
          fail(where.field_of(mode_field + ".name"), "duplicate failure mode " + quote(m.name));
        if (!(m.ttf.mean() > 0))
          fail(mw.field_of("failure"), "time to failure must have a positive mean");
        const std::int32_t proc = add_procedure(m.procedure, mw.field_of("repair"));
        out_->modes.push_back({m.name, hash_name(m.name), static_cast<std::uint32_t>(ci), m.ttf,
                               proc, m.data_loss, false, 0, 0, 0});
        mode_priority_.push_back(m.has_priority ? std::optional<int>(m.priority) : std::nullopt);
        if (m.data_loss != DataLoss::none) out_->has_data = true;
        pending_cascades_.push_back({out_->modes.size() - 1, &m.cascades, mw});
      }
      const BackupSpec& b = c.backup;
      if (!std::isfinite(b.every) || b.every < 0)
        fail(where.field_of("backup.every"), "backup interval must be >= 0");
      if (!std::isfinite(b.offset) || b.offset < 0)
        fail(where.field_of("backup.offset"), "backup offset must be >= 0");
      if (!valid_probability(b.success))
        fail(
            where.field_of("backup.success"),
            "backup success probability must be in [0, 1] (got " + std::to_string(b.success) + ")");
      comp.backup = b;
      comp.replicated = c.replicated;
      comp.replication_lag = c.replication_lag;
      comp.standby_gate = -1;
      comp.standby_member = -1;
      out_->components.push_back(std::move(comp));
      component_index_[c.name] = static_cast<int>(ci);
    }
  }

  void resolve_escalations() {
    const std::size_t np = out_->procedures.size();
    Digraph g(np);
    std::vector<std::string> names(np);
    for (std::size_t p = 0; p < np; ++p) names[p] = out_->procedures[p].name;
    std::vector<std::size_t> step_proc(out_->steps.size());
    for (std::size_t p = 0; p < np; ++p)
      for (std::uint32_t s = 0; s < out_->procedures[p].n_steps; ++s)
        step_proc[out_->procedures[p].first_step + s] = p;
    for (const auto& e : pending_escalations_) {
      if (e.target.empty()) continue;
      auto it = procedure_index_.find(e.target);
      if (it == procedure_index_.end())
        fail(e.where, "escalates to unknown procedure " + quote(e.target));
      out_->steps[e.step].escalate = it->second;
      boost::add_edge(step_proc[e.step], static_cast<std::size_t>(it->second), g);
    }
    const auto cycle = find_cycle(g);
    if (!cycle.empty()) {
      // Only named procedures are escalation targets, so every procedure of a loop is named:
      // name the step of the first that escalates to the second.
      const auto& from = out_->procedures[cycle[0]];
      std::string field;
      for (std::uint32_t s = 0; s < from.n_steps; ++s)
        if (out_->steps[from.first_step + s].escalate == static_cast<std::int32_t>(cycle[1]))
          field = "steps[" + std::to_string(s) + "].escalate";
      fail_whole("procedure", from.name, field,
                 "escalation loop with no bound: " + spell_cycle(cycle, names) +
                     " (a procedure must not escalate back into itself)");
    }
  }

  int component_index(const std::string& name, const Loc& where) {
    auto it = component_index_.find(name);
    if (it == component_index_.end()) fail(where, "unknown component " + quote(name));
    return it->second;
  }

  // The mode of a component by name (its first failure mode if `mode` is empty).
  std::int32_t mode_of(std::uint32_t c, const std::string& mode, const Loc& where) {
    const Component& comp = out_->components[c];
    if (mode.empty()) return static_cast<std::int32_t>(comp.first_mode);
    for (std::uint32_t i = 0; i < comp.n_modes; ++i)
      if (out_->modes[comp.first_mode + i].name == mode)
        return static_cast<std::int32_t>(comp.first_mode + i);
    fail(where, "component " + quote(comp.name) + " has no failure mode " + quote(mode));
  }

  void maintenance() {
    std::set<std::string> names;
    for (const auto& w : spec_.maintenance) {
      const Loc where = entity("maintenance", w.name);
      if (w.name.empty())
        fail_whole("maintenance", "", "name", "a maintenance window has an empty name");
      if (!names.insert(w.name).second)
        fail_whole("maintenance", w.name, "name", "duplicate maintenance name " + quote(w.name));
      if (!std::isfinite(w.every) || w.every <= 0)
        fail(where.field_of("every"), "every must be > 0");
      if (!std::isfinite(w.offset) || w.offset < 0)
        fail(where.field_of("offset"), "offset must be >= 0");
      if (w.targets.empty()) fail(where.field_of("targets"), "has no targets");
      if (!(w.duration.mean() < w.every))
        fail(where.field_of("duration"), "the mean duration must be shorter than the interval");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < w.targets.size(); ++i) {
        const std::string& t = w.targets[i];
        const Loc target = where.field_of("targets[" + std::to_string(i) + "]");
        if (!seen.insert(t).second) fail(target, "target " + quote(t) + " listed twice");
        const auto c = static_cast<std::uint32_t>(component_index(t, target));
        StepSpec step;
        step.name = "maintenance";
        step.duration = w.duration;
        step.crew = w.crew;
        ProcedureSpec proc{w.name, {step}};
        const std::int32_t p = add_procedure(proc, where, true);
        Mode mode{w.name, hash_name("maintenance:" + w.name),
                  c,      Distribution::deterministic(0),
                  p,      DataLoss::none,
                  true,   0,
                  0,      0};
        out_->modes.push_back(mode);
        mode_priority_.push_back(std::nullopt);
        out_->maintenance.push_back(
            {c, static_cast<std::int32_t>(out_->modes.size() - 1), w.every, w.offset});
      }
    }
  }

  void resolve_cascades() {
    for (const auto& pc : pending_cascades_) {
      Mode& mode = out_->modes[pc.mode];
      mode.first_cascade = static_cast<std::uint32_t>(out_->cascades.size());
      for (std::size_t i = 0; i < pc.specs->size(); ++i) {
        const CascadeSpec& cs = (*pc.specs)[i];
        const Loc where = pc.where.at("cascades[" + std::to_string(i) + "]",
                                      ", cascade " + std::to_string(i + 1));
        const auto target =
            static_cast<std::uint32_t>(component_index(cs.target, where.field_of("target")));
        if (target == mode.component)
          fail(where.field_of("target"), "a component cannot cascade to itself");
        if (!valid_probability(cs.probability))
          fail(where.field_of("probability"),
               "probability must be in [0, 1] (got " + std::to_string(cs.probability) + ")");
        out_->cascades.push_back(
            {target, mode_of(target, cs.mode, where.field_of("mode")), cs.probability, cs.delay});
      }
      mode.n_cascades = static_cast<std::uint32_t>(pc.specs->size());
    }
  }

  void shocks() {
    std::set<std::string> names;
    for (const auto& sh : spec_.shocks) {
      const Loc where = entity("shock", sh.name);
      if (sh.name.empty()) fail_whole("shock", "", "name", "a shock has an empty name");
      if (!names.insert(sh.name).second)
        fail_whole("shock", sh.name, "name", "duplicate shock name " + quote(sh.name));
      if (component_index_.count(sh.name))
        fail(where.field_of("name"), "has the same name as a component; names must be unique");
      if (!(sh.every.mean() > 0))
        fail(where.field_of("every"), "the time between shocks must have a positive mean");
      if (!valid_probability(sh.probability))
        fail(where.field_of("probability"),
             "probability must be in [0, 1] (got " + std::to_string(sh.probability) + ")");
      if (sh.targets.empty()) fail(where.field_of("targets"), "has no targets");
      if ((sh.per_target || sh.has_stagger) && !sh.hold)
        fail(where.field_of(sh.per_target ? "per_target" : "stagger"),
             "per-target outages need a hold outage (outage=...), not a triggered failure mode");
      Shock out{
          sh.name,   hash_name(sh.name), sh.every,       {},        {}, sh.probability, sh.hold,
          sh.outage, sh.per_target,      sh.has_stagger, sh.stagger};
      std::set<std::string> seen;
      for (std::size_t i = 0; i < sh.targets.size(); ++i) {
        const std::string& t = sh.targets[i];
        const Loc target = where.field_of("targets[" + std::to_string(i) + "]");
        if (!seen.insert(t).second) fail(target, "target " + quote(t) + " listed twice");
        const auto c = static_cast<std::uint32_t>(component_index(t, target));
        out.targets.push_back(c);
        out.target_modes.push_back(sh.hold ? -1 : mode_of(c, sh.mode, where.field_of("mode")));
      }
      out_->shocks.push_back(std::move(out));
    }
  }

  // --- stress periods (issue 16; runtime in stress.cpp) ---------------------------------------

  void stresses() {
    std::set<std::string> names;
    std::vector<std::vector<std::uint32_t>> of(out_->components.size());
    for (const auto& st : spec_.stresses) {
      const Loc where = entity("stress", st.name);
      if (st.name.empty()) fail_whole("stress", "", "name", "a stress has an empty name");
      if (!names.insert(st.name).second)
        fail_whole("stress", st.name, "name", "duplicate stress name " + quote(st.name));
      if (!std::isfinite(st.factor) || !(st.factor > 0))
        fail(where.field_of("factor"),
             "factor must be a finite number > 0 (got " + std::to_string(st.factor) + ")");
      if (st.targets.empty()) fail(where.field_of("targets"), "has no targets");
      const int triggers = !st.shifts.empty() + !st.periods.empty() + !st.while_degraded.empty();
      if (triggers != 1)
        fail(where.field_of(triggers ? "while_degraded" : "hours"),
             triggers ? "give exactly one of hours, periods and while_degraded (one stress per "
                        "trigger)"
                      : "needs a trigger: weekly hours, periods or while_degraded");
      Stress out;
      out.name = st.name;
      out.factor = st.factor;
      if (!st.shifts.empty()) {
        const CrewCalendar cal = calendar(st.shifts, st.origin, where, true, "a window");
        out.weekly = true;
        out.changes = cal.changes;
        // No shift left means the windows cover the whole week: always active.
        out.active_at_start = cal.shifts.empty() || cal.shifts.front().first == 0.0;
      } else if (!st.periods.empty()) {
        auto ps = st.periods;
        for (std::size_t i = 0; i < ps.size(); ++i)
          if (!std::isfinite(ps[i].first) || !std::isfinite(ps[i].second) || ps[i].first < 0 ||
              !(ps[i].first < ps[i].second))
            fail(where.field_of("periods[" + std::to_string(i) + "]"),
                 "a period must be [start, end) hours with 0 <= start < end");
        std::sort(ps.begin(), ps.end());
        for (std::size_t i = 0; i < ps.size(); ++i) {
          if (i > 0 && ps[i].first < ps[i - 1].second)
            fail(where.field_of("periods"),
                 "periods overlap (at " + std::to_string(ps[i].first) + " h); give each hour once");
          if (i > 0 && ps[i].first == ps[i - 1].second) {  // touching: one period
            out.changes.pop_back();
          } else if (ps[i].first > 0) {
            out.changes.emplace_back(ps[i].first, true);
          } else {
            out.active_at_start = true;
          }
          out.changes.emplace_back(ps[i].second, false);
        }
      } else {
        out.gate = degraded_gate(st, where);
      }
      std::set<std::string> seen;
      for (std::size_t i = 0; i < st.targets.size(); ++i) {
        const std::string& t = st.targets[i];
        const Loc target = where.field_of("targets[" + std::to_string(i) + "]");
        if (!seen.insert(t).second) fail(target, "target " + quote(t) + " listed twice");
        const auto c = static_cast<std::uint32_t>(component_index(t, target));
        out.targets.push_back(c);
        of[c].push_back(static_cast<std::uint32_t>(out_->stresses.size()));
      }
      out_->stresses.push_back(std::move(out));
    }
    if (out_->stresses.empty()) return;
    out_->stress_offset.push_back(0);
    for (const auto& v : of) {
      out_->stress_of.insert(out_->stress_of.end(), v.begin(), v.end());
      out_->stress_offset.push_back(static_cast<std::uint32_t>(out_->stress_of.size()));
    }
  }

  // The root gate of the service a while_degraded stress watches (see group_degraded).
  std::int32_t degraded_gate(const StressSpec& st, const Loc& where) {
    const Loc at = where.field_of("while_degraded");
    const auto it = service_index_.find(st.while_degraded);
    if (it == service_index_.end()) fail(at, "unknown service " + quote(st.while_degraded));
    const auto s = static_cast<std::size_t>(it->second);
    const ServiceSpec& sv = spec_.services[s];
    const Gate& g = out_->gates[s];
    if (g.kind == GateKind::standby)
      fail(at, "service " + quote(sv.name) +
                   " is a standby group: it is up or down, never degraded (stress its members "
                   "while another group is degraded)");
    if (g.kind == GateKind::all && g.capacity < 0)
      fail(at, "service " + quote(sv.name) +
                   " needs every member up, so it is never degraded; name a k_of_n, any_of, "
                   "weighted or capacity service");
    if (g.capacity >= 0 && sv.demand.size() > 1)
      fail(at, "service " + quote(sv.name) +
                   " has a weekly demand profile; a stress while it is degraded needs a constant "
                   "demand");
    if (!sv.restart.empty())
      fail(at, "service " + quote(sv.name) + " has a restart procedure (not supported here)");
    return static_cast<std::int32_t>(s);
  }

  void forced() {
    for (std::size_t i = 0; i < spec_.forced.size(); ++i) {
      const ForcedEventSpec& f = spec_.forced[i];
      const Loc where{"scenario", f.target, "forced[" + std::to_string(i) + "]",
                      "scenario event " + std::to_string(i) + " (" +
                          (f.shock ? "shock " : "failure of ") + quote(f.target) + ")"};
      if (!std::isfinite(f.time) || f.time < 0) fail(where.field_of("time"), "time must be >= 0");
      ForcedEvent out{f.time, f.shock, 0, -1, 0};
      if (f.shock) {
        std::uint32_t k = 0;
        while (k < out_->shocks.size() && out_->shocks[k].name != f.target) ++k;
        if (k == out_->shocks.size())
          fail(where.field_of("target"), "unknown shock " + quote(f.target));
        out.target = k;
        // Keyed by shock and time, not position: scenarios that force the same shock at the
        // same time draw the same outage (common random numbers across scenarios).
        std::uint64_t bits = 0;
        static_assert(sizeof bits == sizeof f.time);
        std::memcpy(&bits, &f.time, sizeof bits);
        out.key = entity_key(StreamKind::scenario, out_->shocks[k].name_hash, bits);
      } else {
        out.target =
            static_cast<std::uint32_t>(component_index(f.target, where.field_of("target")));
        out.mode = mode_of(out.target, f.mode, where.field_of("mode"));
      }
      out_->forced.push_back(out);
    }
  }

  // --- services -------------------------------------------------------------------------------

  std::uint32_t new_gate(GateKind kind, int k, int n, int service) {
    out_->gates.push_back({kind, k, n, service, StandbySpec{}, 0, 0.0});
    gate_children_.emplace_back();
    gate_weights_.emplace_back();
    return static_cast<std::uint32_t>(out_->gates.size() - 1);
  }

  std::string describe(const RequirementSpec& r) {
    switch (r.kind) {
      case GateKind::ref:
        return quote(r.name);
      case GateKind::all:
        return "all_of(...)";
      case GateKind::any:
        return "any_of(...)";
      case GateKind::k_of_n:
        return "k_of_n(" + std::to_string(r.k) + ", ...)";
      case GateKind::standby:
        return "standby(...)";
      case GateKind::weighted:
        return "weighted(...)";
    }
    return "?";
  }

  // Returns the node id of a requirement (component, service root gate or a new gate).
  std::uint32_t build(const RequirementSpec& r, const Loc& where, std::size_t service) {
    const std::uint32_t nc = static_cast<std::uint32_t>(out_->components.size());
    if (r.kind == GateKind::ref) {
      if (r.name.empty()) fail(where, "empty name in requirement");
      if (auto it = component_index_.find(r.name); it != component_index_.end())
        return static_cast<std::uint32_t>(it->second);
      if (auto it = service_index_.find(r.name); it != service_index_.end()) {
        if (service != kNoService)  // a step's requirement is no edge between services
          service_deps_.push_back({service, static_cast<std::size_t>(it->second)});
        return nc + static_cast<std::uint32_t>(it->second);  // service s has root gate s
      }
      fail(where, "unknown component or service " + quote(r.name));
    }
    const std::uint32_t g = new_gate(r.kind, 0, 0, -1);
    fill_gate(g, r, where, service);
    return nc + g;
  }

  // `wrapped`: the gate wraps a service's lone reference, which keeps the service's field.
  void fill_gate(std::uint32_t g, const RequirementSpec& r, const Loc& where, std::size_t service,
                 bool wrapped = false) {
    const int n = static_cast<int>(r.children.size());
    if (n == 0) fail(where.field_of("members"), describe(r) + " has no members");
    const auto member = [&](int i) {
      const std::string index = "[" + std::to_string(i) + "]";
      return where.at(wrapped ? "" : "members" + index, " > " + describe(r) + index);
    };
    std::vector<std::uint32_t> kids;
    std::set<std::uint32_t> seen;
    for (int i = 0; i < n; ++i) {
      const Loc at = member(i);
      const std::uint32_t child = build(r.children[static_cast<std::size_t>(i)], at, service);
      if (!seen.insert(child).second)
        fail(at, describe(r.children[static_cast<std::size_t>(i)]) +
                     " appears twice in the same group");
      kids.push_back(child);
    }
    int k = n;
    if (r.kind == GateKind::any) k = 1;
    if (r.kind == GateKind::standby) {
      k = 1;
      const StandbySpec& sb = r.standby;
      const Loc at = where.at("", " > standby(...)");
      if (!valid_probability(sb.success))
        fail(at.field_of("success"), "switchover success probability must be in [0, 1] (got " +
                                         std::to_string(sb.success) + ")");
      if (!std::isfinite(sb.dormancy) || sb.dormancy < 0 || sb.dormancy > 1)
        fail(at.field_of("dormancy"),
             "dormancy must be in [0, 1] (0 cold, 1 hot; got " + std::to_string(sb.dormancy) + ")");
      std::string key;
      for (int i = 0; i < n; ++i) {
        const auto& child = r.children[static_cast<std::size_t>(i)];
        const std::uint32_t node = kids[static_cast<std::size_t>(i)];
        if (child.kind != GateKind::ref || node >= out_->components.size())
          fail(member(i), "standby members must be components, got " + describe(child));
        Component& comp = out_->components[node];
        if (comp.standby_gate >= 0)
          fail({at.kind, at.name, member(i).field, at.text},
               "component " + quote(comp.name) + " is already a member of another standby group");
        comp.standby_gate = static_cast<std::int32_t>(g);
        comp.standby_member = i;
        key += comp.name + "\x1f";
      }
      out_->gates[g].standby = sb;
      out_->gates[g].name_hash = hash_name(key);
      out_->has_standby = true;
    }
    if (r.kind == GateKind::k_of_n) {
      if (r.k < 1 || r.k > n)
        fail(where.field_of("k"), "k_of_n needs 1 <= k <= n, got k=" + std::to_string(r.k) +
                                      " with n=" + std::to_string(n) + " members");
      k = r.k;
    }
    if (r.kind != GateKind::weighted && !r.weights.empty())
      fail(where.field_of("weights"), "weights are only for weighted(...)");
    if (r.load_sharing != 0) {
      const Loc at = where.at("", " > " + describe(r));
      if (r.kind != GateKind::k_of_n)
        fail(at.field_of("load_sharing"), "load_sharing is only for k_of_n");
      if (!std::isfinite(r.load_sharing) || r.load_sharing < 0)
        fail(at.field_of("load_sharing"),
             "load_sharing must be >= 0 (got " + std::to_string(r.load_sharing) + ")");
      for (int i = 0; i < n; ++i) {
        const std::uint32_t node = kids[static_cast<std::size_t>(i)];
        const std::string index = "[" + std::to_string(i) + "]";
        if (node >= out_->components.size())
          fail(at.at("members" + index, index),
               "members of a load-sharing group must be components");
        Component& comp = out_->components[node];
        if (comp.load_gate >= 0)
          fail(at.field_of("members" + index),
               "component " + quote(comp.name) +
                   " is already a member of another load-sharing group");
        comp.load_gate = static_cast<std::int32_t>(g);
      }
      out_->gates[g].load_sharing = r.load_sharing;
    }
    if (r.kind == GateKind::weighted) weighted_gate(g, r, where, n);
    Gate& gate = out_->gates[g];
    gate.kind = r.kind;
    gate.k = k;
    gate.n = n;
    gate_children_[g] = std::move(kids);
  }

  void weighted_gate(std::uint32_t g, const RequirementSpec& r, const Loc& where, int n) {
    const Loc at = where.at("", " > weighted(...)");
    if (r.weights.size() != static_cast<std::size_t>(n))
      fail(at.field_of("weights"), "needs one weight per member, got " +
                                       std::to_string(r.weights.size()) + " for " +
                                       std::to_string(n) + " members");
    double total = 0;
    for (int i = 0; i < n; ++i) {
      const double w = r.weights[static_cast<std::size_t>(i)];
      if (!std::isfinite(w) || w < 0)
        fail(at.field_of("weights[" + std::to_string(i) + "]"),
             "a weight must be a finite number >= 0 (got " + std::to_string(w) + ")");
      total += w;
    }
    if (!(total > 0)) fail(at.field_of("weights"), "the weights sum to 0");
    const double t = r.threshold;
    const double eps = 1e-9 * total;
    if (!std::isfinite(t) || t < 0)
      fail(at.field_of("threshold"),
           "threshold must be a finite weight >= 0 (got " + std::to_string(t) + ")");
    if (r.strict ? t >= total - eps : t > total + eps)
      fail(at.field_of("threshold"),
           std::string(r.strict ? "more than " : "at least ") + std::to_string(t) +
               " can never be up: the weights sum to " + std::to_string(total));
    if (!r.strict && t <= eps)
      fail(at.field_of("threshold"), "at least 0 is always up: the threshold must be > 0");
    Gate& gate = out_->gates[g];
    gate.threshold = t;
    gate.total = total;
    gate.strict = r.strict;
    gate_weights_[g] = r.weights;
  }

  void services() {
    const std::size_t ns = spec_.services.size();
    for (std::size_t s = 0; s < ns; ++s)
      service_index_[spec_.services[s].name] = static_cast<int>(s);
    // Service s owns root gate s, so references to a service can be resolved in any order.
    for (std::size_t s = 0; s < ns; ++s) new_gate(GateKind::all, 1, 1, static_cast<int>(s));
    for (std::size_t s = 0; s < ns; ++s) {
      const ServiceSpec& sv = spec_.services[s];
      const Loc where = entity("service", sv.name);
      const RequirementSpec& r = sv.requirement;
      if (r.kind == GateKind::ref) {
        RequirementSpec wrap;
        wrap.kind = GateKind::all;
        wrap.children.push_back(r);
        fill_gate(static_cast<std::uint32_t>(s), wrap, where.field_of("requirement"), s, true);
      } else {
        fill_gate(static_cast<std::uint32_t>(s), r, where.field_of("requirement"), s);
      }
      out_->gates[s].service = static_cast<int>(s);
      if (!std::isfinite(sv.rto) || sv.rto < 0) fail(where.field_of("rto"), "rto must be >= 0");
      if (!std::isfinite(sv.rpo) || sv.rpo < 0) fail(where.field_of("rpo"), "rpo must be >= 0");
      out_->services.push_back({sv.name, out_->gate_node(s), sv.rto, sv.rpo, sv.has_rpo, 0, 0});
      if (!sv.demand.empty() || sv.down_below != 0) capacity(s, sv, where);
      restart_procedure(sv, where, out_->services.back());
    }
    check_service_cycles();
    step_requirements();
    link();
    priorities();
    check_step_deadlocks();
  }

  // Crew priority of each mode: its own; else its component's; else the highest priority of the
  // services above the component that set one; else 0. Maintenance windows take the component's.
  void priorities() {
    for (std::size_t i = 0; i < out_->modes.size(); ++i) {
      Mode& md = out_->modes[i];
      const ComponentSpec& cs = spec_.components[md.component];
      if (mode_priority_[i]) {
        md.priority = *mode_priority_[i];
      } else if (cs.has_priority) {
        md.priority = cs.priority;
      } else {
        bool any = false;
        for (std::uint32_t k = out_->sa_offset[md.component]; k < out_->sa_offset[md.component + 1];
             ++k) {
          const ServiceSpec& sv = spec_.services[out_->services_above[k]];
          if (!sv.has_priority) continue;
          md.priority = any ? std::max(md.priority, sv.priority) : sv.priority;
          any = true;
        }
      }
    }
  }

  void capacity(std::size_t s, const ServiceSpec& sv, const Loc& where) {
    if (sv.requirement.kind != GateKind::weighted)
      fail(where.field_of("demand"),
           "a service with a demand needs a capacity requirement (the capacity of each member)");
    const std::size_t n = sv.demand.size();
    if (n != 1 && n != 168)
      fail(
          where.field_of("demand"),
          "needs one value (constant) or 168 (one per hour of the week), got " + std::to_string(n));
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = sv.demand[i];
      if (!std::isfinite(d) || d < 0)
        fail(where.field_of(n == 1 ? "demand" : "demand[" + std::to_string(i) + "]"),
             "a demand must be a finite number >= 0 (got " + std::to_string(d) + ")");
      any = any || d > 0;
    }
    if (!any) fail(where.field_of("demand"), "the demand is 0 at every hour");
    if (!std::isfinite(sv.down_below) || sv.down_below < 0 || sv.down_below > 1)
      fail(where.field_of("down_below"),
           "must be a share of the demand from 0 to 1 (got " + std::to_string(sv.down_below) + ")");
    CapacityService cs{static_cast<std::uint32_t>(s),
                       static_cast<std::uint32_t>(s),
                       sv.demand,
                       sv.down_below,
                       {},
                       {}};
    if (n > 1 && sv.down_below > 0) {
      // Down while capacity < f * demand of the hour: a threshold per hour of the week.
      if (!sv.restart.empty())
        fail(where.field_of("down_below"),
             "with a weekly demand profile and a restart procedure (not supported together)");
      const double total = out_->gates[s].total;
      for (std::size_t h = 0; h < n; ++h) {
        cs.down_at.push_back(sv.down_below * sv.demand[h]);
        if (cs.down_at[h] > total * (1 + 1e-9))
          fail(where.field_of("down_below"),
               "at hour " + std::to_string(h) + " of the week the threshold (" +
                   std::to_string(cs.down_at[h]) + ") is more than the whole capacity (" +
                   std::to_string(total) + "): the service could never be up then");
      }
      for (std::size_t h = 0; h < n; ++h)
        if (cs.down_at[h] != cs.down_at[(h + n - 1) % n])
          cs.changes.push_back(static_cast<std::uint32_t>(h));
    }
    out_->gates[s].capacity = static_cast<std::int32_t>(out_->capacity.size());
    out_->capacity.push_back(std::move(cs));
  }

  // --- service restart procedures (issue 14; runtime in step_dependencies.cpp) ---------------

  void restart_procedure(const ServiceSpec& sv, const Loc& where, Service& out) {
    if (sv.restart.empty()) return;
    if (sv.requirement.kind == GateKind::standby)
      fail(where.field_of("restart"),
           "a restart procedure needs a requirement that is not a standby group itself "
           "(wrap it: all_of(standby(...)))");
    out.restart_first = static_cast<std::uint32_t>(out_->restart_steps.size());
    out.restart_n = static_cast<std::uint32_t>(sv.restart.size());
    for (std::size_t i = 0; i < sv.restart.size(); ++i) {
      const StepSpec& s = sv.restart[i];
      const Loc at = where.at("restart[" + std::to_string(i) + "]",
                              ", restart step " + std::to_string(i + 1) + " (" + s.name + ")");
      if (s.name.empty()) fail(at.field_of("name"), "empty step name");
      for (const char* reserved : {"crew_wait", "inspection_wait", "no_spare", "shock", "other",
                                   "spare_wait", "dependency_wait"})
        if (s.name == reserved)
          fail(at.field_of("name"), "the step name " + quote(s.name) +
                                        " is reserved for a phase the engine reports itself");
      if (!s.crew.empty() || s.success != 1.0 || s.max_attempts != 0 || !s.escalate.empty() ||
          s.inspection_interval != 0 || !s.requirement.empty() || s.has_fallback ||
          !s.crews.empty() || !s.spare.empty())
        fail(at,
             "a restart step has a name and a duration only (no crew, spare, success, escalation, "
             "inspection or requirement)");
      out_->restart_steps.push_back({s.duration, -1, 1.0, 0, -1, 0, 0, step_kind(s.name), 0, 0, -1,
                                     -1, false, Distribution{}});
    }
    out_->has_restarts = true;
  }

  // --- step requirements (issue 14; the runtime half is step_dependencies.cpp) ----------------

  static constexpr std::size_t kNoService = static_cast<std::size_t>(-1);

  // Standby groups set their members' ageing and load sharing their members' rates: both belong
  // to services, not to a step's condition (require a service that has them instead).
  void plain_requirement(const RequirementSpec& r, const Loc& where) {
    if (r.kind == GateKind::standby)
      fail(where,
           "a step cannot require a standby(...) group directly; define a service with it "
           "and require the service");
    if (r.load_sharing != 0)
      fail(where.field_of("load_sharing"),
           "load sharing belongs to a service's k_of_n, not to a step's requirement");
    for (const auto& c : r.children) plain_requirement(c, where);
  }

  // Compiles each step's requirement into a node of the requirement graph: a component, a
  // service's root gate, or new gates appended after every service's (existing gate numbers,
  // and so models without step requirements, are unchanged).
  void step_requirements() {
    for (const auto& pr : pending_requirements_) {
      const StepSpec& s = *pr.spec;
      const Loc at = pr.where.field_of("requires");
      if (s.requirement.size() > 1) fail(at, "a step has at most one requirement");
      if (s.requirement.empty())
        fail(pr.where.field_of("fallback"),
             "a fallback duration needs a requirement (requires=...) to fall back from");
      const RequirementSpec& r = s.requirement.front();
      plain_requirement(r, at);
      const std::uint32_t node = build(r, at, kNoService);
      Step& st = out_->steps[pr.step];
      st.requirement = static_cast<std::int32_t>(node);
      st.has_fallback = s.has_fallback;
      st.fallback = s.fallback;
      out_->has_step_requirements = true;
    }
    if (out_->has_step_requirements) out_->phase_dependency_wait = step_kind("dependency_wait");
  }

  // Whether `node` is up when exactly the components in `down` are down (standby groups count as
  // up while any member is: the check asks what can never resolve, not what may take a while).
  bool holds_with(std::uint32_t node, const std::vector<std::uint8_t>& down) const {
    const std::size_t nc = out_->components.size();
    if (node < nc) return !down[node];
    const std::size_t g = node - nc;
    const Gate& gate = out_->gates[g];
    int up = 0;
    for (std::uint32_t i = out_->child_offset[g]; i < out_->child_offset[g + 1]; ++i)
      up += holds_with(out_->children[i], down);
    return up >= (gate.kind == GateKind::standby ? 1 : gate.k);
  }

  std::string requirement_text(std::int32_t node) const {
    const auto n = static_cast<std::size_t>(node);
    const std::size_t nc = out_->components.size();
    if (n < nc) return quote(out_->components[n].name);
    const int svc = out_->gates[n - nc].service;
    if (svc >= 0) return quote(out_->services[static_cast<std::size_t>(svc)].name);
    return "its requirement";
  }

  // A set of components whose recovery steps wait (no fallback) for requirements that cannot
  // hold while that set is down never recovers once its members are down together. The largest
  // such set is a greatest fixed point: start from every component with a waiting step and drop
  // those whose every requirement holds with the remaining set down (requirements are monotone,
  // so a dropped component can always finish). A non-empty result is a deadlock: reject it.
  void check_step_deadlocks() {
    if (!out_->has_step_requirements) return;
    out_->node_watched.assign(out_->n_nodes(), 0);
    for (const Step& st : out_->steps)
      if (st.requirement >= 0) out_->node_watched[static_cast<std::size_t>(st.requirement)] = 1;
    const std::size_t nc = out_->components.size();
    // Steps each component can run: its modes' procedures and what they escalate to.
    std::vector<std::vector<std::size_t>> waits(nc);
    for (const Mode& md : out_->modes) {
      std::vector<std::int32_t> todo{md.procedure};
      std::set<std::int32_t> seen;
      while (!todo.empty()) {
        const std::int32_t p = todo.back();
        todo.pop_back();
        if (p < 0 || !seen.insert(p).second) continue;
        const Procedure& proc = out_->procedures[static_cast<std::size_t>(p)];
        for (std::uint32_t k = 0; k < proc.n_steps; ++k) {
          const Step& st = out_->steps[proc.first_step + k];
          if (st.requirement >= 0 && !st.has_fallback)
            waits[md.component].push_back(proc.first_step + k);
          todo.push_back(st.escalate);
        }
      }
    }
    std::vector<std::uint8_t> down(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) down[c] = !waits[c].empty();
    // The step of c that cannot run with `down` down, or none.
    const auto blocked = [&](std::size_t c) -> std::ptrdiff_t {
      for (std::size_t st : waits[c])
        if (!holds_with(static_cast<std::uint32_t>(out_->steps[st].requirement), down))
          return static_cast<std::ptrdiff_t>(st);
      return -1;
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t c = 0; c < nc; ++c)
        if (down[c] && blocked(c) < 0) {
          down[c] = 0;
          changed = true;
        }
    }
    std::vector<std::size_t> stuck;
    for (std::size_t c = 0; c < nc; ++c)
      if (down[c]) stuck.push_back(c);
    if (stuck.empty()) return;
    // Name the smallest story: a component that blocks itself, else the whole set.
    for (std::size_t c : stuck) {
      std::vector<std::uint8_t> alone(nc, 0);
      alone[c] = 1;
      for (std::size_t st : waits[c])
        if (!holds_with(static_cast<std::uint32_t>(out_->steps[st].requirement), alone))
          fail(step_loc_[st].field_of("requires"),
               "requires " + requirement_text(out_->steps[st].requirement) +
                   ", which cannot hold while " + quote(out_->components[c].name) +
                   " itself is down (the step repairs it): it would wait forever");
    }
    std::string story;
    for (std::size_t c : stuck) {
      const auto st = static_cast<std::size_t>(blocked(c));
      story += (story.empty() ? "" : "; ") + quote(out_->components[c].name) + " (" +
               step_loc_[st].text + " requires " + requirement_text(out_->steps[st].requirement) +
               ")";
    }
    const auto first = static_cast<std::size_t>(blocked(stuck.front()));
    fail(step_loc_[first].field_of("requires"),
         "requirement cycle through recovery steps: when " + std::to_string(stuck.size()) +
             " components are down together each waits for another forever: " + story);
  }

  void check_service_cycles() {
    const std::size_t ns = spec_.services.size();
    Digraph g(ns);
    std::vector<std::string> names(ns);
    for (std::size_t s = 0; s < ns; ++s) names[s] = spec_.services[s].name;
    for (const auto& [from, to] : service_deps_) boost::add_edge(from, to, g);
    const auto cycle = find_cycle(g);
    if (!cycle.empty())
      fail_whole("service", names[cycle[0]], "requirement",
                 "cycle in the dependency graph: " + spell_cycle(cycle, names));
    std::vector<Vertex> order;
    boost::topological_sort(g, std::back_inserter(order));  // dependencies first
    for (Vertex v : order) out_->service_order.push_back(static_cast<std::uint32_t>(v));
  }

  void link() {
    const std::size_t nn = out_->n_nodes();
    std::vector<std::vector<std::uint32_t>> par(nn);
    out_->child_offset.assign(1, 0);
    std::vector<std::vector<double>> par_weight(nn);
    for (std::size_t g = 0; g < gate_children_.size(); ++g) {
      const auto& kids = gate_children_[g];
      for (std::size_t i = 0; i < kids.size(); ++i) {
        const double w = gate_weights_[g].empty() ? 1.0 : gate_weights_[g][i];
        par[kids[i]].push_back(out_->gate_node(g));
        par_weight[kids[i]].push_back(w);
        out_->children.push_back(kids[i]);
        out_->child_weight.push_back(w);
      }
      out_->child_offset.push_back(static_cast<std::uint32_t>(out_->children.size()));
    }
    out_->parent_offset.assign(1, 0);
    for (std::size_t i = 0; i < nn; ++i) {
      out_->parents.insert(out_->parents.end(), par[i].begin(), par[i].end());
      out_->parent_weight.insert(out_->parent_weight.end(), par_weight[i].begin(),
                                 par_weight[i].end());
      out_->parent_offset.push_back(static_cast<std::uint32_t>(out_->parents.size()));
    }
    // Services above each component (for RPO: a data-loss incident counts for each of them).
    const std::size_t nc = out_->components.size();
    out_->sa_offset.assign(1, 0);
    for (std::size_t c = 0; c < nc; ++c) {
      std::set<std::uint32_t> seen_nodes, svcs;
      std::vector<std::uint32_t> stack{static_cast<std::uint32_t>(c)};
      while (!stack.empty()) {
        const std::uint32_t n = stack.back();
        stack.pop_back();
        for (std::uint32_t i = out_->parent_offset[n]; i < out_->parent_offset[n + 1]; ++i) {
          const std::uint32_t p = out_->parents[i];
          if (!seen_nodes.insert(p).second) continue;
          const int svc = out_->gates[p - nc].service;
          if (svc >= 0) svcs.insert(static_cast<std::uint32_t>(svc));
          stack.push_back(p);
        }
      }
      out_->services_above.insert(out_->services_above.end(), svcs.begin(), svcs.end());
      out_->sa_offset.push_back(static_cast<std::uint32_t>(out_->services_above.size()));
    }
    std::vector<std::vector<std::uint32_t>> below(out_->services.size());
    for (std::size_t c = 0; c < nc; ++c)
      for (std::uint32_t i = out_->sa_offset[c]; i < out_->sa_offset[c + 1]; ++i)
        below[out_->services_above[i]].push_back(static_cast<std::uint32_t>(c));
    out_->cb_offset.assign(1, 0);
    for (const auto& b : below) {
      out_->components_below.insert(out_->components_below.end(), b.begin(), b.end());
      out_->cb_offset.push_back(static_cast<std::uint32_t>(out_->components_below.size()));
    }
  }

  void costs() {
    std::vector<std::string> names;
    std::vector<double> rto;
    for (const Service& s : out_->services) {
      names.push_back(s.name);
      rto.push_back(s.rto);
    }
    out_->costs = compile_costs(spec_.costs, names, rto);
  }

  struct PendingCascades {
    std::size_t mode;
    const std::vector<CascadeSpec>* specs;
    Loc where;
  };
  std::vector<PendingCascades> pending_cascades_;

  struct PendingEscalation {
    std::size_t step;
    std::string target;
    Loc where;  // the step's escalate field
  };

  const ModelSpec& spec_;
  std::shared_ptr<CompiledModel> out_;
  std::unordered_map<std::string, int> crew_index_, procedure_index_, component_index_,
      service_index_, spare_index_;
  std::vector<std::optional<int>> mode_priority_;  // per mode: its own crew priority, if set
  bool uses_spares_ = false;
  std::unordered_map<std::string, std::uint32_t> step_kind_index_;
  std::vector<PendingEscalation> pending_escalations_;
  struct PendingRequirement {
    std::size_t step;
    const StepSpec* spec;  // in spec_, which outlives the compiler
    Loc where;
  };
  std::vector<PendingRequirement> pending_requirements_;
  std::vector<Loc> step_loc_;  // per compiled step: where it was defined
  std::vector<std::vector<std::uint32_t>> gate_children_;
  std::vector<std::vector<double>> gate_weights_;  // weighted gates: one weight per child
  std::vector<std::pair<std::size_t, std::size_t>> service_deps_;
};

}  // namespace

int CompiledModel::find_component(const std::string& n) const noexcept {
  for (std::size_t i = 0; i < components.size(); ++i)
    if (components[i].name == n) return static_cast<int>(i);
  return -1;
}

int CompiledModel::find_service(const std::string& n) const noexcept {
  for (std::size_t i = 0; i < services.size(); ++i)
    if (services[i].name == n) return static_cast<int>(i);
  return -1;
}

std::shared_ptr<const CompiledModel> compile(const ModelSpec& spec) { return Compiler(spec).run(); }

// ---------------------------------------------------------------------------------------------
// Expected events of one replication: renewal counts from means (a failure is one event plus one
// per step attempt, two when the step waits for an inspection), with a guard for durations the
// clock cannot resolve: t + d == t when d is below half an ulp of t, so a cycle whose sampled
// durations are mostly that small never moves time on, whatever its mean says (Gamma(1e-10, 1)
// samples are almost all 0).

namespace {

std::string num(double v) {
  std::ostringstream os;
  os.precision(3);
  os << v;
  return os.str();
}

struct Estimator {
  const CompiledModel& m;
  double horizon;
  double resolution;  // durations mostly below this do not advance time near the horizon
  EventEstimate best;
  double total = 0;

  bool below_resolution(const Distribution& d) const { return d.cdf(resolution) > 0.5; }

  void add(double events, const std::string& entity, const std::string& reason) {
    if (std::isnan(events)) events = std::numeric_limits<double>::infinity();
    total += events;
    if (events > best.events || best.entity.empty()) best = {events, entity, reason};
  }

  // Mean duration, events and "too short to advance time" of one run through a procedure.
  struct Repair {
    double mean = 0, events = 1;
    bool stalls = true;
  };
  Repair repair(std::int32_t proc) const {
    Repair r;
    if (proc < 0) return r;
    const Procedure& p = m.procedures[static_cast<std::size_t>(proc)];
    for (std::uint32_t i = p.first_step; i < p.first_step + p.n_steps; ++i) {
      const Step& st = m.steps[i];
      // Attempts until success (geometric), at most max_attempts when the step escalates.
      double attempts = st.success > 0 ? 1.0 / st.success : std::numeric_limits<double>::infinity();
      if (st.max_attempts > 0) attempts = std::min(attempts, static_cast<double>(st.max_attempts));
      r.mean += attempts * st.duration.mean() + st.inspection_interval / 2;
      r.events += attempts * (st.inspection_interval > 0 ? 2 : 1);  // step end (+ inspection)
      if (!below_resolution(st.duration) || st.inspection_interval > resolution) r.stalls = false;
    }
    return r;
  }

  EventEstimate run() {
    for (const Component& c : m.components) {
      const std::string who = "component '" + c.name + "'";
      double rate = 0, weighted_repair = 0, weighted_events = 0, data_rate = 0;
      bool stalls = false;
      for (std::uint32_t i = c.first_mode; i < c.first_mode + c.n_modes; ++i) {
        const Mode& md = m.modes[i];
        if (md.planned) continue;
        const double mean = md.ttf.mean();
        const double r = mean > 0 ? 1.0 / mean : std::numeric_limits<double>::infinity();
        const Repair rep = repair(md.procedure);
        rate += r;
        weighted_repair += r * rep.mean;
        weighted_events += r * rep.events;
        if (md.data_loss != DataLoss::none) data_rate += r;
        if (below_resolution(md.ttf) && rep.stalls) stalls = true;
      }
      if (stalls) {
        add(std::numeric_limits<double>::infinity(), who,
            "its times to failure and repair are mostly shorter than the clock can resolve at "
            "the horizon, so simulated time would stop advancing");
        continue;
      }
      if (rate <= 0) continue;
      const double cycle = 1.0 / rate + weighted_repair / rate;
      const double failures = horizon / cycle;
      add(failures * weighted_events / rate, who,
          "its failures and repairs (mean cycle " + num(cycle) + " h)");
      const BackupSpec& b = c.backup;
      if (b.every > 0 && data_rate > 0) {
        // Each data loss walks back over the backups that may not have finished or succeeded.
        const double per_walk =
            std::min(horizon / b.every, (b.duration.mean() - b.duration.lower_bound()) / b.every +
                                            (b.success > 0 ? 1.0 / b.success : horizon / b.every));
        add(failures * (data_rate / rate) * per_walk, who,
            "its backups (every " + num(b.every) +
                " h): each data loss looks back over the backups that may not have finished");
      }
    }
    for (const Shock& sh : m.shocks) {
      const std::string who = "shock '" + sh.name + "'";
      if (below_resolution(sh.every)) {
        add(std::numeric_limits<double>::infinity(), who,
            "its times between arrivals are mostly shorter than the clock can resolve at the "
            "horizon, so simulated time would stop advancing");
        continue;
      }
      const double mean = sh.every.mean();
      add(horizon / mean * (1 + 2 * sh.probability * static_cast<double>(sh.targets.size())), who,
          "its arrivals (mean interval " + num(mean) + " h)");
    }
    for (const MaintenanceWindow& w : m.maintenance) {
      const std::string who = "maintenance of '" + m.components[w.component].name + "'";
      if (!(w.every > resolution)) {
        add(std::numeric_limits<double>::infinity(), who,
            "its interval is shorter than the clock can resolve at the horizon");
        continue;
      }
      add(horizon / w.every * repair(m.modes[static_cast<std::size_t>(w.mode)].procedure).events,
          who, "its windows (every " + num(w.every) + " h)");
    }
    best.events = total;
    return best;
  }
};

}  // namespace

EventEstimate estimate_events(const CompiledModel& model, double horizon) {
  return Estimator{model, horizon, horizon * 0x1p-52, {}, 0}.run();
}

}  // namespace recoverysim
