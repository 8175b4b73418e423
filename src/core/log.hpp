#pragma once

#include <memory>

#include <spdlog/formatter.h>

// How the server's log lines look. `--log-json`: one JSON object per line for log collectors,
// valid whatever a message holds (quotes, line breaks, broken UTF-8 in a client's header).
namespace carelive::core {

// {"time":"…Z","level":"info","msg":"…"}, the message escaped as a JSON string.
std::unique_ptr<spdlog::formatter> json_log_formatter();

}  // namespace carelive::core
