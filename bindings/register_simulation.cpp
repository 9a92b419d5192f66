#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <thread>

#include "common.hpp"
#include "recoverysim/log.hpp"
#include "recoverysim/results.hpp"
#include "recoverysim/runner.hpp"

namespace recoverysim::bind {

void register_simulation(py::module_& m) {
  using namespace pybind11::literals;

  m.def(
      "simulate",
      [](std::shared_ptr<CompiledModel> model, double horizon, std::uint64_t seed,
         std::uint64_t first_replication, std::uint64_t replications, int threads,
         py::object progress, std::uint64_t record_replications) {
        if (!std::isfinite(horizon) || horizon <= 0)
          throw py::value_error("horizon must be a positive, finite number of hours");
        if (replications < 1) throw py::value_error("replications must be >= 1");
        if (threads < 0 || threads > kMaxThreads)
          throw py::value_error("threads must be from 0 (all cores) to " +
                                std::to_string(kMaxThreads));
        RunOptions opt;
        opt.horizon = horizon;
        opt.seed = seed;
        opt.first_replication = first_replication;
        opt.replications = replications;
        opt.threads = threads;
        opt.record_replications = record_replications;

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

        return std::make_shared<RunResults>(std::move(r));
      },
      py::arg("model"), py::kw_only(), "horizon"_a, "seed"_a, "first_replication"_a = 0,
      "replications"_a, "threads"_a = 0, "progress"_a = py::none(), "record_replications"_a = 0,
      "Run replications [first_replication, first_replication + replications) of a compiled "
      "model. Releases the GIL; Ctrl-C stops the run and raises KeyboardInterrupt.");

  m.def(
      "histogram_edges",
      [] {
        std::vector<double> e;
        for (int b = 0; b <= DurationHistogram::kBins; ++b)
          e.push_back(b == DurationHistogram::kBins ? std::numeric_limits<double>::infinity()
                                                    : DurationHistogram::lower_edge(b));
        const auto size = static_cast<py::ssize_t>(e.size());
        return to_numpy(std::move(e), {size});
      },
      "Lower edges of the outage-duration histogram bins (hours), with +inf appended.");

  m.def(
      "trace",
      [](std::shared_ptr<CompiledModel> model, double horizon, std::uint64_t seed,
         std::uint64_t replication, const std::string& log_file, std::size_t max_events) {
        if (!std::isfinite(horizon) || horizon <= 0)
          throw py::value_error("horizon must be a positive, finite number of hours");
        // The trace runs on a thread of its own so that this thread can check for Ctrl-C.
        std::vector<TraceRecord> tr;
        std::exception_ptr error;
        std::atomic<bool> stop{false}, finished{false};
        bool interrupted = false;
        {
          py::gil_scoped_release release;
          std::thread worker([&] {
            try {
              tr = trace_replication(*model, horizon, seed, replication, max_events, &stop);
              if (!stop.load() && !log_file.empty())
                write_trace_log(tr, log_file, model->name, seed, replication);
            } catch (...) {
              error = std::current_exception();
            }
            finished = true;
          });
          while (!finished.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            py::gil_scoped_acquire gil;
            if (!interrupted && PyErr_CheckSignals() != 0) {
              interrupted = true;
              stop = true;
            }
          }
          worker.join();
        }
        if (interrupted) throw py::error_already_set();
        if (error) std::rethrow_exception(error);
        std::vector<double> time, value;
        std::vector<std::string> event, entity, detail;
        for (const auto& r : tr) {
          time.push_back(r.time);
          value.push_back(r.value);
          event.push_back(r.event);
          entity.push_back(r.entity);
          detail.push_back(r.detail);
        }
        const auto n = static_cast<py::ssize_t>(tr.size());
        py::dict out;
        out["time_h"] = to_numpy(std::move(time), {n});
        out["event"] = event;
        out["entity"] = entity;
        out["detail"] = detail;
        out["value"] = to_numpy(std::move(value), {n});
        return out;
      },
      py::arg("model"), py::kw_only(), "horizon"_a, "seed"_a, "replication"_a = 0,
      "log_file"_a = "", "max_events"_a = std::numeric_limits<std::size_t>::max(),
      "Every event of one replication (identical to that replication inside a full run); "
      "optionally also written to a log file through spdlog. More than max_events events raise "
      "ValueError; Ctrl-C stops it and raises KeyboardInterrupt.");

  m.def(
      "estimate_events",
      [](std::shared_ptr<CompiledModel> model, double horizon) {
        const EventEstimate e = estimate_events(*model, horizon);
        return py::make_tuple(e.events, e.entity, e.reason);
      },
      py::arg("model"), py::kw_only(), "horizon"_a,
      "Expected events of one replication, the entity that accounts for most of them, and why: "
      "(events, entity, reason). Infinite when simulated time would stop advancing.");

  m.def("max_threads", [] { return kMaxThreads; });
  m.def("default_threads", &default_threads);
  m.def("set_log_level", &set_log_level, py::arg("level"));
  m.def("log_level", &log_level);
}

}  // namespace recoverysim::bind
