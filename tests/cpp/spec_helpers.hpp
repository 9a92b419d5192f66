// Building ModelSpec requirements and services tersely in the C++ tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "recoverysim/model.hpp"

namespace spec {

inline recoverysim::RequirementSpec ref(const std::string& n) {
  recoverysim::RequirementSpec r;
  r.name = n;
  return r;
}
inline recoverysim::RequirementSpec gate(recoverysim::GateKind k,
                                         std::vector<recoverysim::RequirementSpec> kids,
                                         int kk = 0) {
  recoverysim::RequirementSpec r;
  r.kind = k;
  r.k = kk;
  r.children = std::move(kids);
  return r;
}
inline recoverysim::ServiceSpec svc(const std::string& name, recoverysim::RequirementSpec r) {
  recoverysim::ServiceSpec s;
  s.name = name;
  s.requirement = std::move(r);
  return s;
}

}  // namespace spec
