#include "common.hpp"
#include "recoverysim/exact.hpp"

namespace recoverysim::bind {

void register_exact(py::module_& m) {
  using namespace pybind11::literals;
  py::class_<MarkovSolution>(m, "MarkovSolution")
      .def_property_readonly("n_states", &MarkovSolution::n_states)
      .def_property_readonly("n_transitions", &MarkovSolution::n_transitions)
      .def_property_readonly(
          "services",
          [](const MarkovSolution& s) {
            py::list out;
            for (const auto& x : s.services())
              out.append(py::dict("availability"_a = x.availability,
                                  "failure_frequency"_a = x.failure_frequency,
                                  "mean_outage"_a = x.mean_outage, "mttff"_a = x.mttff));
            return out;
          })
      .def(
          "point_availability",
          [](const MarkovSolution& s, const std::vector<double>& times) {
            std::vector<std::vector<double>> r;
            {
              py::gil_scoped_release release;
              r = s.point_availability(times);
            }
            std::vector<double> flat;
            for (const auto& row : r) flat.insert(flat.end(), row.begin(), row.end());
            const auto nt = static_cast<py::ssize_t>(times.size());
            const auto ns = static_cast<py::ssize_t>(s.services().size());
            return to_numpy(std::move(flat), {nt, ns});
          },
          py::arg("times"))
      .def(
          "mean_availability",
          [](const MarkovSolution& s, double horizon) {
            py::gil_scoped_release release;
            return s.mean_availability(horizon);
          },
          py::arg("horizon"))
      .def("weight_distribution", &MarkovSolution::weight_distribution, py::arg("service"),
           "Steady-state (weight, probability) pairs of a service's weighted root gate.");

  m.def(
      "solve_markov",
      [](std::shared_ptr<CompiledModel> model, std::size_t max_states) {
        py::gil_scoped_release release;
        return solve_markov(*model, MarkovOptions{max_states});
      },
      py::arg("model"), py::kw_only(), "max_states"_a = 200000,
      "Build and solve the continuous-time Markov chain of an exponential model.");
  m.def(
      "importance_sampling",
      [](std::shared_ptr<CompiledModel> model, std::uint64_t cycles, std::uint64_t plain_cycles,
         double bias, std::uint64_t seed, std::int32_t target_service) {
        RareEventResult r;
        {
          py::gil_scoped_release release;
          r = importance_sampling(
              *model, RareEventOptions{cycles, plain_cycles, bias, seed, target_service});
        }
        py::list svcs;
        for (const auto& x : r.services)
          svcs.append(py::dict("down_per_cycle"_a = x.down_per_cycle,
                               "down_per_cycle_se"_a = x.down_per_cycle_se,
                               "crude_second_moment"_a = x.crude_second_moment));
        return py::dict("cycle_length"_a = r.cycle_length, "cycle_length_se"_a = r.cycle_length_se,
                        "services"_a = svcs, "cycles"_a = r.cycles,
                        "plain_cycles"_a = r.plain_cycles, "steps"_a = r.steps);
      },
      py::arg("model"), py::kw_only(), "cycles"_a = 100000, "plain_cycles"_a = 20000,
      "bias"_a = 0.5, "seed"_a = 0, "target_service"_a = -1,
      "Steady-state unavailability by regenerative importance sampling (balanced failure "
      "biasing) on the model's Markov chain, walked on the fly.");
  m.def(
      "structure_availability",
      [](std::shared_ptr<CompiledModel> model, const std::vector<double>& availability) {
        return structure_availability(*model, availability);
      },
      py::arg("model"), py::arg("component_availability"),
      "Exact service availabilities for independent components (shared ones included).");
}

}  // namespace recoverysim::bind
