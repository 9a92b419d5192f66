// recoverysim._core: the compiled engine. Private; the public API is the recoverysim package.
#include "common.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "recoverysim compiled engine (private: use the recoverysim package)";
  recoverysim::bind::register_errors(m);
  recoverysim::bind::register_distributions(m);
  recoverysim::bind::register_model(m);
  recoverysim::bind::register_results(m);
  recoverysim::bind::register_simulation(m);
  recoverysim::bind::register_exact(m);
}
