// The SMS transport against tests/sms/sms_gateway.py (python3 http.server) on a free port.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/dispatcher.hpp"
#include "notify/templates.hpp"
#include "notify/test_support.hpp"

namespace carelive::notify {
namespace {

using testing::files_with;
using testing::read_file;

constexpr core::UnixSeconds kAt = 1'700'026'620;
const std::string kToken = "gateway-token-0123456789";

class SmsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        testing::python(), testing::source_path("tests/sms/sms_gateway.py"), "--port", "0",
        "--token", kToken, "--outdir", records()});
  }
  void TearDown() override { gateway_.reset(); }

  std::string records() const { return dir_.str("records"); }

  SmsSettings settings() const {
    SmsSettings s;
    s.url = "http://127.0.0.1:" + std::to_string(gateway_->port()) + "/v1/messages";
    s.token = kToken;
    s.timeout_seconds = 20;
    return s;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> gateway_;
};

TEST_F(SmsTransportTest, PostsJsonWithBearerToken) {
  const Message m = Templates{Brand{}}.password_reset(
      "+819012345678", "https://carelive.example.jp/pass/reset?token=AbC123_-xyz", kAt);
  make_sms_transport(settings())->send(m);
  const auto received = files_with(records(), ".json");
  ASSERT_EQ(received.size(), 1u);
  const auto got = nlohmann::json::parse(read_file(received[0]));
  EXPECT_EQ(got["to"], "+819012345678");
  EXPECT_EQ(got["body"], m.body);
}

TEST_F(SmsTransportTest, WrongTokenFails) {
  auto s = settings();
  s.token = "wrong-token";
  const Message m{Channel::sms, "+819012345678", "", "本文"};
  try {
    make_sms_transport(s)->send(m);
    FAIL() << "a 401 must be a failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("401"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(files_with(records(), ".json").empty());
}

TEST_F(SmsTransportTest, UnreachableGatewayFails) {
  const auto s = settings();
  gateway_->stop();
  const Message m{Channel::sms, "+819012345678", "", "本文"};
  EXPECT_THROW(make_sms_transport(s)->send(m), std::runtime_error);
}

}  // namespace
}  // namespace carelive::notify
