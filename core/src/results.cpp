#include "recoverysim/results.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace recoverysim {

std::vector<std::size_t> entity_shape(const RunResults& r, Axes axes) {
  switch (axes) {
    case Axes::none:
      return {};
    case Axes::service:
      return {r.n_services};
    case Axes::component:
      return {r.n_components};
    case Axes::mode:
      return {r.n_modes};
    case Axes::service_cause:
      return {r.n_services, r.n_causes};
    case Axes::service_phase:
      return {r.n_services, r.n_phases};
    case Axes::spare:
      return {r.n_spares};
  }
  return {};
}

namespace {

std::size_t row_size(const RunResults& r, Axes axes) {
  std::size_t n = 1;
  for (std::size_t d : entity_shape(r, axes)) n *= d;
  return n;
}

bool same_shape(const RunResults& a, const RunResults& b) {
  return a.n_services == b.n_services && a.n_components == b.n_components &&
         a.n_modes == b.n_modes && a.n_phases == b.n_phases && a.n_causes == b.n_causes &&
         a.n_spares == b.n_spares;
}

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

}  // namespace

RunResults empty_results(const CompiledModel& model, double horizon) {
  RunResults r;
  r.allocate(model, 0, 0, horizon);
  return r;
}

RunResults merge_results(const std::vector<const RunResults*>& parts) {
  if (parts.empty()) throw std::invalid_argument("merge: no results to merge");
  const RunResults& first = *parts.front();
  RunResults out;
  out.first_replication = first.first_replication;
  out.n_services = first.n_services;
  out.n_components = first.n_components;
  out.n_modes = first.n_modes;
  out.n_phases = first.n_phases;
  out.n_causes = first.n_causes;
  out.n_spares = first.n_spares;
  out.horizon = first.horizon;
  out.outage_histogram.assign(first.outage_histogram.size(), 0);
  for (const RunResults* p : parts) {
    if (!same_shape(*p, first) || !same_bits(p->horizon, first.horizon))
      throw std::invalid_argument(
          "merge: the results come from different models or horizons (their shapes differ)");
    out.replications += p->replications;
    out.completed = out.completed && p->completed;
    for_each_replication_array(
        [&](const char*, auto member, Axes, const char*) { append(out.*member, p->*member); });
    for_each_cell_table([&](const char*, auto member, Axes, const char*) {
      (out.*member).append(p->*member, 0, (p->*member).size());
    });
    for (std::size_t i = 0; i < out.outage_histogram.size(); ++i)
      out.outage_histogram[i] += p->outage_histogram[i];
    append(out.outages, p->outages);
    append(out.outage_phases, p->outage_phases);
    append(out.losses, p->losses);
  }
  return out;
}

RunResults records_only(const RunResults& r) {
  RunResults out;
  out.first_replication = r.first_replication;
  out.replications = 0;
  out.n_services = r.n_services;
  out.n_components = r.n_components;
  out.n_modes = r.n_modes;
  out.n_phases = r.n_phases;
  out.n_causes = r.n_causes;
  out.n_spares = r.n_spares;
  out.horizon = r.horizon;
  out.completed = r.completed;
  out.outage_histogram = r.outage_histogram;
  out.outages = r.outages;
  out.outage_phases = r.outage_phases;
  out.losses = r.losses;
  return out;
}

bool identical(const RunResults& a, const RunResults& b) {
  if (a.first_replication != b.first_replication || a.replications != b.replications ||
      !same_shape(a, b) || !same_bits(a.horizon, b.horizon) || a.completed != b.completed)
    return false;
  bool same = true;
  for_each_replication_array([&](const char*, auto member, Axes, const char*) {
    same = same && same_bits(a.*member, b.*member);
  });
  for_each_cell_table([&](const char*, auto member, Axes, const char*) {
    const SparseCells &x = a.*member, &y = b.*member;
    same = same && same_bits(x.replication, y.replication) && same_bits(x.service, y.service) &&
           same_bits(x.key, y.key) && same_bits(x.value, y.value);
  });
  if (!same || !same_bits(a.outage_histogram, b.outage_histogram) ||
      !same_bits(a.outage_phases, b.outage_phases) || a.outages.size() != b.outages.size() ||
      a.losses.size() != b.losses.size())
    return false;
  for (std::size_t i = 0; i < a.outages.size(); ++i) {
    const OutageRecord &x = a.outages[i], &y = b.outages[i];
    if (x.replication != y.replication || x.service != y.service || !same_bits(x.start, y.start) ||
        !same_bits(x.duration, y.duration) || x.censored != y.censored || x.cause != y.cause ||
        x.planned != y.planned)
      return false;
  }
  for (std::size_t i = 0; i < a.losses.size(); ++i) {
    const DataLossRecord &x = a.losses[i], &y = b.losses[i];
    if (x.replication != y.replication || x.component != y.component || x.mode != y.mode ||
        !same_bits(x.time, y.time) || !same_bits(x.loss, y.loss))
      return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Binary forms

namespace {

static_assert(std::endian::native == std::endian::little ||
              std::endian::native == std::endian::big);
constexpr std::uint8_t kNativeOrder = std::endian::native == std::endian::little ? 1 : 2;

class Writer {
 public:
  explicit Writer(const char magic[4], std::uint32_t version) {
    out_.append(magic, 4);
    put(version);
    put(kNativeOrder);
  }
  template <class T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(bool v) { put(static_cast<std::uint8_t>(v ? 1 : 0)); }
  void put(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    out_.append(s);
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void put(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view in, const char magic[4], std::uint32_t version, const char* what)
      : in_(in), what_(what) {
    if (in_.size() < 4 || in_.substr(0, 4) != std::string_view(magic, 4))
      fail("not the binary form of " + std::string(what));
    in_.remove_prefix(4);
    if (get<std::uint32_t>() != version) fail("written by another version of recoverysim");
    if (get<std::uint8_t>() != kNativeOrder) fail("written on a machine of another byte order");
  }
  template <class T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return v;
  }
  bool flag() {
    const auto b = get<std::uint8_t>();
    if (b > 1) fail("corrupt flag");
    return b == 1;
  }
  std::size_t count(std::size_t element_size) {
    const auto n = get<std::uint64_t>();
    if (element_size > 0 && n > in_.size() / element_size) fail("truncated");
    return static_cast<std::size_t>(n);
  }
  std::string text() {
    const std::size_t n = count(1);
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  template <class T>
  std::vector<T> array() {
    const std::size_t n = count(sizeof(T));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), in_.data(), n * sizeof(T));
    in_.remove_prefix(n * sizeof(T));
    return v;
  }
  void finish() {
    if (!in_.empty()) fail("trailing bytes");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("cannot read " + std::string(what_) + ": " + why);
  }

 private:
  void need(std::size_t n) const {
    if (in_.size() < n) fail("truncated");
  }
  std::string_view in_;
  const char* what_;
};

constexpr char kResultsMagic[4] = {'R', 'S', 'R', 'R'};
constexpr char kSpecMagic[4] = {'R', 'S', 'M', 'S'};
// Results versions. 2: money, capacity and spare-pool arrays; 3: downtime and cost by cause and
// downtime by phase as sparse cells
constexpr std::uint32_t kResultsVersion = 3;
// Spec versions. 2: incident scenarios (forced events); 3: costs, weighted gates, capacity
// services, crews (several members, priorities, calendars), spare pools, step requirements
// (requires, fallback), service restart procedures and per-target shock outages (per_target,
// stagger)
constexpr std::uint32_t kSpecVersion = 3;

}  // namespace

std::string serialize_results(const RunResults& r) {
  Writer w(kResultsMagic, kResultsVersion);
  w.put(static_cast<std::uint64_t>(r.first_replication));
  w.put(static_cast<std::uint64_t>(r.replications));
  for (std::size_t n :
       {r.n_services, r.n_components, r.n_modes, r.n_phases, r.n_causes, r.n_spares})
    w.put(static_cast<std::uint64_t>(n));
  w.put(r.horizon);
  w.put(r.completed);
  for_each_replication_array(
      [&](const char*, auto member, Axes, const char*) { w.put(r.*member); });
  for_each_cell_table([&](const char*, auto member, Axes, const char*) {
    const SparseCells& c = r.*member;
    w.put(c.replication);
    w.put(c.service);
    w.put(c.key);
    w.put(c.value);
  });
  w.put(r.outage_histogram);
  w.put(static_cast<std::uint64_t>(r.outages.size()));
  for (const OutageRecord& o : r.outages) {
    w.put(o.replication);
    w.put(o.service);
    w.put(o.start);
    w.put(o.duration);
    w.put(o.censored);
    w.put(o.cause);
    w.put(o.planned);
  }
  w.put(r.outage_phases);
  w.put(static_cast<std::uint64_t>(r.losses.size()));
  for (const DataLossRecord& l : r.losses) {
    w.put(l.replication);
    w.put(l.component);
    w.put(l.mode);
    w.put(l.time);
    w.put(l.loss);
  }
  return w.take();
}

RunResults deserialize_results(std::string_view bytes) {
  Reader rd(bytes, kResultsMagic, kResultsVersion, "run results");
  RunResults r;
  r.first_replication = rd.get<std::uint64_t>();
  r.replications = rd.get<std::uint64_t>();
  for (std::size_t* n :
       {&r.n_services, &r.n_components, &r.n_modes, &r.n_phases, &r.n_causes, &r.n_spares})
    *n = static_cast<std::size_t>(rd.get<std::uint64_t>());
  r.horizon = rd.get<double>();
  r.completed = rd.flag();
  for_each_replication_array([&](const char* name, auto member, Axes axes, const char*) {
    using Vec = std::remove_reference_t<decltype(r.*member)>;
    r.*member = rd.array<typename Vec::value_type>();
    if ((r.*member).size() != r.replications * row_size(r, axes))
      rd.fail(std::string("array ") + name + " has the wrong size");
  });
  for_each_cell_table([&](const char* name, auto member, Axes axes, const char*) {
    SparseCells& c = r.*member;
    c.replication = rd.array<std::uint64_t>();
    c.service = rd.array<std::uint32_t>();
    c.key = rd.array<std::uint32_t>();
    c.value = rd.array<double>();
    const auto shape = entity_shape(r, axes);
    const std::size_t n = c.value.size();
    bool ok = c.replication.size() == n && c.service.size() == n && c.key.size() == n;
    for (std::size_t i = 0; ok && i < n; ++i)
      ok = c.replication[i] >= r.first_replication &&
           c.replication[i] - r.first_replication < r.replications && c.service[i] < shape[0] &&
           c.key[i] < shape[1];
    if (!ok) rd.fail(std::string("the cells of ") + name + " are inconsistent");
  });
  r.outage_histogram = rd.array<std::uint64_t>();
  if (r.outage_histogram.size() != r.n_services * DurationHistogram::kBins)
    rd.fail("the outage histogram has the wrong size");
  r.outages.resize(rd.count(1));
  for (OutageRecord& o : r.outages) {
    o.replication = rd.get<std::uint64_t>();
    o.service = rd.get<std::uint32_t>();
    o.start = rd.get<double>();
    o.duration = rd.get<double>();
    o.censored = rd.flag();
    o.cause = rd.get<std::int32_t>();
    o.planned = rd.flag();
  }
  r.outage_phases = rd.array<double>();
  if (r.outage_phases.size() != r.outages.size() * r.n_phases)
    rd.fail("the outage phases have the wrong size");
  r.losses.resize(rd.count(1));
  for (DataLossRecord& l : r.losses) {
    l.replication = rd.get<std::uint64_t>();
    l.component = rd.get<std::uint32_t>();
    l.mode = rd.get<std::int32_t>();
    l.time = rd.get<double>();
    l.loss = rd.get<double>();
  }
  rd.finish();
  return r;
}

// --- model spec --------------------------------------------------------------------------------

namespace {

void put(Writer& w, const Distribution& d) {
  w.put(d.kind());
  if (d.kind() == DistKind::empirical) {
    w.put(d.values());
  } else {
    for (int i = 0; i < 3; ++i) w.put(d.param(i));
  }
}

Distribution get_distribution(Reader& rd) {
  const auto kind = rd.get<DistKind>();
  if (kind == DistKind::empirical) return Distribution::empirical(rd.array<double>());
  double p[3];
  for (double& x : p) x = rd.get<double>();
  // The factories recompute every derived constant from the parameters they were given.
  switch (kind) {
    case DistKind::exponential:
      return Distribution::exponential(p[0]);
    case DistKind::weibull:
      return Distribution::weibull(p[0], p[1]);
    case DistKind::lognormal:
      return Distribution::lognormal(p[0], p[1]);
    case DistKind::gamma:
      return Distribution::gamma(p[0], p[1]);
    case DistKind::normal:
      return Distribution::normal(p[0], p[1]);
    case DistKind::uniform:
      return Distribution::uniform(p[0], p[1]);
    case DistKind::triangular:
      return Distribution::triangular(p[0], p[1], p[2]);
    case DistKind::deterministic:
      return Distribution::deterministic(p[0]);
    case DistKind::empirical:
      break;
  }
  rd.fail("unknown distribution kind");
}

template <class T, class Put>
void put_list(Writer& w, const std::vector<T>& v, Put&& one) {
  w.put(static_cast<std::uint64_t>(v.size()));
  for (const T& x : v) one(x);
}

template <class T, class Get>
std::vector<T> get_list(Reader& rd, Get&& one) {
  std::vector<T> v(rd.count(1));
  for (T& x : v) x = one();
  return v;
}

void put_names(Writer& w, const std::vector<std::string>& v) {
  put_list(w, v, [&](const std::string& s) { w.put(s); });
}

std::vector<std::string> get_names(Reader& rd) {
  return get_list<std::string>(rd, [&] { return rd.text(); });
}

void put(Writer& w, const RequirementSpec& r);
RequirementSpec get_requirement(Reader& rd);

void put(Writer& w, const ProcedureSpec& p) {
  w.put(p.name);
  put_list(w, p.steps, [&](const StepSpec& s) {
    w.put(s.name);
    put(w, s.duration);
    w.put(s.crew);
    w.put(s.success);
    w.put(static_cast<std::int32_t>(s.max_attempts));
    w.put(s.escalate);
    w.put(s.inspection_interval);
    w.put(s.inspection_offset);
    put_list(w, s.crews, [&](const std::pair<std::string, int>& n) {
      w.put(n.first);
      w.put(static_cast<std::int32_t>(n.second));
    });
    w.put(s.spare);
    put_list(w, s.requirement, [&](const RequirementSpec& r) { put(w, r); });
    w.put(s.has_fallback);
    put(w, s.fallback);
  });
}

ProcedureSpec get_procedure(Reader& rd) {
  ProcedureSpec p;
  p.name = rd.text();
  p.steps = get_list<StepSpec>(rd, [&] {
    StepSpec s;
    s.name = rd.text();
    s.duration = get_distribution(rd);
    s.crew = rd.text();
    s.success = rd.get<double>();
    s.max_attempts = rd.get<std::int32_t>();
    s.escalate = rd.text();
    s.inspection_interval = rd.get<double>();
    s.inspection_offset = rd.get<double>();
    s.crews = get_list<std::pair<std::string, int>>(rd, [&] {
      std::string name = rd.text();
      return std::pair<std::string, int>{std::move(name), rd.get<std::int32_t>()};
    });
    s.spare = rd.text();
    s.requirement = get_list<RequirementSpec>(rd, [&] { return get_requirement(rd); });
    s.has_fallback = rd.flag();
    s.fallback = get_distribution(rd);
    return s;
  });
  return p;
}

void put(Writer& w, const RequirementSpec& r) {
  w.put(r.kind);
  w.put(r.name);
  w.put(static_cast<std::int32_t>(r.k));
  put_list(w, r.children, [&](const RequirementSpec& c) { put(w, c); });
  put(w, r.standby.detection);
  put(w, r.standby.switchover);
  w.put(r.standby.success);
  w.put(r.standby.dormancy);
  w.put(r.load_sharing);
  put_list(w, r.weights, [&](double x) { w.put(x); });
  w.put(r.threshold);
  w.put(static_cast<std::uint8_t>(r.strict));
}

RequirementSpec get_requirement(Reader& rd) {
  RequirementSpec r;
  r.kind = rd.get<GateKind>();
  if (static_cast<std::uint8_t>(r.kind) > static_cast<std::uint8_t>(GateKind::weighted))
    rd.fail("unknown requirement kind");
  r.name = rd.text();
  r.k = rd.get<std::int32_t>();
  r.children = get_list<RequirementSpec>(rd, [&] { return get_requirement(rd); });
  r.standby.detection = get_distribution(rd);
  r.standby.switchover = get_distribution(rd);
  r.standby.success = rd.get<double>();
  r.standby.dormancy = rd.get<double>();
  r.load_sharing = rd.get<double>();
  r.weights = get_list<double>(rd, [&] { return rd.get<double>(); });
  r.threshold = rd.get<double>();
  r.strict = rd.get<std::uint8_t>() != 0;
  return r;
}

}  // namespace

std::string serialize_spec(const ModelSpec& spec) {
  Writer w(kSpecMagic, kSpecVersion);
  w.put(spec.name);
  put_list(w, spec.components, [&](const ComponentSpec& c) {
    w.put(c.name);
    put_list(w, c.modes, [&](const FailureModeSpec& m) {
      w.put(m.name);
      put(w, m.ttf);
      put(w, m.procedure);
      w.put(m.data_loss);
      put_list(w, m.cascades, [&](const CascadeSpec& k) {
        w.put(k.target);
        w.put(k.mode);
        w.put(k.probability);
        put(w, k.delay);
      });
      w.put(m.has_priority);
      w.put(static_cast<std::int32_t>(m.priority));
    });
    put_list(w, c.tags, [&](const std::pair<std::string, std::string>& t) {
      w.put(t.first);
      w.put(t.second);
    });
    w.put(c.backup.every);
    w.put(c.backup.offset);
    put(w, c.backup.duration);
    w.put(c.backup.success);
    w.put(c.replicated);
    put(w, c.replication_lag);
    w.put(c.has_priority);
    w.put(static_cast<std::int32_t>(c.priority));
  });
  put_list(w, spec.crews, [&](const CrewSpec& c) {
    w.put(c.name);
    w.put(static_cast<std::int32_t>(c.size));
    w.put(c.preemptive);
    put_list(w, c.shifts, [&](const std::pair<double, double>& x) {
      w.put(x.first);
      w.put(x.second);
    });
    w.put(c.origin);
  });
  put_list(w, spec.procedures, [&](const ProcedureSpec& p) { put(w, p); });
  put_list(w, spec.services, [&](const ServiceSpec& s) {
    w.put(s.name);
    put(w, s.requirement);
    w.put(s.rto);
    w.put(s.rpo);
    w.put(s.has_rpo);
    put_list(w, s.demand, [&](double x) { w.put(x); });
    w.put(s.down_below);
    w.put(s.has_priority);
    w.put(static_cast<std::int32_t>(s.priority));
    put(w, ProcedureSpec{"", s.restart});
  });
  put_list(w, spec.shocks, [&](const ShockSpec& s) {
    w.put(s.name);
    put(w, s.every);
    put_names(w, s.targets);
    w.put(s.probability);
    w.put(s.hold);
    w.put(s.mode);
    put(w, s.outage);
    w.put(s.per_target);
    w.put(s.has_stagger);
    put(w, s.stagger);
  });
  put_list(w, spec.maintenance, [&](const MaintenanceSpec& m) {
    w.put(m.name);
    put_names(w, m.targets);
    w.put(m.every);
    w.put(m.offset);
    put(w, m.duration);
    w.put(m.crew);
  });
  w.put(spec.age_when_down);
  put_list(w, spec.forced, [&](const ForcedEventSpec& f) {
    w.put(f.time);
    w.put(f.shock);
    w.put(f.target);
    w.put(f.mode);
  });
  put_list(w, spec.costs, [&](const ServiceCostSpec& c) {
    w.put(c.service);
    w.put(c.per_hour);
    w.put(c.weekly);
    w.put(c.week_origin);
    w.put(c.per_outage);
    w.put(c.beyond_rto_per_hour);
    w.put(c.planned_per_hour);
    w.put(c.loss_per_incident);
    w.put(c.loss_per_hour);
    w.put(c.sla_fee);
    w.put(c.sla_period);
    put_list(w, c.sla_tiers, [&](const SlaTierSpec& t) {
      w.put(t.below);
      w.put(t.share);
    });
  });
  put_list(w, spec.spares, [&](const SparePoolSpec& p) {
    w.put(p.name);
    w.put(static_cast<std::int32_t>(p.stock));
    put(w, p.lead_time);
    w.put(p.has_emergency);
    put(w, p.emergency);
  });
  return w.take();
}

ModelSpec deserialize_spec(std::string_view bytes) {
  Reader rd(bytes, kSpecMagic, kSpecVersion, "a model spec");
  ModelSpec spec;
  spec.name = rd.text();
  spec.components = get_list<ComponentSpec>(rd, [&] {
    ComponentSpec c;
    c.name = rd.text();
    c.modes = get_list<FailureModeSpec>(rd, [&] {
      FailureModeSpec m;
      m.name = rd.text();
      m.ttf = get_distribution(rd);
      m.procedure = get_procedure(rd);
      m.data_loss = rd.get<DataLoss>();
      if (static_cast<std::uint8_t>(m.data_loss) > static_cast<std::uint8_t>(DataLoss::backup_only))
        rd.fail("unknown data-loss kind");
      m.cascades = get_list<CascadeSpec>(rd, [&] {
        CascadeSpec k;
        k.target = rd.text();
        k.mode = rd.text();
        k.probability = rd.get<double>();
        k.delay = get_distribution(rd);
        return k;
      });
      m.has_priority = rd.flag();
      m.priority = rd.get<std::int32_t>();
      return m;
    });
    c.tags = get_list<std::pair<std::string, std::string>>(rd, [&] {
      std::string key = rd.text();
      return std::pair{std::move(key), rd.text()};
    });
    c.backup.every = rd.get<double>();
    c.backup.offset = rd.get<double>();
    c.backup.duration = get_distribution(rd);
    c.backup.success = rd.get<double>();
    c.replicated = rd.flag();
    c.replication_lag = get_distribution(rd);
    c.has_priority = rd.flag();
    c.priority = rd.get<std::int32_t>();
    return c;
  });
  spec.crews = get_list<CrewSpec>(rd, [&] {
    CrewSpec c;
    c.name = rd.text();
    c.size = rd.get<std::int32_t>();
    c.preemptive = rd.flag();
    c.shifts = get_list<std::pair<double, double>>(rd, [&] {
      const double a = rd.get<double>();
      return std::pair<double, double>{a, rd.get<double>()};
    });
    c.origin = rd.get<double>();
    return c;
  });
  spec.procedures = get_list<ProcedureSpec>(rd, [&] { return get_procedure(rd); });
  spec.services = get_list<ServiceSpec>(rd, [&] {
    ServiceSpec s;
    s.name = rd.text();
    s.requirement = get_requirement(rd);
    s.rto = rd.get<double>();
    s.rpo = rd.get<double>();
    s.has_rpo = rd.flag();
    s.demand = get_list<double>(rd, [&] { return rd.get<double>(); });
    s.down_below = rd.get<double>();
    s.has_priority = rd.flag();
    s.priority = rd.get<std::int32_t>();
    s.restart = get_procedure(rd).steps;
    return s;
  });
  spec.shocks = get_list<ShockSpec>(rd, [&] {
    ShockSpec s;
    s.name = rd.text();
    s.every = get_distribution(rd);
    s.targets = get_names(rd);
    s.probability = rd.get<double>();
    s.hold = rd.flag();
    s.mode = rd.text();
    s.outage = get_distribution(rd);
    s.per_target = rd.flag();
    s.has_stagger = rd.flag();
    s.stagger = get_distribution(rd);
    return s;
  });
  spec.maintenance = get_list<MaintenanceSpec>(rd, [&] {
    MaintenanceSpec m;
    m.name = rd.text();
    m.targets = get_names(rd);
    m.every = rd.get<double>();
    m.offset = rd.get<double>();
    m.duration = get_distribution(rd);
    m.crew = rd.text();
    return m;
  });
  spec.age_when_down = rd.flag();
  spec.forced = get_list<ForcedEventSpec>(rd, [&] {
    ForcedEventSpec f;
    f.time = rd.get<double>();
    f.shock = rd.flag();
    f.target = rd.text();
    f.mode = rd.text();
    return f;
  });
  spec.costs = get_list<ServiceCostSpec>(rd, [&] {
    ServiceCostSpec c;
    c.service = rd.text();
    c.per_hour = rd.get<double>();
    c.weekly = rd.array<double>();
    c.week_origin = rd.get<double>();
    c.per_outage = rd.get<double>();
    c.beyond_rto_per_hour = rd.get<double>();
    c.planned_per_hour = rd.get<double>();
    c.loss_per_incident = rd.get<double>();
    c.loss_per_hour = rd.get<double>();
    c.sla_fee = rd.get<double>();
    c.sla_period = rd.get<double>();
    c.sla_tiers = get_list<SlaTierSpec>(rd, [&] {
      SlaTierSpec t;
      t.below = rd.get<double>();
      t.share = rd.get<double>();
      return t;
    });
    return c;
  });
  spec.spares = get_list<SparePoolSpec>(rd, [&] {
    SparePoolSpec p;
    p.name = rd.text();
    p.stock = rd.get<std::int32_t>();
    p.lead_time = get_distribution(rd);
    p.has_emergency = rd.flag();
    p.emergency = get_distribution(rd);
    return p;
  });
  rd.finish();
  return spec;
}

}  // namespace recoverysim
