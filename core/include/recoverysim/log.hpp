// Engine logging through spdlog. Worker threads may log; nothing here calls into Python.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace recoverysim {

std::shared_ptr<spdlog::logger> logger();
// "trace", "debug", "info", "warning", "error", "critical", "off". Throws on an unknown name.
void set_log_level(const std::string& level);
std::string log_level();

}  // namespace recoverysim
