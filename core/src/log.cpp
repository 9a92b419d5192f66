#include "recoverysim/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cmath>

#include "recoverysim/simulator.hpp"

#include <stdexcept>
#include <string>

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

void write_trace_log(const std::vector<TraceRecord>& trace, const std::string& path,
                     const std::string& model, std::uint64_t seed, std::uint64_t replication) {
  std::shared_ptr<spdlog::logger> file;
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true);
    file = std::make_shared<spdlog::logger>("recoverysim-trace", sink);
  } catch (const spdlog::spdlog_ex& e) {
    throw std::invalid_argument("cannot write the trace log '" + path + "': " + e.what());
  }
  file->set_pattern("%v");
  // spdlog reports a failed write (disk full, a closed pipe) to stderr and carries on: keep the
  // first failure and report it to the caller instead.
  std::string failure;
  file->set_error_handler([&failure](const std::string& msg) {
    if (failure.empty()) failure = msg;
  });
  file->info("# recoverysim trace: model '{}', seed {}, replication {}", model, seed, replication);
  for (const auto& r : trace) {
    if (std::isnan(r.value))
      file->info("{:14.6f} h  {:<16} {:<24} {}", r.time, r.event, r.entity, r.detail);
    else
      file->info("{:14.6f} h  {:<16} {:<24} {} ({:.6f} h)", r.time, r.event, r.entity, r.detail,
                 r.value);
  }
  file->flush();
  file.reset();
  if (!failure.empty())
    throw std::invalid_argument("cannot write the trace log '" + path + "': " + failure);
}

std::string log_level() {
  const auto v = spdlog::level::to_string_view(logger()->level());
  return std::string(v.data(), v.size());
}

}  // namespace recoverysim
