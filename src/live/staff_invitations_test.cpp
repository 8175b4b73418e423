#include "live/staff_invitations.hpp"

#include <gtest/gtest.h>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "core/error_testing.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "pass/repo.hpp"
#include "testing/world.hpp"

// Hardening issue 4: a facility admin invites staff; nobody becomes staff of a facility without
// accepting, and the console learns nothing of an existing account behind a login id.

namespace carelive::live {
namespace {

using core::testing::code_of;

constexpr const char* kInvitationPath = "/staff/invitation";
constexpr const char* kPasswordPath = "/password/reset";

class StaffInvitationsTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    x_ = add_facility("facilityx", "ふじ園");
    y_ = add_facility("facilityy", "さくら園");
    admin_ = add_staff("admin.x@example.jp", "facilityx", true);
    staff_ = add_staff("staff.x@example.jp", "facilityx", false);
    // A family member with a Pass of their own, under another name.
    family_ =
        stored_account(add_account("family@example.jp", "", {"駿河", "太郎", "するが", "たろう"}));
  }

  StaffInvitation invite(const std::string& login_id, bool is_admin = false) {
    return staff_invitations().invite(admin_, x_, {"新人", "職員", "しんじん", "しょくいん"},
                                      login_id, is_admin, by(admin_));
  }
  static audit::Actor by(const pass::Account& a) {
    return audit::Actor::account_at(a.id, "192.0.2.1");
  }
  bool is_staff(std::int64_t facility, const pass::Account& a) {
    return db()
        .with([&](store::Connection& c) { return repo::find_staff(c, facility, a.id); })
        .has_value();
  }
  pass::Account account_of(const std::string& email) {
    return *db().with(
        [&](store::Connection& c) { return pass::repo::find_account_by_login(c, email); });
  }

  std::int64_t x_ = 0, y_ = 0;
  pass::Account admin_, staff_, family_;
};

TEST_P(StaffInvitationsTest, TheAdminLearnsNothingOfAnExistingAccount) {
  const auto existing = invite("Family@Example.jp ");
  const auto fresh = invite("newcomer@example.jp");
  // The same answer either way: what the admin typed, an open invitation.
  for (const auto* i : {&existing, &fresh}) {
    EXPECT_EQ(i->name(), "新人 職員");
    EXPECT_EQ(i->kana(), "しんじん しょくいん");
    EXPECT_FALSE(i->accepted_at);
    EXPECT_TRUE(i->open(clock_.now()));
  }
  EXPECT_EQ(existing.login_id, "Family@Example.jp");
  // Nobody is attached, and the list shows only the typed names and login ids.
  EXPECT_FALSE(is_staff(x_, family_));
  EXPECT_EQ(staff().staff(admin_, x_).size(), 2u);
  const auto listed = staff_invitations().unanswered(admin_, x_);
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& i : listed) {
    EXPECT_EQ(i.name(), "新人 職員");
    EXPECT_NE(i.login_id.find("xample.jp"), std::string::npos);
  }
  // One message each: the existing Pass an invitation to accept, the new one the welcome link.
  ASSERT_EQ(messages("family@example.jp").size(), 1u);
  EXPECT_FALSE(token_sent_to("family@example.jp", kInvitationPath).empty());
  EXPECT_NE(messages("family@example.jp").at(0).body.find("ふじ園から職員としての招待"),
            std::string::npos);
  ASSERT_EQ(messages("newcomer@example.jp").size(), 1u);
  EXPECT_FALSE(token_sent_to("newcomer@example.jp", kPasswordPath).empty());
  // The family member's own names are untouched.
  EXPECT_EQ(stored_account(family_.id).family_name, "駿河");
}

TEST_P(StaffInvitationsTest, OnlyTheInvitedAccountAcceptsAndOnlyOnce) {
  invite("Family@Example.jp", true);
  const auto token = token_sent_to("family@example.jp", kInvitationPath);
  const auto view = staff_invitations().open(token);
  EXPECT_EQ(view.facility.name, "ふじ園");
  EXPECT_TRUE(view.is_admin);

  EXPECT_EQ(code_of([&] { staff_invitations().accept(token, staff_, by(staff_)); }),
            "invitation_other_account");
  EXPECT_EQ(code_of([&] { staff_invitations().accept("nope", family_, by(family_)); }),
            "token_invalid");
  std::vector<auth::AccessEnded> told;
  staff_invitations().set_access_listener([&](const auth::AccessEnded& e) { told.push_back(e); });
  EXPECT_EQ(staff_invitations().accept(token, family_, by(family_)).id, x_);
  EXPECT_TRUE(is_staff(x_, family_));
  // Open sockets of the new member reconnect, under staff rules from then on.
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told.at(0).account, family_.id);
  EXPECT_EQ(staff().access(family_, x_, Need::admin).facility.id, x_);
  EXPECT_EQ(code_of([&] { staff_invitations().accept(token, family_, by(family_)); }),
            "token_used");
  EXPECT_TRUE(staff_invitations().unanswered(admin_, x_).empty());
  // The console shows the login id as the admin typed it, not the account's contact.
  bool found = false;
  for (const auto& row : staff().staff(admin_, x_)) {
    if (row.member.account_id != family_.id) continue;
    found = true;
    EXPECT_EQ(row.login_id, "Family@Example.jp");
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(audit_events().count("staff_invited"));
  EXPECT_TRUE(audit_events().count("staff_invitation_accepted"));
}

TEST_P(StaffInvitationsTest, SettingThePasswordThroughTheWelcomeLinkAccepts) {
  invite("newcomer@example.jp");
  const auto newcomer = account_of("newcomer@example.jp");
  EXPECT_FALSE(is_staff(x_, newcomer));
  const std::string password(carelive::testing::kPassword);
  pass().complete_password_reset(token_sent_to("newcomer@example.jp", kPasswordPath), password,
                                 password, {"192.0.2.9", "test"});
  EXPECT_TRUE(is_staff(x_, newcomer));
  EXPECT_TRUE(staff_invitations().unanswered(admin_, x_).empty());
}

TEST_P(StaffInvitationsTest, AnAccountNeverActivatedGetsTheWelcomeLinkAgain) {
  invite("newcomer@example.jp");
  clock_.advance(2 * core::kDay);  // the first invitation and its link expired unused
  invite("newcomer@example.jp");
  EXPECT_TRUE(token_sent_to("newcomer@example.jp", kInvitationPath).empty());
  const std::string password(carelive::testing::kPassword);
  pass().complete_password_reset(token_sent_to("newcomer@example.jp", kPasswordPath), password,
                                 password, {"192.0.2.9", "test"});
  EXPECT_TRUE(is_staff(x_, account_of("newcomer@example.jp")));
}

TEST_P(StaffInvitationsTest, DeclinedExpiredReplacedAndRevokedLinksStop) {
  invite("family@example.jp");
  const auto first = token_sent_to("family@example.jp", kInvitationPath);
  invite("family@example.jp");  // again: a new link replaces the first
  const auto second = token_sent_to("family@example.jp", kInvitationPath);
  EXPECT_EQ(code_of([&] { staff_invitations().open(first); }), "token_invalid");
  ASSERT_EQ(staff_invitations().unanswered(admin_, x_).size(), 1u);

  staff_invitations().decline(second, audit::Actor::anonymous("192.0.2.9"));
  EXPECT_EQ(code_of([&] { staff_invitations().accept(second, family_, by(family_)); }),
            "token_invalid");
  const auto declined = staff_invitations().unanswered(admin_, x_);
  ASSERT_EQ(declined.size(), 1u);
  EXPECT_TRUE(declined.at(0).declined_at);
  staff_invitations().revoke(admin_, x_, declined.at(0).id, by(admin_));
  EXPECT_TRUE(staff_invitations().unanswered(admin_, x_).empty());

  invite("family@example.jp");
  const auto third = token_sent_to("family@example.jp", kInvitationPath);
  clock_.advance(core::kDay);
  EXPECT_EQ(code_of([&] { staff_invitations().accept(third, family_, by(family_)); }),
            "token_expired");
  EXPECT_FALSE(is_staff(x_, family_));
}

TEST_P(StaffInvitationsTest, OnlyTheFacilitysAdminsInviteListAndRevoke) {
  const NameInput names{"新人", "職員", "しんじん", "しょくいん"};
  EXPECT_EQ(code_of([&] {
              staff_invitations().invite(staff_, x_, names, "a@example.jp", false, by(staff_));
            }),
            "forbidden");
  // Refused before the input is looked at.
  EXPECT_EQ(code_of([&] {
              staff_invitations().invite(staff_, x_, {}, "not a login id", false, by(staff_));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] {
              staff_invitations().invite(admin_, y_, names, "a@example.jp", false, by(admin_));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] { staff_invitations().unanswered(staff_, x_); }), "forbidden");
  const auto i = invite("family@example.jp");
  EXPECT_EQ(code_of([&] { staff_invitations().revoke(staff_, x_, i.id, by(staff_)); }),
            "forbidden");
  auto other = add_staff("admin.y@example.jp", "facilityy", true);
  EXPECT_EQ(code_of([&] { staff_invitations().revoke(other, y_, i.id, by(other)); }), "not_found");
  EXPECT_EQ(code_of([&] {
              staff_invitations().invite(admin_, x_, {"", "職員", "しんじん", "shokuin"},
                                         "not a login id", false, by(admin_));
            }),
            "validation_failed");
}

INSTANTIATE_TEST_SUITE_P(Backends, StaffInvitationsTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::live
