#include "live/staff.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "core/qr.hpp"
#include "live/operator.hpp"
#include "live/repo.hpp"
#include "live/staff_invitations.hpp"
#include "pass/repo.hpp"
#include "testing/world.hpp"

// SPEC 1.3 (approve / reject and their messages), SPEC 10 (staff console rules: access per
// facility, last admin), SPEC 11 (operator only), the invite QR code.

namespace carelive::live {
namespace {

using core::testing::code_of;

class StaffTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    x_ = add_facility("facilityx", "ふじ園");
    y_ = add_facility("facilityy", "さくら園", "特別養護老人ホーム");
    resident_ = add_resident("facilityx", {"駿河", "市子", "するが", "いちこ"});
    admin_x_ = add_staff("admin.x@example.jp", "facilityx", true);
    staff_x_ = add_staff("staff.x@example.jp", "facilityx", false);
    staff_y_ = add_staff("staff.y@example.jp", "facilityy", true);
  }

  std::int64_t apply(const std::string& email, const std::string& kind = "family") {
    auto url = live().invite_url("facilityx", resident_);
    auto id = add_account(email);
    live().apply(url.substr(url.find("token=") + 6), id, kind, audit::Actor::account_at(id, ""));
    return db().with(
        [&](store::Connection& c) { return repo::pending_application(c, resident_, id)->id; });
  }

  std::int64_t x_ = 0, y_ = 0, resident_ = 0;
  pass::Account admin_x_, staff_x_, staff_y_;
};

TEST_P(StaffTest, ApprovalLinksTheApplicantAndSendsTheLoginUrl) {
  auto id = apply("family@example.jp", "care_worker");
  ASSERT_EQ(staff().pending(staff_x_, x_).size(), 1u);
  EXPECT_EQ(staff().facilities(staff_x_).at(0).pending, 1);
  auto link = staff().approve(staff_x_, x_, id, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(link.kind, "care_worker");
  EXPECT_TRUE(staff().pending(staff_x_, x_).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'family@example.jp' AND "
                  "subject LIKE '%利用申請が承認されました%' AND body LIKE "
                  "'%https://live.test/login%' AND body LIKE '%への利用申請（駿河市子様）が承認%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE id = ? AND status = 'approved' AND "
                  "decided_by = ? AND decided_at IS NOT NULL",
                  {id, staff_x_.id}),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'application_approved'"), 1);
  auto people = staff().links(staff_x_, x_, resident_);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].name, "富士田 熊吉");
  EXPECT_EQ(staff().residents(staff_x_, x_).at(0).linked, 1);
}

// Issue 8: every audit entry written for an HTTP request carries the request's client address;
// an approval (SPEC 1.3) is a security event of DESIGN.md's baseline.
TEST_P(StaffTest, ApprovalIsAuditedWithTheStaffMemberAndTheClientAddress) {
  auto id = apply("family@example.jp");
  staff().approve(staff_x_, x_, id, audit::Actor::account_at(staff_x_.id, "198.51.100.7"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'application_approved' AND "
                  "account_id = ? AND ip = '198.51.100.7'",
                  {staff_x_.id}),
            1);
}

// Issue 8: a resident and its audit entry commit together. A trigger refuses the audit entry:
// then the resident is not added either; without the trigger both are there.
TEST_P(StaffTest, AddingAResidentWritesItAndItsAuditEntryInOneTransaction) {
  const auto by = audit::Actor::account_at(staff_x_.id, "198.51.100.7");
  db().with([](store::Connection& c) {
    if (c.dialect() == store::Dialect::sqlite) {
      c.exec_script(
          "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
          "WHEN NEW.event = 'resident_added' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    } else {
      c.exec_script(
          "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
          "$$ BEGIN RAISE EXCEPTION 'refused'; END $$; "
          "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW "
          "WHEN (NEW.event = 'resident_added') EXECUTE FUNCTION refuse_audit();");
    }
  });
  const NameInput jiro{"駿河", "次郎", "するが", "じろう"};
  EXPECT_THROW(staff().add_resident(staff_x_, x_, jiro, by), std::exception);
  EXPECT_EQ(count("SELECT COUNT(*) FROM residents WHERE given_name = '次郎'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'resident_added' AND "
                  "ip = '198.51.100.7'"),
            0);

  db().with([](store::Connection& c) {
    c.exec_script(c.dialect() == store::Dialect::sqlite
                      ? "DROP TRIGGER refuse_audit;"
                      : "DROP TRIGGER refuse_audit ON audit_log;");
  });
  auto added = staff().add_resident(staff_x_, x_, jiro, by);
  EXPECT_EQ(count("SELECT COUNT(*) FROM residents WHERE given_name = '次郎'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'resident_added' AND "
                  "account_id = ? AND ip = '198.51.100.7' AND detail = ?",
                  {staff_x_.id, "{\"facility_id\":" + std::to_string(x_) +
                                    ",\"resident_id\":" + std::to_string(added.id) + "}"}),
            1);
}

TEST_P(StaffTest, RejectionTellsTheApplicantAndCreatesNoLink) {
  auto id = apply("rejected@example.jp");
  staff().reject(staff_x_, x_, id, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'rejected@example.jp' AND body "
                  "LIKE '%ふじ園への利用申請は承認されませんでした%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'application_rejected'"), 1);
}

TEST_P(StaffTest, ADecidedApplicationCannotBeDecidedAgain) {
  auto approved = apply("a@example.jp");
  staff().approve(staff_x_, x_, approved, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(code_of([&] {
              staff().approve(admin_x_, x_, approved, audit::Actor::account_at(admin_x_.id, ""));
            }),
            "already_decided");
  EXPECT_EQ(code_of([&] {
              staff().reject(admin_x_, x_, approved, audit::Actor::account_at(admin_x_.id, ""));
            }),
            "already_decided");
  auto rejected = apply("b@example.jp");
  staff().reject(staff_x_, x_, rejected, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(code_of([&] {
              staff().approve(staff_x_, x_, rejected, audit::Actor::account_at(staff_x_.id, ""));
            }),
            "already_decided");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE subject LIKE '%承認されました%'"), 1);
  EXPECT_EQ(code_of([&] {
              staff().approve(staff_x_, x_, 9999, audit::Actor::account_at(staff_x_.id, ""));
            }),
            "not_found");
}

TEST_P(StaffTest, StaffOfAnotherFacilityIsRefusedEverywhere) {
  auto id = apply("c@example.jp");
  const auto& y = staff_y_;
  EXPECT_EQ(code_of([&] { staff().residents(y, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] {
              staff().add_resident(y, x_, {"駿河", "秋男", "するが", "あきお"},
                                   audit::Actor::account_at(y.id, ""));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] { staff().invite_url(y, x_, resident_); }), "forbidden");
  EXPECT_EQ(code_of([&] {
              staff().reissue_invite(y, x_, resident_, audit::Actor::account_at(y.id, ""));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] { staff().pending(y, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { staff().approve(y, x_, id, audit::Actor::account_at(y.id, "")); }),
            "forbidden");
  EXPECT_EQ(code_of([&] { staff().reject(y, x_, id, audit::Actor::account_at(y.id, "")); }),
            "forbidden");
  EXPECT_EQ(code_of([&] { staff().links(y, x_, resident_); }), "forbidden");
  EXPECT_EQ(
      code_of([&] { staff().discharge(y, x_, resident_, audit::Actor::account_at(y.id, "")); }),
      "forbidden");
  // Through their own facility: the resident and application of X are not found there.
  EXPECT_EQ(code_of([&] { staff().approve(y, y_, id, audit::Actor::account_at(y.id, "")); }),
            "not_found");
  EXPECT_EQ(code_of([&] { staff().invite_url(y, y_, resident_); }), "not_found");
  EXPECT_EQ(code_of([&] { staff().links(y, y_, resident_); }), "not_found");
  // A family member is not staff; plain staff are not facility admins.
  auto family = stored_account(add_account("family.only@example.jp"));
  EXPECT_EQ(code_of([&] { staff().residents(family, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { staff().staff(staff_x_, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { operator_console().facilities(staff_x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { operator_console().facilities(admin_x_); }), "forbidden");
  EXPECT_TRUE(staff().facilities(staff_y_).size() == 1 &&
              staff().facilities(staff_y_)[0].facility.id == y_);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE status = 'pending'"), 1);
}

TEST_P(StaffTest, TheCallLogIsShownToStaffOfTheFacilityOnly) {
  auto family = stored_account(add_account("call.family@example.jp"));
  db().with([&](store::Connection& c) {
    c.exec(
        "INSERT INTO calls (facility_id, resident_id, started_by, started_at, ended_at) "
        "VALUES (?, ?, ?, 1000, 1125)",
        {x_, resident_, staff_x_.id});
    c.exec(
        "INSERT INTO calls (facility_id, resident_id, started_by, started_at) "
        "VALUES (?, ?, ?, 2000)",
        {x_, resident_, admin_x_.id});
    auto first = c.exec("SELECT id FROM calls WHERE started_at = 1000").first().integer(0);
    c.exec(
        "INSERT INTO call_participants (call_id, account_id, joined_at, left_at) VALUES "
        "(?, ?, 1000, 1125), (?, ?, 1010, 1125)",
        {first, staff_x_.id, first, family.id});
  });
  for (const auto* viewer : {&staff_x_, &admin_x_}) {
    auto log = staff().calls(*viewer, x_);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].started_at, 2000);  // newest first, still going on
    EXPECT_FALSE(log[0].ended_at);
    EXPECT_TRUE(log[0].participants.empty());
    EXPECT_EQ(log[1].resident_name, "駿河 市子");
    EXPECT_EQ(log[1].started_by, staff_x_.id);
    EXPECT_EQ(log[1].started_by_name, "富士 職員");
    EXPECT_EQ(*log[1].ended_at - log[1].started_at, 125);
    ASSERT_EQ(log[1].participants.size(), 2u);
    EXPECT_EQ(log[1].participants[0].account_id, staff_x_.id);
    EXPECT_EQ(log[1].participants[1].account_id, family.id);
    EXPECT_EQ(log[1].participants[1].name, "富士田 熊吉");
    EXPECT_EQ(log[1].participants[1].left_at, std::optional<std::int64_t>(1125));
  }
  // Staff of another facility, a family member, or anyone for a facility that does not exist.
  EXPECT_EQ(code_of([&] { staff().calls(staff_y_, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { staff().calls(family, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] { staff().calls(staff_x_, 987654); }), "forbidden");
  // Their own facility's log does not contain X's calls.
  EXPECT_TRUE(staff().calls(staff_y_, y_).empty());
}

TEST_P(StaffTest, TheLastAdminAndOneselfCannotBeRemoved) {
  auto rows = staff().staff(admin_x_, x_);
  ASSERT_EQ(rows.size(), 2u);
  std::int64_t admin_row = 0, staff_row = 0;
  for (const auto& r : rows) (r.member.is_admin ? admin_row : staff_row) = r.member.id;
  EXPECT_EQ(code_of([&] {
              staff().remove_staff(admin_x_, x_, admin_row,
                                   audit::Actor::account_at(admin_x_.id, ""));
            }),
            "self_removal");
  auto op = stored_account(add_account("operator@example.jp"));
  db().with([&](store::Connection& c) { pass::repo::set_operator(c, op.id, true); });
  op.is_operator = true;
  EXPECT_EQ(code_of([&] {
              staff().remove_staff(op, x_, admin_row, audit::Actor::account_at(op.id, ""));
            }),
            "last_admin");
  staff().remove_staff(admin_x_, x_, staff_row, audit::Actor::account_at(admin_x_.id, ""));
  EXPECT_EQ(staff().staff(admin_x_, x_).size(), 1u);
  EXPECT_EQ(code_of([&] { staff().residents(staff_x_, x_); }), "forbidden");
  // With a second admin the first one can go.
  add_staff("second.admin@example.jp", "facilityx", true);
  staff().remove_staff(op, x_, admin_row, audit::Actor::account_at(op.id, ""));
  EXPECT_EQ(code_of([&] { staff().residents(admin_x_, x_); }), "forbidden");
}

// Issue 9: adding the facility's only admin again as plain staff would leave it without one,
// whether by the command line or by an invitation the admin accepts.
TEST_P(StaffTest, ReAddingTheLastAdminAsPlainStaffIsRefused) {
  staff_invitations().invite(admin_x_, x_, {"富士", "職員", "ふじ", "しょくいん"},
                             "admin.x@example.jp", false,
                             audit::Actor::account_at(admin_x_.id, ""));
  EXPECT_EQ(code_of([&] {
              staff_invitations().accept(token_sent_to("admin.x@example.jp", "/staff/invitation"),
                                         admin_x_, audit::Actor::account_at(admin_x_.id, ""));
            }),
            "last_admin");
  EXPECT_EQ(code_of([&] {
              live().add_staff("facilityx", {"富士", "職員", "ふじ", "しょくいん"},
                               "admin.x@example.jp", false, std::nullopt,
                               audit::Actor::command_line());
            }),
            "last_admin");
  EXPECT_TRUE(staff().access(admin_x_, x_, Need::admin).facility.id == x_);
  // With a second admin it is a change of role like any other.
  add_staff("second.admin@example.jp", "facilityx", true);
  live().add_staff("facilityx", {"富士", "職員", "ふじ", "しょくいん"}, "admin.x@example.jp", false,
                   std::nullopt, audit::Actor::command_line());
  EXPECT_EQ(code_of([&] { staff().staff(admin_x_, x_); }), "forbidden");
}

TEST_P(StaffTest, DischargeRevokesTheInviteAndRemovingALinkIsAudited) {
  auto id = apply("d@example.jp");
  auto link = staff().approve(staff_x_, x_, id, audit::Actor::account_at(staff_x_.id, ""));
  staff().remove_link(staff_x_, x_, resident_, link.id, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_TRUE(staff().links(staff_x_, x_, resident_).empty());
  EXPECT_EQ(code_of([&] {
              staff().remove_link(staff_x_, x_, resident_, link.id,
                                  audit::Actor::account_at(staff_x_.id, ""));
            }),
            "not_found");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'link_removed'"), 1);

  auto url = *staff().invite_url(staff_x_, x_, resident_);
  EXPECT_EQ(staff().invite_url(staff_x_, x_, resident_), url);
  // 「停止」 holds: showing the resident again does not bring a code back until 「再発行」.
  staff().revoke_invite(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_FALSE(staff().invite_url(staff_x_, x_, resident_));
  url = staff().reissue_invite(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(staff().invite_url(staff_x_, x_, resident_), url);
  auto edited = staff().edit_resident(staff_x_, x_, resident_, {"駿河", "一子", "スルガ", "かずこ"},
                                      audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(edited.family_name_kana, "するが");
  staff().discharge(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(code_of([&] { live().open_invite(url.substr(url.find("token=") + 6)); }),
            "token_invalid");
  EXPECT_TRUE(staff().residents(staff_x_, x_).at(0).resident.discharged_at);
  EXPECT_EQ(code_of([&] {
              staff().reissue_invite(staff_x_, x_, resident_,
                                     audit::Actor::account_at(staff_x_.id, ""));
            }),
            "not_found");
}

TEST_P(StaffTest, OperatorManagesFacilitiesAdminsAnnouncementsAndTerms) {
  auto op = stored_account(add_account("op@example.jp"));
  op.is_operator = true;
  auto f = operator_console().add_facility(op, "newfacility", "もみじ園", "通所介護",
                                           audit::Actor::account_at(op.id, ""));
  EXPECT_EQ(operator_console()
                .rename_facility(op, f.id, "もみじの里", audit::Actor::account_at(op.id, ""))
                .name,
            "もみじの里");
  auto added =
      operator_console().add_admin(op, f.id, {"紅葉", "太郎", "もみじ", "たろう"},
                                   "momiji.admin@example.jp", audit::Actor::account_at(op.id, ""));
  EXPECT_TRUE(added.set_password_link_sent);
  EXPECT_EQ(operator_console().admins(op, f.id).size(), 1u);
  EXPECT_EQ(staff().facilities(stored_account(added.account_id)).size(), 1u);
  operator_console().close_facility(op, f.id, audit::Actor::account_at(op.id, ""));
  EXPECT_TRUE(staff().facilities(stored_account(added.account_id)).empty());
  EXPECT_EQ(code_of([&] { staff().residents(stored_account(added.account_id), f.id); }),
            "forbidden");
  operator_console().add_announcement(op, "お知らせ", "本文", audit::Actor::account_at(op.id, ""));
  EXPECT_EQ(operator_console().announcements(op).size(), 1u);
  operator_console().publish_terms(op, "第1版", audit::Actor::account_at(op.id, ""));
  operator_console().publish_terms(op, "第2版", audit::Actor::account_at(op.id, ""));
  EXPECT_EQ(operator_console().terms(op).at(0).version, 2);
  EXPECT_EQ(code_of([&] {
              operator_console().rename_facility(op, f.id, " ",
                                                 audit::Actor::account_at(op.id, ""));
            }),
            "validation_failed");
}

INSTANTIATE_TEST_SUITE_P(Backends, StaffTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

// The SVG draws exactly the matrix libqrencode made: a version-V code has 17 + 4V modules per
// side, plus the 4-module quiet zone, and every dark module is one unit square.
TEST(InviteQr, SvgHasTheModuleCountOfItsVersion) {
  const std::string url = "https://live.example.jp/apply?token=" + std::string(43, 'A');
  auto qr = core::qr_svg(url);
  EXPECT_GE(qr.version, 1);
  EXPECT_LE(qr.version, 40);
  EXPECT_EQ(qr.modules, 17 + 4 * qr.version);
  const int side = qr.modules + 8;
  EXPECT_EQ(qr.svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(
      qr.svg.find("viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side) + "\""),
      std::string::npos);
  EXPECT_EQ(qr.svg.substr(qr.svg.size() - 6), "</svg>");
  // Squares lie inside the symbol; the three finder patterns put dark modules in the corners.
  std::regex square("M(\\d+) (\\d+)h1v1h-1z");
  int dark = 0;
  bool top_left = false, top_right = false, bottom_left = false;
  for (auto it = std::sregex_iterator(qr.svg.begin(), qr.svg.end(), square);
       it != std::sregex_iterator(); ++it) {
    int x = std::stoi((*it)[1]) - 4, y = std::stoi((*it)[2]) - 4;
    ASSERT_TRUE(x >= 0 && y >= 0 && x < qr.modules && y < qr.modules);
    top_left |= x == 0 && y == 0;
    top_right |= x == qr.modules - 1 && y == 0;
    bottom_left |= x == 0 && y == qr.modules - 1;
    ++dark;
  }
  EXPECT_TRUE(top_left && top_right && bottom_left);
  EXPECT_GT(dark, qr.modules * qr.modules / 4);
  EXPECT_LT(dark, qr.modules * qr.modules * 3 / 4);
  // Longer text needs a higher version.
  EXPECT_GT(core::qr_svg(url + std::string(200, 'B')).version, qr.version);
}

}  // namespace
}  // namespace carelive::live
