// The SMTP transport against a real SMTP server: tests/smtp/smtp_sink.py (python3-aiosmtpd)
// on a free port, STARTTLS with a certificate made for this test, AUTH required.

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
const std::string kUser = "carelive-mailer";
const std::string kPassword = "Sink-Pass#2024";

class SmtpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = testing::make_certificate(dir_);
    sink_ = std::make_unique<testing::ServerProcess>(
        std::vector<std::string>{testing::python(), testing::source_path("tests/smtp/smtp_sink.py"),
                                 "--port", "0", "--cert", cert_.cert, "--key", cert_.key, "--user",
                                 kUser, "--password", kPassword, "--maildir", maildir()});
  }
  void TearDown() override { sink_.reset(); }

  std::string maildir() const { return dir_.str("mail"); }

  SmtpSettings settings() const {
    SmtpSettings s;
    s.url = "smtp://127.0.0.1:" + std::to_string(sink_->port());
    s.username = kUser;
    s.password = kPassword;
    s.from = "CareLive Pass <no-reply@carelive.test>";
    s.starttls = true;
    s.ca_file = cert_.cert;
    s.verify_peer = true;
    s.timeout_seconds = 20;
    return s;
  }

  testing::TempDir dir_;
  testing::Certificate cert_;
  std::unique_ptr<testing::ServerProcess> sink_;
};

TEST_F(SmtpTransportTest, DeliversOverStartTlsWithAuth) {
  const Message m = Templates{Brand{}}.signup_provisional(
      "hanako@example.jp", "https://carelive.example.jp/pass/confirm?token=AbC123_-xyz", kAt);
  make_smtp_transport(settings())->send(m);

  // The sink answers 250 only after writing its files, so they are there when send() returns.
  const auto received = files_with(maildir(), ".json");
  ASSERT_EQ(received.size(), 1u);
  const auto got = nlohmann::json::parse(read_file(received[0]));
  EXPECT_EQ(got["mail_from"], "no-reply@carelive.test");
  EXPECT_EQ(got["rcpt_tos"], nlohmann::json::array({"hanako@example.jp"}));
  EXPECT_EQ(got["tls"], true);
  EXPECT_EQ(got["from"], "CareLive Pass <no-reply@carelive.test>");
  EXPECT_EQ(got["to"], "hanako@example.jp");
  EXPECT_EQ(got["subject"], m.subject);  // decoded from RFC 2047 by Python's email package
  EXPECT_EQ(got["body"], m.body);

  const std::string raw = read_file(files_with(maildir(), ".eml").at(0));
  for (unsigned char c : raw) ASSERT_LT(c, 0x80) << "the SMTP form is 7-bit";
}

TEST_F(SmtpTransportTest, WrongPasswordFails) {
  auto s = settings();
  s.password = "not-the-password";
  const Message m{Channel::email, "hanako@example.jp", "件名", "本文"};
  EXPECT_THROW(make_smtp_transport(s)->send(m), std::runtime_error);
  EXPECT_TRUE(files_with(maildir(), ".eml").empty());
}

TEST_F(SmtpTransportTest, UntrustedCertificateFails) {
  auto s = settings();
  s.ca_file.clear();  // the system's CAs do not know the test's self-signed certificate
  const Message m{Channel::email, "hanako@example.jp", "件名", "本文"};
  EXPECT_THROW(make_smtp_transport(s)->send(m), std::runtime_error);
  EXPECT_TRUE(files_with(maildir(), ".eml").empty());
}

TEST_F(SmtpTransportTest, RefusesAnAddressThatWouldBreakTheEnvelope) {
  const Message m{Channel::email, "a@example.jp>\r\nRCPT TO:<b@example.jp", "件名", "本文"};
  EXPECT_THROW(make_smtp_transport(settings())->send(m), std::runtime_error);
  EXPECT_TRUE(files_with(maildir(), ".eml").empty());
}

}  // namespace
}  // namespace carelive::notify
