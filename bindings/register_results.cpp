// Typed results: RunResults and its record tables. Arrays are read-only numpy views of the C++
// buffers, kept alive by the Python object that owns them; the field table of results.hpp names
// every per-replication array once.
#include <algorithm>
#include <cstddef>
#include <string>

#include "common.hpp"
#include "recoverysim/results.hpp"

namespace recoverysim::bind {

namespace {

using RunResultsPtr = std::shared_ptr<RunResults>;

// The record tables hold their RunResults alive; their columns view its record arrays.
struct OutageRecords {
  RunResultsPtr owner;
};
struct DataLossRecords {
  RunResultsPtr owner;
};

template <class T>
py::array readonly_view(const T* data, std::vector<py::ssize_t> shape,
                        std::vector<py::ssize_t> strides, py::handle base) {
  py::array a(py::dtype::of<T>(), std::move(shape), std::move(strides), data, base);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

template <class T>
py::array contiguous_view(const std::vector<T>& v, std::vector<py::ssize_t> shape,
                          py::handle base) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t step = sizeof(T);
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = step;
    step *= shape[i];
  }
  // An empty array (a model without spare pools) still views its owner: numpy needs a pointer.
  static const T none{};
  return readonly_view(v.empty() ? &none : v.data(), std::move(shape), std::move(strides), base);
}

// One field of an array of records, as a strided column.
template <class Record, class T>
py::array column(const std::vector<Record>& records, T Record::* field, py::handle base) {
  const auto n = static_cast<py::ssize_t>(records.size());
  const T* data = records.empty() ? nullptr : &(records.data()->*field);
  return readonly_view(data, {n}, {static_cast<py::ssize_t>(sizeof(Record))}, base);
}

std::vector<py::ssize_t> shape_of(const RunResults& r, Axes axes) {
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(r.replications)};
  for (std::size_t d : entity_shape(r, axes)) shape.push_back(static_cast<py::ssize_t>(d));
  return shape;
}

py::dict arrays(const py::object& self) {
  const auto& r = self.cast<const RunResults&>();
  py::dict out;
  for_each_replication_array([&](const char* name, auto member, Axes axes, const char*) {
    out[name] = contiguous_view(r.*member, shape_of(r, axes), self);
  });
  return out;
}

// A sparse table as the dense (replications, services, keys) array it stands for (a new array:
// memory services x keys per replication, for small models and tests).
py::array dense_cells(const RunResults& r, const SparseCells& c, Axes axes) {
  const auto shape = shape_of(r, axes);
  py::array_t<double> out(shape);
  double* d = out.mutable_data();
  const std::size_t n_s = static_cast<std::size_t>(shape[1]),
                    n_k = static_cast<std::size_t>(shape[2]);
  std::fill(d, d + r.replications * n_s * n_k, 0.0);
  for (std::size_t i = 0; i < c.size(); ++i)
    d[((c.replication[i] - r.first_replication) * n_s + c.service[i]) * n_k + c.key[i]] =
        c.value[i];
  out.attr("setflags")(py::arg("write") = false);
  return out;
}

// The entries of a sparse table as columns.
py::dict cells(const py::object& self, const std::string& name) {
  const auto& r = self.cast<const RunResults&>();
  py::dict out;
  bool found = false;
  for_each_cell_table([&](const char* table, auto member, Axes, const char*) {
    if (name != table) return;
    found = true;
    const SparseCells& c = r.*member;
    const auto n = static_cast<py::ssize_t>(c.size());
    out["replication"] = contiguous_view(c.replication, {n}, self);
    out["service"] = contiguous_view(c.service, {n}, self);
    out["key"] = contiguous_view(c.key, {n}, self);
    out["value"] = contiguous_view(c.value, {n}, self);
  });
  if (!found) {
    std::string known;
    for_each_cell_table([&](const char* table, auto, Axes, const char*) {
      known += (known.empty() ? "" : ", ") + std::string(table);
    });
    throw py::key_error("no sparse table '" + name + "'; tables: " + known);
  }
  return out;
}

std::string describe(const RunResults& r) {
  return "RunResults(replications [" + std::to_string(r.first_replication) + ", " +
         std::to_string(r.first_replication + r.replications) + "), " +
         std::to_string(r.n_services) + " services, " + std::to_string(r.n_components) +
         " components, " + std::to_string(r.outages.size()) + " outage records, " +
         std::to_string(r.losses.size()) + " data-loss records)";
}

}  // namespace

void register_results(py::module_& m) {
  using namespace pybind11::literals;

  py::class_<OutageRecords>(m, "OutageRecords",
                            "Outages of the kept replications, as columns (one row per outage, "
                            "in replication and time order).")
      .def("__len__", [](const OutageRecords& t) { return t.owner->outages.size(); })
      .def_property_readonly(
          "replication",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages,
                          &OutageRecord::replication, self);
          },
          "Global replication index (uint64).")
      .def_property_readonly(
          "service",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::service,
                          self);
          },
          "Service index (uint32).")
      .def_property_readonly(
          "start",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::start,
                          self);
          },
          "Start (hours).")
      .def_property_readonly(
          "duration",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::duration,
                          self);
          },
          "Duration (hours; up to the horizon if censored).")
      .def_property_readonly(
          "censored",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::censored,
                          self);
          },
          "Still open at the horizon (bool).")
      .def_property_readonly(
          "planned",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::planned,
                          self);
          },
          "Begun by a maintenance window (bool).")
      .def_property_readonly(
          "cause",
          [](py::object self) {
            return column(self.cast<const OutageRecords&>().owner->outages, &OutageRecord::cause,
                          self);
          },
          "Root cause: a mode index, or the number of modes + a shock index (int32).")
      .def_property_readonly(
          "phases",
          [](py::object self) {
            const RunResults& r = *self.cast<const OutageRecords&>().owner;
            return contiguous_view(
                r.outage_phases,
                {static_cast<py::ssize_t>(r.outages.size()), static_cast<py::ssize_t>(r.n_phases)},
                self);
          },
          "Hours spent in each recovery phase, shape (outages, phases).");

  py::class_<DataLossRecords>(m, "DataLossRecords",
                              "Data-loss incidents of the kept replications, as columns.")
      .def("__len__", [](const DataLossRecords& t) { return t.owner->losses.size(); })
      .def_property_readonly(
          "replication",
          [](py::object self) {
            return column(self.cast<const DataLossRecords&>().owner->losses,
                          &DataLossRecord::replication, self);
          },
          "Global replication index (uint64).")
      .def_property_readonly(
          "component",
          [](py::object self) {
            return column(self.cast<const DataLossRecords&>().owner->losses,
                          &DataLossRecord::component, self);
          },
          "Component index (uint32).")
      .def_property_readonly(
          "mode",
          [](py::object self) {
            return column(self.cast<const DataLossRecords&>().owner->losses, &DataLossRecord::mode,
                          self);
          },
          "Failure mode index (int32).")
      .def_property_readonly(
          "time",
          [](py::object self) {
            return column(self.cast<const DataLossRecords&>().owner->losses, &DataLossRecord::time,
                          self);
          },
          "When the data was lost (hours).")
      .def_property_readonly(
          "loss",
          [](py::object self) {
            return column(self.cast<const DataLossRecords&>().owner->losses, &DataLossRecord::loss,
                          self);
          },
          "Hours of writes lost.");

  py::class_<RunResults, RunResultsPtr> cls(
      m, "RunResults",
      "What the engine returns for a block of replications: per-replication arrays shaped "
      "(replications, ...) as read-only views, the pooled outage-duration histogram and the "
      "records of the kept replications. Picklable; chunks merge with RunResults.merge.");
  cls.def_readonly("first_replication", &RunResults::first_replication)
      .def_readonly("replications", &RunResults::replications)
      .def_readonly("n_services", &RunResults::n_services)
      .def_readonly("n_components", &RunResults::n_components)
      .def_readonly("n_modes", &RunResults::n_modes)
      .def_readonly("n_phases", &RunResults::n_phases)
      .def_readonly("n_causes", &RunResults::n_causes)
      .def_readonly("n_spares", &RunResults::n_spares)
      .def_readonly("horizon", &RunResults::horizon);
  for_each_replication_array([&](const char* name, auto member, Axes axes, const char* doc) {
    cls.def_property_readonly(
        name,
        [member, axes](py::object self) {
          const auto& r = self.cast<const RunResults&>();
          return contiguous_view(r.*member, shape_of(r, axes), self);
        },
        doc);
  });
  for_each_cell_table([&](const char* name, auto member, Axes axes, const char* doc) {
    cls.def_property_readonly(
        name, [member, axes](const RunResults& r) { return dense_cells(r, r.*member, axes); }, doc);
  });
  cls.def_property_readonly(
         "outage_histogram",
         [](py::object self) {
           const auto& r = self.cast<const RunResults&>();
           return contiguous_view(r.outage_histogram,
                                  {static_cast<py::ssize_t>(r.n_services),
                                   static_cast<py::ssize_t>(DurationHistogram::kBins)},
                                  self);
         },
         "Completed outages by duration bin (see histogram_edges), shape (services, bins), "
         "pooled over the replications.")
      .def_property_readonly(
          "outage_records", [](RunResultsPtr self) { return OutageRecords{std::move(self)}; },
          "Every outage of the kept replications.")
      .def_property_readonly(
          "loss_records", [](RunResultsPtr self) { return DataLossRecords{std::move(self)}; },
          "Every data-loss incident of the kept replications.")
      .def("arrays", &arrays,
           "The per-replication arrays by name (the views the properties give), for code that "
           "treats them all alike: sums, comparisons.")
      .def("cells", &cells, py::arg("name"),
           "The entries of a sparse table (service_cause_downtime, service_phase_downtime, "
           "service_cause_cost) as columns replication, service, key, value: one per cell "
           "that received a value, in replication order. Memory grows with what happened, "
           "not with services x causes.")
      .def(
          "records_only",
          [](const RunResults& r) { return std::make_shared<RunResults>(records_only(r)); },
          "The histogram and records without the per-replication arrays (zero replications).")
      .def_static(
          "merge",
          [](const std::vector<RunResultsPtr>& parts) {
            std::vector<const RunResults*> ptrs;
            for (const auto& p : parts) {
              if (!p) throw py::type_error("merge: parts must be RunResults, not None");
              ptrs.push_back(p.get());
            }
            return std::make_shared<RunResults>(merge_results(ptrs));
          },
          py::arg("parts"),
          "Concatenate chunks in the order given (replication order): arrays and records are "
          "appended, histograms added.")
      .def_static(
          "empty",
          [](const std::shared_ptr<CompiledModel>& model, double horizon) {
            return std::make_shared<RunResults>(empty_results(*model, horizon));
          },
          py::arg("model"), py::kw_only(), "horizon"_a,
          "Results of zero replications with the model's shape, without running anything.")
      .def(
          "__eq__", [](const RunResults& a, const RunResults& b) { return identical(a, b); },
          py::is_operator())
      .def("__repr__", &describe)
      .def(py::pickle([](const RunResults& r) { return py::bytes(serialize_results(r)); },
                      [](const py::bytes& b) {
                        return std::make_shared<RunResults>(
                            deserialize_results(std::string_view(b)));
                      }));
}

}  // namespace recoverysim::bind
