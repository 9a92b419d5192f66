// Errors in what a user specified, said three ways: which entity (kind and name), which field of
// it (a path such as "modes[1].repair.steps[0].duration"), and why. what() is the readable
// one-line message. Callers place the error from the fields, never by reading the message.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace recoverysim {

class SpecError : public std::invalid_argument {
 public:
  // kind: "model", "component", "service", "procedure", "crew", "shock", "maintenance" or
  // "distribution" (name: Exponential, Weibull, ...); field: "" for the entity as a whole.
  SpecError(std::string kind, std::string name, std::string field, std::string reason,
            const std::string& message)
      : std::invalid_argument(message),
        kind_(std::move(kind)),
        name_(std::move(name)),
        field_(std::move(field)),
        reason_(std::move(reason)) {}

  const std::string& kind() const noexcept { return kind_; }
  const std::string& name() const noexcept { return name_; }
  const std::string& field() const noexcept { return field_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string kind_, name_, field_, reason_;
};

}  // namespace recoverysim
