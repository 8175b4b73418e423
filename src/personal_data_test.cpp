#include "personal_data.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "auth/totp.hpp"
#include "core/error_testing.hpp"
#include "live/staff.hpp"
#include "testing/totp.hpp"
#include "testing/world.hpp"

// Personal data (SPEC 15, APPI Art. 33 and 35) on both stores: a person's download holds
// everything held about them and no secret; deleting the Pass takes the password and the second
// factor, takes away names, contact data, sessions, links, devices and messages, keeps the id in
// the logs, and the facility sees that a linked person left. Staff hand over first.

namespace carelive {
namespace {

using core::testing::code_of;
using core::testing::fields_of;
using testing::kPassword;

constexpr const char* kKuma = "kuma@example.jp";
const auth::RequestMeta kMeta{"192.0.2.20", "Mozilla/5.0 (iPhone) Safari"};

class PersonalDataTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.security.staff_mfa_required = false;
    add_facility("fuji", "ふじ園");
    publish_terms();
    a_ = add_resident("fuji", {"駿河", "市子", "するが", "いちこ"});
    kuma_ = add_linked_account(kKuma, a_);
    family().set_relationship(kuma_, a_, {"子", "", ""}, audit::Actor::account_at(kuma_, ""));
  }

  auth::Principal signed_in(const std::string& login_id = kKuma) {
    return pass().authenticate(pass().login(login_id, kPassword, kMeta).session_token).value();
  }

  std::int64_t a_ = 0, kuma_ = 0;
};

TEST_P(PersonalDataTest, TheDownloadHoldsWhatIsKeptAboutThePersonAndNoSecret) {
  const auto p = signed_in();
  const auto setup = pass().begin_totp(p, kMeta);
  pass().confirm_totp(
      p, auth::totp::code_at(testing::totp_secret_of(setup.secret_base32), clock_.now()), kMeta);
  const auto data = personal_data_of(app(), p, kMeta);
  EXPECT_EQ(data["account"]["email"], kKuma);
  EXPECT_EQ(data["account"]["family_name"], "富士田");
  ASSERT_EQ(data["links"].size(), 1u);
  EXPECT_EQ(data["links"][0]["resident"], "駿河 市子");
  EXPECT_EQ(data["links"][0]["facility"], "ふじ園");
  EXPECT_EQ(data["links"][0]["relationship"], "子");
  EXPECT_EQ(data["consents"].size(), 1u);
  ASSERT_FALSE(data["sessions"].empty());
  EXPECT_EQ(data["sessions"][0]["user_agent"], kMeta.user_agent);
  EXPECT_FALSE(data["second_factor"]["authenticator_app_since"].is_null());
  EXPECT_EQ(data["second_factor"]["recovery_codes_left"], 10);
  EXPECT_FALSE(data["messages"].empty()) << "the message that two-step sign-in was set up";
  EXPECT_FALSE(data["audit_log"].empty());
  EXPECT_TRUE(data.contains("calls") && data.contains("push_devices"));
  // No secret in it: no password hash, no TOTP secret, no recovery code hash.
  const auto text = data.dump();
  EXPECT_EQ(text.find("$argon2"), std::string::npos);
  EXPECT_EQ(text.find(setup.secret_base32), std::string::npos);
  EXPECT_EQ(text.find("password_hash"), std::string::npos);
  EXPECT_TRUE(audit_events().contains("personal_data_downloaded"));
}

TEST_P(PersonalDataTest, DeletingThePassTakesThePasswordAndTheSecondFactorAndLeavesTheIdOnly) {
  const auto p = signed_in();
  const auto setup = pass().begin_totp(p, kMeta);
  const auto secret = testing::totp_secret_of(setup.secret_base32);
  pass().confirm_totp(p, auth::totp::code_at(secret, clock_.now()), kMeta);
  clock_.advance(30);
  const auto full = pass().second_step(
      pass().authenticate(pass().login(kKuma, kPassword, kMeta).session_token).value(),
      auth::totp::code_at(secret, clock_.now()), kMeta);
  const auto me = pass().authenticate(full.session_token).value();
  clock_.advance(30);

  EXPECT_EQ(fields_of([&] {
              delete_pass(app(), me, {"wrong-password", "", nullptr}, kMeta);
            }),
            (core::FieldErrors{{"current_password", {"password_wrong"}}}));
  EXPECT_EQ(fields_of([&] {
              delete_pass(app(), me, {kPassword, "", nullptr}, kMeta);
            }),
            (core::FieldErrors{{"code", {"required"}}}));
  EXPECT_EQ(fields_of([&] {
              delete_pass(app(), me, {kPassword, "000000", nullptr}, kMeta);
            }),
            (core::FieldErrors{{"code", {"code_wrong"}}}));
  ASSERT_TRUE(pass().authenticate(full.session_token)) << "nothing went on a refusal";

  delete_pass(app(), me, {kPassword, auth::totp::code_at(secret, clock_.now()), nullptr}, kMeta);
  // Signed out everywhere, and never signs in again.
  EXPECT_FALSE(pass().authenticate(full.session_token));
  EXPECT_EQ(code_of([&] { pass().login(kKuma, kPassword, kMeta); }), "login_failed");
  // Names, contact data and the second factor are gone; the row keeps the id.
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE id = ? AND family_name = '' AND "
                  "email LIKE '%.invalid' AND phone IS NULL AND deleted_at IS NOT NULL",
                  {kuma_}),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE email = ?", {std::string(kKuma)}), 0);
  for (const char* table : {"sessions", "links", "totp_factors", "recovery_codes", "passkeys"})
    EXPECT_EQ(
        count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE account_id = ?", {kuma_}), 0)
        << table;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = ?", {std::string(kKuma)}), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE account_id = ? AND event = "
                  "'account_deleted'",
                  {kuma_}),
            1);
  // The facility sees that a person who was linked left.
  auto admin = add_staff("admin@example.jp", "fuji", true);
  const auto fuji = count("SELECT id FROM facilities WHERE code = 'fuji'");
  EXPECT_TRUE(staff().links(admin, fuji, a_).empty());
  const auto left = staff().departures(admin, fuji, a_);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].kind, "family");
  // The access records name her 「退会したユーザー」 (the id only).
  live::AccessFilter f;
  f.event = "relationship_set";
  const auto rows = app().access_records().page_for_command_line(std::nullopt, f).rows;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].person_left);
  EXPECT_EQ(rows[0].entry.account, kuma_);
  // The address is free for a new Pass.
  add_account(kKuma);
}

TEST_P(PersonalDataTest, StaffHandOverBeforeTheirPassGoes) {
  add_staff("staff@example.jp", "fuji", true);
  const auto p = signed_in("staff@example.jp");
  EXPECT_EQ(code_of([&] {
              delete_pass(app(), p, {kPassword, "", nullptr}, kMeta);
            }),
            "hand_over_first");
  EXPECT_TRUE(
      pass().authenticate(pass().login("staff@example.jp", kPassword, kMeta).session_token));
}

CARELIVE_BACKENDS(PersonalDataTest);

}  // namespace
}  // namespace carelive
