#include "config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

// The [turn] table: ICE servers, shared secret, credential lifetime and the transport policy
// that GET /api/v1/calls/ice-servers hands to RTCPeerConnection.

namespace carelive {
namespace {

std::string write_toml(const std::string& text) {
  auto path =
      std::filesystem::temp_directory_path() /
      ("carelive-config-test-" +
       std::to_string(::testing::UnitTest::GetInstance()->current_test_info()->line()) + ".toml");
  std::ofstream(path) << text;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path.string();
}

// The message of the std::invalid_argument that loading `path` throws; "" when it loads.
std::string refusal(const std::string& path) {
  Config c;
  try {
    load_config_file(path, c);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// The config file holds secrets: other users may not read it, nobody but its owner may change
// it; readable by its group is the Debian way (root:carelive 0640).
TEST(ConfigTest, AFileOthersMayReadOrChangeIsRefusedWithTheFix) {
  const auto path = write_toml("[server]\nsecret = \"0123456789abcdef0123456789abcdef\"\n");
  for (mode_t mode : {0644, 0604, 0602, 0660, 0620, 0666, 0601}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const auto why = refusal(path);
    EXPECT_NE(why.find(path), std::string::npos) << std::oct << mode << ": " << why;
    EXPECT_NE(why.find("chmod 600 " + path), std::string::npos) << why;
  }
  for (mode_t mode : {0600, 0640, 0400, 0440}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_EQ(refusal(path), "") << std::oct << mode;
  }
  std::filesystem::remove(path);
}

TEST(ConfigTest, TurnPolicyDefaultsToAllAndAcceptsRelayOnly) {
  Config c;
  EXPECT_EQ(c.turn.policy, "all");
  auto path = write_toml(
      "[turn]\nurls = [\"turn:127.0.0.1:3478?transport=udp\"]\nsecret = \"s\"\n"
      "ttl_seconds = 600\npolicy = \"relay\"\n");
  load_config_file(path, c);
  std::filesystem::remove(path);
  EXPECT_EQ(c.turn.policy, "relay");
  EXPECT_EQ(c.turn.ttl, 600);
  ASSERT_EQ(c.turn.urls.size(), 1u);
  EXPECT_EQ(c.turn.secret, "s");
}

TEST(ConfigTest, AnUnknownTurnPolicyIsRefused) {
  Config c;
  auto path = write_toml("[turn]\npolicy = \"direct\"\n");
  EXPECT_THROW(load_config_file(path, c), std::invalid_argument);
  std::filesystem::remove(path);
}

// TURN credentials last minutes, not hours (coturn checks them only when a relay is allocated).
TEST(ConfigTest, TurnCredentialsLastMinutes) {
  EXPECT_EQ(Config{}.turn.ttl, 600);
  for (const char* bad : {"ttl_seconds = 21600\n", "ttl_seconds = 5\n"}) {
    Config c;
    auto path = write_toml(std::string("[turn]\n") + bad);
    EXPECT_THROW(load_config_file(path, c), std::invalid_argument) << bad;
    std::filesystem::remove(path);
  }
}

// SPEC 15: two-step sign-in is required of staff unless the config says "optional"; retention
// has days that keep things a while, and the shipped example config loads as it is.
TEST(ConfigTest, StaffTwoStepSignInAndRetention) {
  Config c;
  EXPECT_TRUE(c.security.staff_mfa_required);
  EXPECT_EQ(c.retention.audit_days, 0) << "the audit log is kept unless asked";
  EXPECT_TRUE(c.record_reads) << "access records are on unless asked";
  auto path = write_toml(
      "[security]\nstaff_mfa = \"optional\"\n[retention]\nended_sessions_days = 7\n"
      "audit_days = 1825\n[audit]\nrecord_reads = false\n");
  load_config_file(path, c);
  std::filesystem::remove(path);
  EXPECT_FALSE(c.security.staff_mfa_required);
  EXPECT_EQ(c.retention.ended_sessions_days, 7);
  EXPECT_EQ(c.retention.audit_days, 1825);
  EXPECT_FALSE(c.record_reads);
  for (const char* bad : {"[security]\nstaff_mfa = \"off\"\n", "[audit]\nrecord_reads = \"no\"\n",
                          "[retention]\nspent_links_days = 0\n", "[retention]\naudit_days = -1\n",
                          "[security]\nsecond_step_seconds = 5\n"}) {
    auto bad_path = write_toml(bad);
    EXPECT_NE(refusal(bad_path), "") << bad;
    std::filesystem::remove(bad_path);
  }
  Config shipped;  // as the package installs it: private to the service
  std::ifstream example(CARELIVE_SOURCE_DIR "/deploy/carelive.example.toml");
  const auto copy = write_toml(std::string(std::istreambuf_iterator<char>(example), {}));
  load_config_file(copy, shipped);
  std::filesystem::remove(copy);
  EXPECT_TRUE(shipped.security.staff_mfa_required);
  EXPECT_EQ(shipped.retention.message_bodies_days, 90);
  EXPECT_TRUE(shipped.record_reads);
}

TEST(ConfigTest, CallGraceAndRedis) {
  Config c;
  EXPECT_EQ(c.calls.reconnect_grace_seconds, 30);
  EXPECT_EQ(c.redis_url, "");  // one process
  auto path = write_toml(
      "[calls]\nreconnect_grace_seconds = 45\n\n[redis]\nurl = \"redis://127.0.0.1:6380\"\n");
  load_config_file(path, c);
  std::filesystem::remove(path);
  EXPECT_EQ(c.calls.reconnect_grace_seconds, 45);
  EXPECT_EQ(c.redis_url, "redis://127.0.0.1:6380");
  for (const char* bad :
       {"[calls]\nreconnect_grace_seconds = -1\n", "[redis]\nurl = \"http://127.0.0.1:6379\"\n"}) {
    Config d;
    auto p = write_toml(bad);
    EXPECT_THROW(load_config_file(p, d), std::invalid_argument) << bad;
    std::filesystem::remove(p);
  }
}

// Operations: GET /metrics on its own address and the log file that SIGHUP reopens; neither is
// on by default.
TEST(ConfigTest, MetricsListenAndLogFileAreReadAndOffByDefault) {
  Config c;
  EXPECT_EQ(c.metrics_listen, "");
  EXPECT_EQ(c.log_file, "");
  auto path = write_toml(
      "[server]\nlog_file = \"/var/log/carelive/carelive.log\"\n\n[metrics]\nlisten = "
      "\"127.0.0.1:9464\"\n");
  load_config_file(path, c);
  std::filesystem::remove(path);
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(c.log_file, "/var/log/carelive/carelive.log");
  auto bad = write_toml("[metrics]\nlisten = 9464\n");
  EXPECT_NE(refusal(bad).find("metrics.listen"), std::string::npos);
  std::filesystem::remove(bad);
}

// Scheduled calls (SPEC 7): the facilities' time zone and the reminder timing.
TEST(ConfigTest, CallRemindersAndTimeZoneHaveDefaultsAndAreRead) {
  Config c;
  EXPECT_EQ(c.time_zone, "Asia/Tokyo");
  EXPECT_EQ(c.calls.reminder_minutes_before, 60);
  EXPECT_EQ(c.calls.reminder_scan_seconds, 30);
  auto path = write_toml(
      "[server]\ntime_zone = \"Asia/Seoul\"\n[calls]\nreminder_minutes_before = 1440\n"
      "reminder_scan_seconds = 1\n");
  load_config_file(path, c);
  std::filesystem::remove(path);
  EXPECT_EQ(c.time_zone, "Asia/Seoul");
  EXPECT_EQ(c.calls.reminder_minutes_before, 1440);
  EXPECT_EQ(c.calls.reminder_scan_seconds, 1);
}

TEST(ConfigTest, AReminderScanOfZeroSecondsIsRefused) {
  Config c;
  auto path = write_toml("[calls]\nreminder_scan_seconds = 0\n");
  EXPECT_THROW(load_config_file(path, c), std::invalid_argument);
  std::filesystem::remove(path);
}

// Issue 10: plain http is fine on this machine only.
TEST(ConfigTest, PlainHttpOnAHostOthersReachIsWarnedAbout) {
  for (const char* quiet : {"https://live.example.jp", "http://127.0.0.1:8080",
                            "http://localhost:8080", "http://[::1]:8080", "http://127.0.0.2"})
    EXPECT_EQ(plain_http_warning(quiet), "") << quiet;
  for (const char* loud :
       {"http://live.example.jp", "http://192.0.2.10:8080", "http://[2001:db8::1]:8080"}) {
    const auto warning = plain_http_warning(loud);
    EXPECT_NE(warning.find(loud), std::string::npos) << loud;
    EXPECT_NE(warning.find("https://"), std::string::npos) << loud;
  }
}

}  // namespace
}  // namespace carelive
