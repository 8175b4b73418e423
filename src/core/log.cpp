#include "core/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <string>

namespace carelive::core {
namespace {

// %* : the message as a JSON string, quotes included; bytes that are not UTF-8 become U+FFFD.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string text(msg.payload.data(), msg.payload.size());
    const auto quoted =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  f->add_flag<JsonMessage>('*').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":%*})");
  return f;
}

ReopenableFileSink::ReopenableFileSink(const std::string& path) { file_.open(path); }

void ReopenableFileSink::reopen() {
  std::lock_guard lock(mutex_);
  file_.reopen(false);  // append: never cut a file that was not moved
}

void ReopenableFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  file_.write(line);
}

std::shared_ptr<ReopenableFileSink> log_to_file(const std::string& path, bool json) {
  auto sink = std::make_shared<ReopenableFileSink>(path);
  auto logger = std::make_shared<spdlog::logger>("carelive", sink);
  if (json) logger->set_formatter(json_log_formatter());
  // Every line reaches the file at once: what a crash leaves is complete, and a reader (tail,
  // a log shipper) sees it.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return sink;
}

}  // namespace carelive::core
