#include "common.hpp"
#include "recoverysim/distribution.hpp"

namespace recoverysim::bind {

void register_distributions(py::module_& m) {
  py::class_<Distribution>(m, "Distribution")
      .def_static("exponential", &Distribution::exponential, py::arg("mean"))
      .def_static("weibull", &Distribution::weibull, py::arg("shape"), py::arg("scale"))
      .def_static("lognormal", &Distribution::lognormal, py::arg("mu"), py::arg("sigma"))
      .def_static("gamma", &Distribution::gamma, py::arg("shape"), py::arg("scale"))
      .def_static("normal", &Distribution::normal, py::arg("mu"), py::arg("sigma"))
      .def_static("uniform", &Distribution::uniform, py::arg("low"), py::arg("high"))
      .def_static("triangular", &Distribution::triangular, py::arg("low"), py::arg("mode"),
                  py::arg("high"))
      .def_static("deterministic", &Distribution::deterministic, py::arg("value"))
      .def_static("empirical", &Distribution::empirical, py::arg("values"))
      .def_property_readonly("kind", [](const Distribution& d) { return dist_kind_name(d.kind()); })
      .def_property_readonly("mean", &Distribution::mean)
      .def_property_readonly("variance", &Distribution::variance)
      .def(
          "cdf",
          [](const Distribution& d,
             py::array_t<double, py::array::c_style | py::array::forcecast> x) {
            auto out = py::array_t<double>(x.request().shape);
            const double* in = x.data();
            double* o = out.mutable_data();
            for (py::ssize_t i = 0; i < x.size(); ++i) o[i] = d.cdf(in[i]);
            return out;
          },
          py::arg("x"))
      .def(
          "sample",
          [](const Distribution& d, py::ssize_t n, std::uint64_t seed) {
            if (n < 0) throw py::value_error("sample: n must be >= 0");
            std::vector<double> v(static_cast<std::size_t>(n));
            {
              py::gil_scoped_release release;
              Stream s(stream_key(seed, 0, StreamKind::sample, 0));
              for (auto& x : v) x = d.sample(s);
            }
            return to_numpy(std::move(v), {n});
          },
          py::arg("n"), py::arg("seed"))
      .def("__repr__", &Distribution::repr);

  m.def("normal_quantile", &normal_quantile, py::arg("p"));
  m.def("normal_cdf", &normal_cdf, py::arg("x"));
  m.def("gamma_p", &gamma_p, py::arg("a"), py::arg("x"));
}

}  // namespace recoverysim::bind
