#include "core/log.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

// Issue 9: JSON log lines stay valid JSON whatever the message holds.
namespace carelive::core {
namespace {

nlohmann::json line_of(const std::string& message) {
  auto formatter = json_log_formatter();
  spdlog::details::log_msg msg("carelive", spdlog::level::warn, message);
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  std::string text(out.data(), out.size());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";
  return nlohmann::json::parse(text);
}

TEST(JsonLog, EveryMessageIsOneValidJsonLine) {
  const auto line = line_of("login \"kuma\"\nfrom 192.0.2.1 \\ \t end");
  EXPECT_EQ(line["msg"], "login \"kuma\"\nfrom 192.0.2.1 \\ \t end");
  EXPECT_EQ(line["level"], "warning");
  EXPECT_TRUE(line["time"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(line_of("利用者 駿河 市子")["msg"], "利用者 駿河 市子");
  // Bytes that are not UTF-8 (a client's header) do not break the line.
  EXPECT_EQ(line_of(std::string("ua \xff\xfe x"))["msg"], "ua \xEF\xBF\xBD\xEF\xBF\xBD x");
}

}  // namespace
}  // namespace carelive::core
