// Shared by every register_<area>.cpp: pybind11, its casters, and small helpers.
#pragma once

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace recoverysim::bind {

// A numpy array that owns the vector's buffer (no copy).
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), free_when_done);
}

void register_errors(py::module_& m);
void register_distributions(py::module_& m);
void register_model(py::module_& m);
void register_results(py::module_& m);
void register_simulation(py::module_& m);
void register_exact(py::module_& m);

}  // namespace recoverysim::bind
