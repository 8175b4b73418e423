#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <spdlog/details/file_helper.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>

// How the server's log lines look. `--log-json`: one JSON object per line for log collectors,
// valid whatever a message holds (quotes, line breaks, broken UTF-8 in a client's header).
namespace carelive::core {

// {"time":"…Z","level":"info","msg":"…"}, the message escaped as a JSON string.
std::unique_ptr<spdlog::formatter> json_log_formatter();

// `[server] log_file`: lines appended to a file (spdlog's file helper) that reopen() opens again
// by name, so that after logrotate moved it away (then sent SIGHUP) the next line goes to a new
// file at the same path.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path);
  void reopen();

 private:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override { file_.flush(); }
  spdlog::details::file_helper file_;
};

// Makes the default logger write to `path` (JSON lines when `json`) and returns its sink.
std::shared_ptr<ReopenableFileSink> log_to_file(const std::string& path, bool json);

}  // namespace carelive::core
