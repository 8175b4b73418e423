#include "live/service.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "live/repo.hpp"
#include "testing/world.hpp"

// SPEC 1 (who may apply, one pending application), the admin contract, invite links.

namespace carelive::live {
namespace {

constexpr const char* kPublicUrl = "https://live.test";

using core::testing::code_of;

class LiveTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    add_facility("livetest01", "ふじ園");
    resident_ = add_resident("livetest01", {"駿河", "市子", "スルガ", "いちこ"});
  }

  std::string token_of(const std::string& url) { return url.substr(url.find("token=") + 6); }

  std::int64_t resident_ = 0;
};

// Issue 10 (docs/backup.md, "The secret"): after the server secret changes, printing the
// resident's URL again (staff console, `carelive admin invite`) gives one that opens.
TEST_P(LiveTest, AfterTheSecretChangesTheInviteUrlIsMadeAnewAndOpens) {
  const auto before = live().invite_url("livetest01", resident_);
  config_.secret = std::string(48, 'n');
  restart();
  const auto after = live().invite_url("livetest01", resident_);
  EXPECT_NE(after, before);
  EXPECT_NO_THROW(live().open_invite(token_of(after)));
  EXPECT_EQ(code_of([&] { live().open_invite(token_of(before)); }), "token_invalid");
  EXPECT_EQ(live().invite_url("livetest01", resident_), after);  // stable from then on
  EXPECT_TRUE(audit_events().count("invite_reissued_after_secret_change"));
}

TEST_P(LiveTest, ResidentKanaIsConvertedAndFacilityCodesAreUnique) {
  auto r = db().with([&](store::Connection& c) { return repo::find_resident(c, resident_); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->family_name_kana, "するが");
  EXPECT_EQ(
      code_of([&] { live().add_facility("livetest01", "別", "別", audit::Actor::command_line()); }),
      "validation_failed");
  EXPECT_EQ(
      code_of([&] { live().add_facility("Bad Code!", "別", "別", audit::Actor::command_line()); }),
      "validation_failed");
  EXPECT_EQ(code_of([&] {
              live().add_resident("nowhere", {"駿河", "秋男", "するが", "あきお"},
                                  audit::Actor::command_line());
            }),
            "not_found");
}

TEST_P(LiveTest, InviteUrlIsStableUntilReissuedAndOldOnesStopWorking) {
  auto url = live().invite_url("livetest01", resident_);
  EXPECT_EQ(url.rfind(std::string(kPublicUrl) + "/apply?token=", 0), 0u) << url;
  EXPECT_EQ(live().invite_url("livetest01", resident_), url);
  auto view = live().open_invite(token_of(url));
  EXPECT_EQ(view.facility.name, "ふじ園");
  EXPECT_EQ(view.resident.display_name(), "駿河市子");
  // The token itself is not stored, only its hash.
  EXPECT_EQ(count("SELECT COUNT(*) FROM invites WHERE token_hash = ?", {token_of(url)}), 0);

  auto again = live().reissue_invite(resident_, audit::Actor::command_line());
  EXPECT_NE(again, url);
  EXPECT_EQ(code_of([&] { live().open_invite(token_of(url)); }), "token_invalid");
  EXPECT_NO_THROW(live().open_invite(token_of(again)));
  live().revoke_invite(resident_, audit::Actor::command_line());
  EXPECT_EQ(code_of([&] { live().open_invite(token_of(again)); }), "token_invalid");
  EXPECT_EQ(code_of([&] { live().open_invite("made-up"); }), "token_invalid");
  EXPECT_EQ(code_of([&] { live().invite_url("livetest01", resident_ + 100); }), "not_found");
}

TEST_P(LiveTest, ApplyingTwiceKeepsOnePendingApplicationAndStaffAreTold) {
  live().add_staff("livetest01", {"富士", "職員", "ふじ", "しょくいん"}, "staff@example.jp", true,
                   std::string(carelive::testing::kPassword), audit::Actor::command_line());
  auto token = token_of(live().invite_url("livetest01", resident_));
  auto applicant = add_account("family@example.jp");
  EXPECT_EQ(live().apply(token, applicant, "family", audit::Actor::account_at(applicant, "")),
            ApplyOutcome::submitted);
  EXPECT_EQ(live().apply(token, applicant, "family", audit::Actor::account_at(applicant, "")),
            ApplyOutcome::already_pending);
  EXPECT_EQ(live().apply(token, applicant, "care_worker", audit::Actor::account_at(applicant, "")),
            ApplyOutcome::already_pending);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE status = 'pending'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'staff@example.jp' AND subject "
                  "LIKE '%新しい利用申請%'"),
            1);
  EXPECT_EQ(code_of([&] {
              live().apply(token, applicant, "friend", audit::Actor::account_at(applicant, ""));
            }),
            "validation_failed");
  EXPECT_EQ(code_of([&] {
              live().apply("made-up", applicant, "family", audit::Actor::account_at(applicant, ""));
            }),
            "token_invalid");
}

TEST_P(LiveTest, StaffAddReusesAnAccountAndSendsANewOneASetPasswordLink) {
  auto existing = add_account("both@example.jp");
  auto added =
      live().add_staff("livetest01", {"富士", "職員", "ふじ", "しょくいん"}, "BOTH@example.jp",
                       false, std::nullopt, audit::Actor::command_line());
  EXPECT_EQ(added.account_id, existing);
  EXPECT_FALSE(added.account_created);
  EXPECT_FALSE(added.set_password_link_sent);

  auto fresh =
      live().add_staff("livetest01", {"新人", "職員", "しんじん", "しょくいん"},
                       "new.staff@example.jp", false, std::nullopt, audit::Actor::command_line());
  EXPECT_TRUE(fresh.account_created);
  EXPECT_TRUE(fresh.set_password_link_sent);
  // The body holds a link, so it is stored sealed; messages() opens it.
  const auto sent = messages("new.staff@example.jp");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].body.find("/password/reset?token="), std::string::npos);
  // Staff sessions get the short lifetime.
  EXPECT_TRUE(
      db().with([&](store::Connection& c) { return repo::is_staff_anywhere(c, existing); }));
}

TEST_P(LiveTest, TermsVersionsCountUp) {
  EXPECT_FALSE(live().latest_terms());
  EXPECT_EQ(live().publish_terms("第1版", audit::Actor::command_line()).version, 1);
  EXPECT_EQ(live().publish_terms("第2版", audit::Actor::command_line()).version, 2);
  EXPECT_EQ(live().latest_terms()->body, "第2版");
  EXPECT_EQ(code_of([&] { live().publish_terms("  ", audit::Actor::command_line()); }),
            "validation_failed");
  EXPECT_EQ(code_of([&] { live().add_announcement("", "本文", audit::Actor::command_line()); }),
            "validation_failed");
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::live
