#include "core/log.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <spdlog/logger.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/crypto.hpp"

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

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// logrotate moves the file away and sends SIGHUP: the lines before stay in the moved file, the
// next go to a new file at the configured path.
TEST(ReopenableFileSink, ReopenStartsANewFileAfterTheOldOneWasMoved) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("carelive-log-" + random_token().substr(0, 12));
  const fs::path path = dir / "carelive.log";
  auto sink = std::make_shared<ReopenableFileSink>(path.string());
  spdlog::logger log("test", sink);
  log.flush_on(spdlog::level::trace);
  log.info("before rotation");
  fs::rename(path, dir / "carelive.log.1");
  log.info("still to the moved file");  // the open file follows the move until reopened
  sink->reopen();
  log.info("after reopen");
  const auto old_text = read_all(dir / "carelive.log.1");
  const auto new_text = read_all(path);
  EXPECT_NE(old_text.find("before rotation"), std::string::npos);
  EXPECT_NE(old_text.find("still to the moved file"), std::string::npos);
  EXPECT_EQ(new_text.find("before rotation"), std::string::npos);
  EXPECT_NE(new_text.find("after reopen"), std::string::npos);
  // Reopening a file that was not moved appends to it.
  sink->reopen();
  log.info("appended");
  const auto again = read_all(path);
  EXPECT_NE(again.find("after reopen"), std::string::npos);
  EXPECT_NE(again.find("appended"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace carelive::core
