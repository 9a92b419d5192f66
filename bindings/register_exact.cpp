#include "common.hpp"
#include "recoverysim/exact.hpp"

namespace recoverysim::bind {

void register_exact(py::module_& m) {
  using namespace pybind11::literals;
  py::class_<MarkovSolution>(m, "MarkovSolution")
      .def_property_readonly("n_states", &MarkovSolution::n_states)
      .def_property_readonly("n_transitions", &MarkovSolution::n_transitions)
      .def_property_readonly("services",
                             [](const MarkovSolution& s) {
                               py::list out;
                               for (const auto& x : s.services())
                                 out.append(py::dict("availability"_a = x.availability,
                                                     "failure_frequency"_a = x.failure_frequency,
                                                     "mean_outage"_a = x.mean_outage,
                                                     "mttff"_a = x.mttff));
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
          py::arg("horizon"));

  m.def(
      "solve_markov",
      [](std::shared_ptr<CompiledModel> model, std::size_t max_states) {
        py::gil_scoped_release release;
        return solve_markov(*model, MarkovOptions{max_states});
      },
      py::arg("model"), py::kw_only(), "max_states"_a = 200000,
      "Build and solve the continuous-time Markov chain of an exponential model.");
  m.def(
      "structure_availability",
      [](std::shared_ptr<CompiledModel> model, const std::vector<double>& availability) {
        return structure_availability(*model, availability);
      },
      py::arg("model"), py::arg("component_availability"),
      "Exact service availabilities for independent components (shared ones included).");
}

}  // namespace recoverysim::bind
