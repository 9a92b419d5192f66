#include <cmath>
#include <limits>

#include "common.hpp"
#include "recoverysim/log.hpp"
#include "recoverysim/runner.hpp"

namespace recoverysim::bind {

void register_simulation(py::module_& m) {
  using namespace pybind11::literals;

  m.def(
      "simulate",
      [](std::shared_ptr<CompiledModel> model, double horizon, std::uint64_t seed,
         std::uint64_t first_replication, std::uint64_t replications, int threads,
         py::object progress) {
        if (!std::isfinite(horizon) || horizon <= 0)
          throw py::value_error("horizon must be a positive, finite number of hours");
        if (replications < 1) throw py::value_error("replications must be >= 1");
        if (threads < 0) throw py::value_error("threads must be >= 0 (0 = all cores)");
        RunOptions opt{horizon, seed, first_replication, replications, threads};

        // The tick runs on this (calling) thread only: it takes the GIL, reports progress and
        // checks for Ctrl-C. Worker threads never touch Python.
        std::unique_ptr<py::error_already_set> saved;
        TickFn tick = [&](std::uint64_t done) -> bool {
          py::gil_scoped_acquire gil;
          if (PyErr_CheckSignals() != 0) {
            saved = std::make_unique<py::error_already_set>();
            return false;
          }
          if (!progress.is_none()) {
            try {
              progress(done);
            } catch (py::error_already_set& e) {
              saved = std::make_unique<py::error_already_set>(std::move(e));
              return false;
            }
          }
          return true;
        };
        RunResults r;
        {
          py::gil_scoped_release release;
          r = run(*model, opt, tick);
        }
        if (saved) throw std::move(*saved);
        if (!r.completed) throw py::value_error("simulation stopped before it completed");

        const auto n = static_cast<py::ssize_t>(r.replications);
        const auto ns = static_cast<py::ssize_t>(r.n_services);
        const auto nc = static_cast<py::ssize_t>(r.n_components);
        const auto nm = static_cast<py::ssize_t>(r.n_modes);
        py::dict out;
        out["service_downtime"] = to_numpy(std::move(r.service_downtime), {n, ns});
        out["service_outages"] = to_numpy(std::move(r.service_outages), {n, ns});
        out["component_downtime"] = to_numpy(std::move(r.component_downtime), {n, nc});
        out["mode_failures"] = to_numpy(std::move(r.mode_failures), {n, nm});
        out["events"] = to_numpy(std::move(r.events), {n});
        out["outage_histogram"] = to_numpy(std::move(r.outage_histogram),
                                           {ns, static_cast<py::ssize_t>(DurationHistogram::kBins)});
        return out;
      },
      py::arg("model"), py::kw_only(), "horizon"_a, "seed"_a, "first_replication"_a = 0,
      "replications"_a, "threads"_a = 0, "progress"_a = py::none(),
      "Run replications [first_replication, first_replication + replications) of a compiled "
      "model. Releases the GIL; Ctrl-C stops the run and raises KeyboardInterrupt.");

  m.def("histogram_edges", [] {
    std::vector<double> e;
    for (int b = 0; b <= DurationHistogram::kBins; ++b)
      e.push_back(b == DurationHistogram::kBins ? std::numeric_limits<double>::infinity()
                                                : DurationHistogram::lower_edge(b));
    const auto size = static_cast<py::ssize_t>(e.size());
    return to_numpy(std::move(e), {size});
  }, "Lower edges of the outage-duration histogram bins (hours), with +inf appended.");

  m.def("default_threads", &default_threads);
  m.def("set_log_level", &set_log_level, py::arg("level"));
  m.def("log_level", &log_level);
}

}  // namespace recoverysim::bind
