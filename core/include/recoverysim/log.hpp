// Engine logging through spdlog. Worker threads may log; nothing here calls into Python.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace recoverysim {

std::shared_ptr<spdlog::logger> logger();
// "trace", "debug", "info", "warning", "error", "critical", "off". Throws on an unknown name.
void set_log_level(const std::string& level);
std::string log_level();

struct TraceRecord;
// Writes a traced replication to a log file through spdlog (one line per event).
void write_trace_log(const std::vector<TraceRecord>& trace, const std::string& path,
                     const std::string& model, std::uint64_t seed, std::uint64_t replication);

}  // namespace recoverysim
