#include "pass/second_factor.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "auth/totp.hpp"
#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "live/repo.hpp"
#include "live/service.hpp"
#include "live/staff.hpp"
#include "pass/service.hpp"
#include "testing/totp.hpp"
#include "testing/world.hpp"

// Two-step sign-in (SPEC 15) through PassService, as the routes use it, on both stores: the
// policy's set-up after a staff member's password, the code at the next sign-in (taken once),
// recovery codes (once each, typed loosely), throttled guesses, what is kept at rest, the
// family's opt-in and opt-out, and the facility admin's reset.

namespace carelive::pass {
namespace {

using auth::SessionStage;
using core::testing::code_of;
using core::testing::fields_of;
using testing::kPassword;

constexpr const char* kStaff = "staff@example.jp";
constexpr const char* kFamily = "kuma@example.jp";
const RequestMeta kMeta{"192.0.2.10", "test"};

class SecondFactorTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.security.staff_mfa_required = true;
  }

  // The principal of a session token, at whatever stage.
  Principal who(const LoginResult& r) { return pass().authenticate(r.session_token).value(); }

  // Signs `login_id` in with the password; the result says which step follows.
  LoginResult password(const std::string& login_id) {
    return pass().login(login_id, kPassword, kMeta);
  }

  // A staff member whose authenticator app is set up; returns its raw secret.
  std::string staff_with_app() {
    add_facility("fuji", "ふじ園");
    add_staff(kStaff, "fuji");
    const auto waiting = who(password(kStaff));
    const auto setup = pass().begin_totp(waiting, kMeta);
    const auto secret = testing::totp_secret_of(setup.secret_base32);
    codes_ = pass()
                 .confirm_totp(waiting, auth::totp::code_at(secret, clock_.now()), kMeta)
                 .recovery_codes;
    clock_.advance(30);  // the set-up took this step's code
    return secret;
  }

  std::vector<std::string> codes_;  // the recovery codes shown at the set-up
};

TEST_P(SecondFactorTest, StaffSetUpAnAppRightAfterThePasswordAndAreSignedInByIt) {
  add_facility("fuji", "ふじ園");
  add_staff(kStaff, "fuji");
  const auto first = password(kStaff);
  EXPECT_EQ(first.stage, SessionStage::setup);
  EXPECT_LE(first.cookie_max_age, 600);  // minutes, not the staff's 12 hours
  const auto waiting = who(first);
  EXPECT_EQ(waiting.session.stage, SessionStage::setup);
  EXPECT_TRUE(pass().sessions(waiting).empty()) << "a waiting sign-in is no signed-in device";
  EXPECT_EQ(code_of([&] { pass().second_step(waiting, "123456", kMeta); }), "second_step_required");

  const auto setup = pass().begin_totp(waiting, kMeta);
  EXPECT_EQ(setup.secret_base32.size(), 32u);  // 160 bits
  EXPECT_EQ(setup.uri.rfind("otpauth://totp/CareLive%20Pass:staff%40example.jp?secret=" +
                                setup.secret_base32 + "&issuer=CareLive%20Pass",
                            0),
            0u)
      << setup.uri;
  EXPECT_NE(setup.qr_svg.find("<svg"), std::string::npos);
  const auto secret = testing::totp_secret_of(setup.secret_base32);
  EXPECT_EQ(fields_of([&] { pass().confirm_totp(waiting, "000000", kMeta); }),
            (core::FieldErrors{{"code", {"code_wrong"}}}));
  EXPECT_FALSE(pass().second_factor_state(waiting).factors.totp) << "not set up before a code";

  const auto added = pass().confirm_totp(waiting, auth::totp::code_at(secret, clock_.now()), kMeta);
  ASSERT_EQ(added.recovery_codes.size(), 10u);
  ASSERT_TRUE(added.signed_in.has_value());
  EXPECT_EQ(added.signed_in->stage, SessionStage::full);
  EXPECT_FALSE(pass().authenticate(first.session_token)) << "the waiting session is gone";
  const auto signed_in = who(*added.signed_in);
  EXPECT_EQ(signed_in.session.stage, SessionStage::full);
  EXPECT_EQ(pass().sessions(signed_in).size(), 1u);
  const auto state = pass().second_factor_state(signed_in);
  EXPECT_TRUE(state.factors.totp);
  EXPECT_EQ(state.factors.recovery_codes_left, 10);
  EXPECT_TRUE(state.required);
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】2段階認証を設定しました");
  EXPECT_TRUE(audit_events().contains("second_factor_added"));
  EXPECT_EQ(code_of([&] { pass().begin_totp(signed_in, kMeta); }), "second_factor_exists");
}

TEST_P(SecondFactorTest, TheNextSignInAsksForTheCodeAndTakesEachCodeOnce) {
  const auto secret = staff_with_app();
  const auto first = password(kStaff);
  ASSERT_EQ(first.stage, SessionStage::second_factor);
  const auto waiting = who(first);
  EXPECT_EQ(code_of([&] { pass().begin_totp(waiting, kMeta); }), "second_step_required");
  // A code two steps old is too old; the current one signs in.
  EXPECT_EQ(fields_of([&] {
              pass().second_step(waiting, auth::totp::code_at(secret, clock_.now() - 60), kMeta);
            }),
            (core::FieldErrors{{"code", {"code_wrong"}}}));
  const auto code = auth::totp::code_at(secret, clock_.now());
  const auto full = pass().second_step(waiting, code, kMeta);
  EXPECT_EQ(full.stage, SessionStage::full);
  EXPECT_EQ(who(full).session.stage, SessionStage::full);
  EXPECT_FALSE(pass().authenticate(first.session_token));

  // The same code again, still within its window: refused (no replay); so is the step before.
  const auto again = who(password(kStaff));
  EXPECT_EQ(code_of([&] { pass().second_step(again, code, kMeta); }), "validation_failed");
  EXPECT_EQ(code_of([&] {
              pass().second_step(again, auth::totp::code_at(secret, clock_.now() - 30), kMeta);
            }),
            "validation_failed");
  // The next step's code, typed in 全角 with a space, is taken.
  clock_.advance(30);
  std::string typed;
  for (char d : auth::totp::code_at(secret, clock_.now())) {
    typed += "\xEF\xBC";  // U+FF10 + d: 全角 digits
    typed += static_cast<char>(0x90 + (d - '0'));
    if (typed.size() == 9) typed += " ";
  }
  EXPECT_EQ(pass().second_step(again, typed, kMeta).stage, SessionStage::full);
}

TEST_P(SecondFactorTest, ARecoveryCodeWorksOnceHoweverItIsTypedAndThePersonIsTold) {
  staff_with_app();
  ASSERT_EQ(codes_.size(), 10u);
  const auto& code = codes_[3];
  ASSERT_EQ(code.size(), 11u);
  EXPECT_EQ(code[5], '-');
  // Upper case, without the hyphen.
  std::string loose;
  for (char ch : code)
    if (ch != '-') loose += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const auto full = pass().second_step(who(password(kStaff)), loose, kMeta);
  EXPECT_EQ(full.stage, SessionStage::full);
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】リカバリーコードでログインしました");
  EXPECT_EQ(pass().second_factor_state(who(full)).factors.recovery_codes_left, 9);
  EXPECT_EQ(code_of([&] { pass().second_step(who(password(kStaff)), code, kMeta); }),
            "validation_failed");
}

TEST_P(SecondFactorTest, CodeGuessesAreThrottledLikePasswords) {
  staff_with_app();
  const auto waiting = who(password(kStaff));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(code_of([&] { pass().second_step(waiting, "000000", kMeta); }), "validation_failed");
  try {
    pass().second_step(waiting, "000000", kMeta);
    ADD_FAILURE() << "the sixth guess in a row went through";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), "login_throttled");
    EXPECT_GE(e.retry_after().value_or(0), 1);
  }
  EXPECT_TRUE(audit_events().contains("second_factor_failed"));
  EXPECT_TRUE(audit_events().contains("second_factor_throttled"));
}

TEST_P(SecondFactorTest, NeitherTheSecretNorTheRecoveryCodesAreKeptReadable) {
  add_facility("fuji", "ふじ園");
  add_staff(kStaff, "fuji");
  const auto waiting = who(password(kStaff));
  const auto setup = pass().begin_totp(waiting, kMeta);
  const auto secret = testing::totp_secret_of(setup.secret_base32);
  const auto shown =
      pass().confirm_totp(waiting, auth::totp::code_at(secret, clock_.now()), kMeta).recovery_codes;
  const auto stored = db().with([](store::Connection& c) {
    std::string all;
    for (const auto& row : c.exec("SELECT secret_sealed FROM totp_factors").rows)
      all += row.text(0);
    for (const auto& row : c.exec("SELECT code_hash FROM recovery_codes").rows) all += row.text(0);
    return all;
  });
  EXPECT_EQ(stored.find(setup.secret_base32), std::string::npos);
  EXPECT_EQ(stored.find(secret), std::string::npos);
  for (const auto& code : shown) {
    EXPECT_EQ(stored.find(code), std::string::npos);
    EXPECT_EQ(stored.find(code.substr(0, 5) + code.substr(6)), std::string::npos);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM recovery_codes"), 10);
}

TEST_P(SecondFactorTest, UnderTheOptionalPolicyStaffSignInWithThePasswordAlone) {
  config_.security.staff_mfa_required = false;
  add_facility("fuji", "ふじ園");
  add_staff(kStaff, "fuji");
  const auto r = password(kStaff);
  EXPECT_EQ(r.stage, SessionStage::full);
  EXPECT_FALSE(pass().second_factor_state(who(r)).required);
}

TEST_P(SecondFactorTest, AFamilyMemberTurnsItOnAndOffAfterThePassword) {
  add_account(kFamily);
  const auto signed_in = who(password(kFamily));
  EXPECT_EQ(signed_in.session.stage, SessionStage::full) << "families: off until they turn it on";
  EXPECT_FALSE(pass().second_factor_state(signed_in).required);
  const auto setup = pass().begin_totp(signed_in, kMeta);
  const auto added = pass().confirm_totp(
      signed_in, auth::totp::code_at(testing::totp_secret_of(setup.secret_base32), clock_.now()),
      kMeta);
  EXPECT_FALSE(added.signed_in.has_value()) << "signed in already: the session stays";
  EXPECT_EQ(password(kFamily).stage, SessionStage::second_factor);

  EXPECT_EQ(fields_of([&] { pass().turn_off_second_factor(signed_in, "Wrong#Guess77", kMeta); }),
            (core::FieldErrors{{"current_password", {"password_wrong"}}}));
  const auto renewed = pass().renew_recovery_codes(signed_in, kPassword, kMeta);
  EXPECT_EQ(renewed.size(), 10u);
  EXPECT_EQ(
      code_of([&] { pass().second_step(who(password(kFamily)), added.recovery_codes[0], kMeta); }),
      "validation_failed")
      << "the earlier codes stopped working";
  pass().turn_off_second_factor(signed_in, kPassword, kMeta);
  EXPECT_EQ(password(kFamily).stage, SessionStage::full);
  EXPECT_EQ(messages(kFamily).back().subject, "【CareLive Pass】2段階認証をオフにしました");
  EXPECT_EQ(count("SELECT COUNT(*) FROM recovery_codes"), 0);
}

TEST_P(SecondFactorTest, StaffCannotTurnItOffWhereThePolicyRequiresIt) {
  staff_with_app();
  const auto full = pass().second_step(who(password(kStaff)), codes_[0], kMeta);
  EXPECT_EQ(code_of([&] { pass().turn_off_second_factor(who(full), kPassword, kMeta); }),
            "second_factor_required");
  EXPECT_TRUE(pass().second_factor_state(who(full)).factors.totp);
}

TEST_P(SecondFactorTest, AFacilityAdminsResetEndsTheSessionsAndTellsThePerson) {
  staff_with_app();
  const auto full = pass().second_step(who(password(kStaff)), codes_[0], kMeta);
  const auto account = stored_account(full.account.id);
  db().transaction([&](store::Connection& c) {
    pass().reset_second_factor(c, account, audit::Actor::command_line());
  });
  EXPECT_FALSE(pass().authenticate(full.session_token));
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】2段階認証がリセットされました");
  EXPECT_TRUE(audit_events().contains("second_factor_reset"));
  EXPECT_EQ(password(kStaff).stage, SessionStage::setup) << "set it up again at the next sign-in";
}

TEST_P(SecondFactorTest, FacilityAdminsResetAnotherStaffMembersSecondFactorInTheirFacilityOnly) {
  staff_with_app();
  const auto admin = add_staff("admin@example.jp", "fuji", /*admin=*/true);
  add_facility("sakura", "さくら苑");
  const auto other_admin = add_staff("sakura@example.jp", "sakura", /*admin=*/true);
  const auto fuji = live().find_facility("fuji")->id;
  const auto sakura = live().find_facility("sakura")->id;
  const auto signed_in = pass().second_step(who(password(kStaff)), codes_[0], kMeta);
  const auto member = db().with([&](store::Connection& c) {
    return live::repo::find_staff(c, fuji, signed_in.account.id)->id;
  });
  const auto admin_member = db().with(
      [&](store::Connection& c) { return live::repo::find_staff(c, fuji, admin.id)->id; });
  const auto by = [](const Account& a) { return audit::Actor::account_at(a.id, "192.0.2.20"); };
  const auto& plain = stored_account(signed_in.account.id);

  EXPECT_EQ(code_of([&] { staff().reset_second_factor(plain, fuji, admin_member, by(plain)); }),
            "forbidden")
      << "a staff member who is no admin";
  EXPECT_EQ(
      code_of([&] { staff().reset_second_factor(other_admin, sakura, member, by(other_admin)); }),
      "not_found")
      << "an admin of another facility";
  EXPECT_EQ(code_of([&] { staff().reset_second_factor(admin, fuji, admin_member, by(admin)); }),
            "forbidden")
      << "one's own: アカウント管理";
  EXPECT_TRUE(pass().authenticate(signed_in.session_token));

  staff().reset_second_factor(admin, fuji, member, by(admin));
  EXPECT_FALSE(pass().authenticate(signed_in.session_token)) << "their sessions ended";
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】2段階認証がリセットされました");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'second_factor_reset' AND "
                  "account_id = ?",
                  {admin.id}),
            1);
  EXPECT_EQ(password(kStaff).stage, SessionStage::setup);
}

CARELIVE_BACKENDS(SecondFactorTest);

}  // namespace
}  // namespace carelive::pass
