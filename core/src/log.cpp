#include "recoverysim/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <stdexcept>

namespace recoverysim {

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> log = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>("recoverysim", sink);
    l->set_level(spdlog::level::warn);
    l->set_pattern("[recoverysim] [%l] %v");
    return l;
  }();
  return log;
}

void set_log_level(const std::string& level) {
  std::string name = level == "warning" ? "warn" : level;
  const auto lvl = spdlog::level::from_str(name);
  if (lvl == spdlog::level::off && name != "off")
    throw std::invalid_argument("unknown log level '" + level +
                                "' (expected trace, debug, info, warning, error, critical or off)");
  logger()->set_level(lvl);
}

std::string log_level() {
  const auto v = spdlog::level::to_string_view(logger()->level());
  return std::string(v.data(), v.size());
}

}  // namespace recoverysim
