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
         py::object progress, std::uint64_t record_replications) {
        if (!std::isfinite(horizon) || horizon <= 0)
          throw py::value_error("horizon must be a positive, finite number of hours");
        if (replications < 1) throw py::value_error("replications must be >= 1");
        if (threads < 0) throw py::value_error("threads must be >= 0 (0 = all cores)");
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

        const auto n = static_cast<py::ssize_t>(r.replications);
        const auto ns = static_cast<py::ssize_t>(r.n_services);
        const auto nc = static_cast<py::ssize_t>(r.n_components);
        const auto nm = static_cast<py::ssize_t>(r.n_modes);
        const auto np = static_cast<py::ssize_t>(r.n_phases);
        py::dict out;
        out["service_downtime"] = to_numpy(std::move(r.service_downtime), {n, ns});
        out["service_outages"] = to_numpy(std::move(r.service_outages), {n, ns});
        out["service_rto_met"] = to_numpy(std::move(r.service_rto_met), {n, ns});
        out["service_rto_breaches"] = to_numpy(std::move(r.service_rto_breaches), {n, ns});
        out["service_planned_downtime"] = to_numpy(std::move(r.service_planned_downtime), {n, ns});
        out["service_planned_outages"] = to_numpy(std::move(r.service_planned_outages), {n, ns});
        out["component_planned_downtime"] =
            to_numpy(std::move(r.component_planned_downtime), {n, nc});
        out["service_max_outage"] = to_numpy(std::move(r.service_max_outage), {n, ns});
        out["service_loss_incidents"] = to_numpy(std::move(r.service_loss_incidents), {n, ns});
        out["service_rpo_breaches"] = to_numpy(std::move(r.service_rpo_breaches), {n, ns});
        out["service_data_lost"] = to_numpy(std::move(r.service_data_lost), {n, ns});
        out["service_max_loss"] = to_numpy(std::move(r.service_max_loss), {n, ns});
        const auto ncause = static_cast<py::ssize_t>(r.n_causes);
        out["service_cause_downtime"] =
            to_numpy(std::move(r.service_cause_downtime), {n, ns, ncause});
        out["service_phase_downtime"] = to_numpy(std::move(r.service_phase_downtime), {n, ns, np});
        out["component_downtime"] = to_numpy(std::move(r.component_downtime), {n, nc});
        out["component_loss_incidents"] = to_numpy(std::move(r.component_loss_incidents), {n, nc});
        out["component_data_lost"] = to_numpy(std::move(r.component_data_lost), {n, nc});
        out["mode_failures"] = to_numpy(std::move(r.mode_failures), {n, nm});
        out["events"] = to_numpy(std::move(r.events), {n});
        out["outage_histogram"] =
            to_numpy(std::move(r.outage_histogram),
                     {ns, static_cast<py::ssize_t>(DurationHistogram::kBins)});
        // Records as columns.
        const auto no = static_cast<py::ssize_t>(r.outages.size());
        std::vector<std::uint64_t> o_rep;
        std::vector<std::uint32_t> o_svc;
        std::vector<double> o_start, o_dur;
        std::vector<std::uint8_t> o_cens, o_planned;
        std::vector<std::int32_t> o_cause;
        for (const auto& o : r.outages) {
          o_rep.push_back(o.replication);
          o_svc.push_back(o.service);
          o_start.push_back(o.start);
          o_dur.push_back(o.duration);
          o_cens.push_back(o.censored ? 1 : 0);
          o_planned.push_back(o.planned ? 1 : 0);
          o_cause.push_back(o.cause);
        }
        py::dict rec;
        rec["replication"] = to_numpy(std::move(o_rep), {no});
        rec["service"] = to_numpy(std::move(o_svc), {no});
        rec["start"] = to_numpy(std::move(o_start), {no});
        rec["duration"] = to_numpy(std::move(o_dur), {no});
        rec["censored"] = to_numpy(std::move(o_cens), {no});
        rec["planned"] = to_numpy(std::move(o_planned), {no});
        rec["cause"] = to_numpy(std::move(o_cause), {no});
        rec["phases"] = to_numpy(std::move(r.outage_phases), {no, np});
        out["outage_records"] = rec;
        const auto nl = static_cast<py::ssize_t>(r.losses.size());
        std::vector<std::uint64_t> l_rep;
        std::vector<std::uint32_t> l_comp;
        std::vector<std::int32_t> l_mode;
        std::vector<double> l_time, l_loss;
        for (const auto& l : r.losses) {
          l_rep.push_back(l.replication);
          l_comp.push_back(l.component);
          l_mode.push_back(l.mode);
          l_time.push_back(l.time);
          l_loss.push_back(l.loss);
        }
        py::dict loss;
        loss["replication"] = to_numpy(std::move(l_rep), {nl});
        loss["component"] = to_numpy(std::move(l_comp), {nl});
        loss["mode"] = to_numpy(std::move(l_mode), {nl});
        loss["time"] = to_numpy(std::move(l_time), {nl});
        loss["loss"] = to_numpy(std::move(l_loss), {nl});
        out["loss_records"] = loss;
        return out;
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
         std::uint64_t replication, const std::string& log_file) {
        if (!std::isfinite(horizon) || horizon <= 0)
          throw py::value_error("horizon must be a positive, finite number of hours");
        std::vector<TraceRecord> tr;
        {
          py::gil_scoped_release release;
          tr = trace_replication(*model, horizon, seed, replication);
          if (!log_file.empty()) write_trace_log(tr, log_file, model->name, seed, replication);
        }
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
      "log_file"_a = "",
      "Every event of one replication (identical to that replication inside a full run); "
      "optionally also written to a log file through spdlog.");

  m.def("default_threads", &default_threads);
  m.def("set_log_level", &set_log_level, py::arg("level"));
  m.def("log_level", &log_level);
}

}  // namespace recoverysim::bind
