// recoverysim._core.SpecError: a ValueError that says which entity, which field of it and why,
// raised for every recoverysim::SpecError (model compilation, distribution parameters).
#include <string>

#include "common.hpp"
#include "recoverysim/errors.hpp"

namespace recoverysim::bind {

void register_errors(py::module_& m) {
  using namespace pybind11::literals;

  // Owned by the module for the life of the process (the translator below needs it).
  static py::handle spec_error;
  py::object cls = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
      "recoverysim._core.SpecError",
      "A specification that cannot be accepted. Attributes: entity (kind, name), e.g. "
      "('component', 'db-a') or ('distribution', 'Weibull'); field, a path inside the entity "
      "such as 'modes[1].repair.steps[0].crew' ('' for the entity as a whole); reason, the "
      "message without its place. str() is the readable one-line message.",
      PyExc_ValueError, nullptr));
  if (!cls) throw py::error_already_set();
  cls.attr("__init__") = py::cpp_function(
      [](py::object self, const std::string& kind, const std::string& name,
         const std::string& field, const std::string& reason, const std::string& message) {
        py::reinterpret_borrow<py::object>(PyExc_ValueError).attr("__init__")(self, message);
        self.attr("entity") = py::make_tuple(kind, name);
        self.attr("field") = field;
        self.attr("reason") = reason;
      },
      py::is_method(cls), "kind"_a, "name"_a, "field"_a, "reason"_a, "message"_a);
  // Pickled with every field (exceptions travel back from executor workers).
  cls.attr("__reduce__") = py::cpp_function(
      [](py::object self) {
        const py::tuple entity = self.attr("entity");
        return py::make_tuple(py::type::of(self),
                              py::make_tuple(entity[0], entity[1], self.attr("field"),
                                             self.attr("reason"), py::str(self)));
      },
      py::is_method(cls));
  m.attr("SpecError") = cls;
  spec_error = cls.release();

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SpecError& e) {
      py::object err = py::reinterpret_borrow<py::object>(spec_error)(
          e.kind(), e.name(), e.field(), e.reason(), std::string(e.what()));
      PyErr_SetObject(spec_error.ptr(), err.ptr());
    }
  });
}

}  // namespace recoverysim::bind
