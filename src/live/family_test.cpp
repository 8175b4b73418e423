#include "live/family.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "testing/world.hpp"

// The family / care-worker side of Live: who may apply (SPEC 1), consent versions (SPEC 4),
// relationship values (SPEC 5), home and announcements (SPEC 3, 8), and that every call is
// refused for a resident the caller is not linked to.

namespace carelive::live {
namespace {

using core::testing::code_of;

using core::testing::fields_of;

class FamilyTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    add_facility("livetest01", "ふじ園");
    add_facility("livetest02", "さくら苑", "特別養護老人ホーム");
    ichiko_ = add_resident("livetest01", {"駿河", "市子", "するが", "いちこ"});
    akio_ = add_resident("livetest01", {"駿河", "秋男", "するが", "あきお"});
    kanako_ = add_resident("livetest02", {"シナリオ", "香奈子", "しなりお", "かなこ"});
    publish_terms();
  }

  std::string token_for(std::int64_t resident) {
    auto url = live().invite_url(resident == kanako_ ? "livetest02" : "livetest01", resident);
    return url.substr(url.find("token=") + 6);
  }

  std::int64_t ichiko_ = 0, akio_ = 0, kanako_ = 0;
};

TEST_P(FamilyTest, AnyPassMayApplyOnceButNotWhenAlreadyLinked) {
  auto token = token_for(ichiko_);
  auto applicant = add_account("kuma@example.jp");
  EXPECT_EQ(family().apply(token, applicant, "family", audit::Actor::account_at(applicant, "")),
            ApplyOutcome::submitted);
  EXPECT_EQ(family().apply(token, applicant, "family", audit::Actor::account_at(applicant, "")),
            ApplyOutcome::already_pending);
  family().link_for_testing(ichiko_, applicant, "family");
  EXPECT_EQ(
      family().apply(token, applicant, "care_worker", audit::Actor::account_at(applicant, "")),
      ApplyOutcome::already_linked);
  EXPECT_EQ(code_of([&] {
              family().apply(token, applicant, "staff", audit::Actor::account_at(applicant, ""));
            }),
            "validation_failed");
  live().revoke_invite(ichiko_, audit::Actor::command_line());
  const auto late = add_account("late@example.jp");
  EXPECT_EQ(
      code_of([&] { family().apply(token, late, "family", audit::Actor::account_at(late, "")); }),
      "token_invalid");
}

TEST_P(FamilyTest, SignupCarryingAnApplicationSubmitsItWhenConfirmed) {
  auto token = token_for(akio_);
  auto after = FamilyService::after_confirm_for(token, "care_worker");
  auto applicant = add_account("care@example.jp");
  EXPECT_EQ(family().apply_after_signup(audit::Actor::account_at(applicant, ""), after),
            ApplyOutcome::submitted);
  EXPECT_EQ(db().with([&](store::Connection& c) {
    return c
        .exec("SELECT kind FROM applications WHERE account_id = ? AND resident_id = ?",
              {applicant, akio_})
        .first()
        .text(0);
  }),
            "care_worker");
  // Garbage or a revoked invite leaves the new account alone.
  EXPECT_FALSE(family().apply_after_signup(audit::Actor::account_at(applicant, ""), "not json"));
  EXPECT_FALSE(family().apply_after_signup(audit::Actor::account_at(applicant, ""),
                                           "{\"apply\":{\"token\":1}}"));
  live().revoke_invite(akio_, audit::Actor::command_line());
  EXPECT_FALSE(family().apply_after_signup(
      audit::Actor::account_at(add_account("x@example.jp"), ""), after));
}

TEST_P(FamilyTest, ConfirmingASignUpFromAnInviteSubmitsTheApplicationOnce) {
  pass().set_confirmed_hook([this](const audit::Actor& account, const std::string& after) {
    family().apply_after_signup(account, after);
    return nlohmann::json();
  });
  pass::SignupInput in{"富士田",
                       "熊吉",
                       "ふじた",
                       "くまきち",
                       "email",
                       "new@example.jp",
                       "new@example.jp",
                       "",
                       carelive::testing::kPassword,
                       carelive::testing::kPassword,
                       FamilyService::after_confirm_for(token_for(ichiko_), "family")};
  pass().signup(in, {"127.0.0.1", "test"});
  auto body = messages("new@example.jp").back().body;
  auto at = body.find("token=");
  ASSERT_NE(at, std::string::npos);
  auto end = body.find_first_of(" \r\n", at);
  auto token = body.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
  std::int64_t id = 0;
  nlohmann::json awaiting;
  ASSERT_EQ(pass().confirm_signup(token, {"127.0.0.1", "test"}, &id, &awaiting),
            pass::ConfirmOutcome::completed);
  EXPECT_TRUE(awaiting.is_null());  // what this hook answers: nothing
  ASSERT_EQ(pass().confirm_signup(token, {"127.0.0.1", "test"}),
            pass::ConfirmOutcome::already_completed);
  EXPECT_EQ(db().with([&](store::Connection& c) {
    return c
        .exec(
            "SELECT COUNT(*) FROM applications WHERE account_id = ? AND resident_id = ? "
            "AND status = 'pending'",
            {id, ichiko_})
        .first()
        .integer(0);
  }),
            1);
}

TEST_P(FamilyTest, ContextsListRolesFacilitiesAndWhatIsStillNeeded) {
  auto id = add_account("both@example.jp");
  EXPECT_TRUE(family().contexts(id).links.empty());
  family().link_for_testing(ichiko_, id, "family");
  family().link_for_testing(kanako_, id, "care_worker");
  live().add_staff("livetest02", {"富士", "職員", "ふじ", "しょくいん"}, "both@example.jp", false,
                   std::nullopt, audit::Actor::command_line());
  auto c = family().contexts(id);
  ASSERT_EQ(c.staff.size(), 1u);
  EXPECT_EQ(c.staff[0].code, "livetest02");
  ASSERT_EQ(c.links.size(), 2u);
  EXPECT_EQ(c.links[0].resident.display_name(), "駿河市子");
  EXPECT_EQ(c.links[0].facility.name, "ふじ園");
  EXPECT_EQ(c.links[1].link.kind, "care_worker");
  EXPECT_TRUE(c.links[0].needs_relationship);
  EXPECT_TRUE(c.terms_required);
  EXPECT_FALSE(c.terms_updated);
}

// SPEC 14: someone who applied and is not approved is told so; a refusal too, until they apply
// again; an application that became a link is not listed.
TEST_P(FamilyTest, ContextsListOwnApplicationsWaitingOrRefusedUntilTheyBecomeALink) {
  auto id = add_account("kuma@example.jp");
  auto member = add_staff("staff@example.jp", "livetest01");
  const auto facility = count("SELECT id FROM facilities WHERE code = 'livetest01'");
  const auto by = audit::Actor::account_at(id, "");
  family().apply(token_for(ichiko_), id, "family", by);
  family().apply(token_for(kanako_), id, "care_worker", by);
  auto c = family().contexts(id);
  ASSERT_EQ(c.applications.size(), 2u);
  EXPECT_EQ(c.applications[0].facility.name, "さくら苑");  // newest first
  EXPECT_EQ(c.applications[1].resident.display_name(), "駿河市子");
  EXPECT_EQ(c.applications[1].application.kind, "family");
  EXPECT_EQ(c.applications[1].application.status, "pending");
  EXPECT_FALSE(c.applications[1].decided_at.has_value());

  const auto ichiko_application = c.applications[1].application.id;
  staff().reject(member, facility, ichiko_application, audit::Actor::command_line());
  auto refused = family().applications(id);
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[1].application.status, "rejected");
  EXPECT_TRUE(refused[1].decided_at.has_value());

  // Applied again: only the new one counts; approved: it is a link, no longer listed.
  family().apply(token_for(ichiko_), id, "family", by);
  auto again = family().applications(id);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].resident.display_name(), "駿河市子");
  EXPECT_EQ(again[0].application.status, "pending");
  staff().approve(member, facility, again[0].application.id, audit::Actor::command_line());
  auto left = family().applications(id);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].facility.name, "さくら苑");
  EXPECT_TRUE(family().applications(add_account("other@example.jp")).empty());
}

TEST_P(FamilyTest, OnlyTheNewestTermsVersionCountsAndAnUpdateAsksAgain) {
  auto id = add_account("kuma@example.jp");
  family().link_for_testing(ichiko_, id, "family");
  EXPECT_EQ(code_of([&] { family().home(id, ichiko_); }), "terms_required");
  EXPECT_EQ(code_of([&] { family().announcements(id); }), "terms_required");
  auto t = family().terms(id);
  EXPECT_EQ(t.terms.version, 1);
  EXPECT_FALSE(t.updated);
  EXPECT_EQ(code_of([&] { family().consent(id, 2, audit::Actor::account_at(id, "")); }),
            "validation_failed");
  family().consent(id, 1, audit::Actor::account_at(id, ""));
  family().consent(id, 1, audit::Actor::account_at(id, ""));  // twice is fine
  EXPECT_EQ(code_of([&] { family().home(id, ichiko_); }), "ok");

  clock_.advance(60);
  live().publish_terms("第1条 改訂しました。", audit::Actor::command_line());
  EXPECT_EQ(code_of([&] { family().home(id, ichiko_); }), "terms_required");
  t = family().terms(id);
  EXPECT_EQ(t.terms.version, 2);
  EXPECT_TRUE(t.updated);
  EXPECT_TRUE(family().contexts(id).terms_updated);
  EXPECT_EQ(code_of([&] { family().consent(id, 1, audit::Actor::account_at(id, "")); }),
            "validation_failed");
  family().consent(id, 2, audit::Actor::account_at(id, ""));
  EXPECT_EQ(code_of([&] { family().home(id, ichiko_); }), "ok");
  // Which account agreed to which version, and when (SPEC 4).
  EXPECT_EQ(db().with([&](store::Connection& c) {
    return c.exec("SELECT COUNT(*) FROM consents WHERE account_id = ?", {id}).first().integer(0);
  }),
            2);
}

TEST_P(FamilyTest, FamilyChoosesARelationshipFromTheList) {
  auto id = add_linked_account("kuma@example.jp", ichiko_);
  EXPECT_EQ(
      fields_of([&] {
        family().set_relationship(id, ichiko_, {"", "", ""}, audit::Actor::account_at(id, ""));
      }),
      (core::FieldErrors{{"relationship", {"required"}}}));
  EXPECT_EQ(
      fields_of([&] {
        family().set_relationship(id, ichiko_, {"友人", "", ""}, audit::Actor::account_at(id, ""));
      }),
      (core::FieldErrors{{"relationship", {"invalid"}}}));
  for (const auto& choice : relationship_choices())
    EXPECT_EQ(family()
                  .set_relationship(id, ichiko_, {choice, "", ""}, audit::Actor::account_at(id, ""))
                  .relationship,
              choice);
  auto link = family().set_relationship(id, ichiko_, {"子", "ケア", "けあ"},
                                        audit::Actor::account_at(id, ""));
  EXPECT_EQ(link.relationship, "子");
  EXPECT_FALSE(link.office_name);
  EXPECT_FALSE(family().contexts(id).links[0].needs_relationship);
}

TEST_P(FamilyTest, CareWorkerGivesAFullWidthOfficeNameAndHiraganaFurigana) {
  auto id = add_linked_account("care@example.jp", akio_, "care_worker");
  auto errors = fields_of([&] {
    family().set_relationship(id, akio_, {"子", "", ""}, audit::Actor::account_at(id, ""));
  });
  EXPECT_EQ(errors["office_name"], std::vector<std::string>{"required"});
  EXPECT_EQ(errors["office_name_kana"], std::vector<std::string>{"required"});
  errors = fields_of([&] {
    family().set_relationship(id, akio_, {"", "Care Plan", "けあ1"},
                              audit::Actor::account_at(id, ""));
  });
  EXPECT_EQ(errors["office_name"], std::vector<std::string>{"not_fullwidth"});
  EXPECT_EQ(errors["office_name_kana"], std::vector<std::string>{"not_hiragana"});
  auto link = family().set_relationship(id, akio_, {"", "ふじ居宅介護支援事業所", "フジキョタク"},
                                        audit::Actor::account_at(id, ""));
  EXPECT_EQ(link.office_name, "ふじ居宅介護支援事業所");
  EXPECT_EQ(link.office_name_kana, "ふじきょたく");
  EXPECT_FALSE(link.relationship);
}

TEST_P(FamilyTest, AnotherResidentsFamilyIsRefusedEverywhere) {
  auto a = add_linked_account("a@example.jp", ichiko_);
  auto b = add_linked_account("b@example.jp", akio_);
  EXPECT_EQ(code_of([&] { family().home(a, ichiko_); }), "ok");
  EXPECT_EQ(code_of([&] { family().home(b, ichiko_); }), "forbidden");
  EXPECT_EQ(
      code_of([&] {
        family().set_relationship(b, ichiko_, {"子", "", ""}, audit::Actor::account_at(b, ""));
      }),
      "forbidden");
  EXPECT_EQ(code_of([&] { family().home(a, kanako_ + 1000); }), "forbidden");
  // A pending application is not a link.
  auto pending = add_account("p@example.jp");
  family().apply(token_for(ichiko_), pending, "family", audit::Actor::account_at(pending, ""));
  EXPECT_EQ(code_of([&] { family().home(pending, ichiko_); }), "forbidden");
  EXPECT_EQ(code_of([&] { family().announcements(pending); }), "forbidden");
  // A discharged resident's link stops working.
  db().with([&](store::Connection& c) {
    c.exec("UPDATE residents SET discharged_at = 1 WHERE id = ?", {ichiko_});
  });
  EXPECT_EQ(code_of([&] { family().home(a, ichiko_); }), "forbidden");
}

TEST_P(FamilyTest, HomeOffersSwitchesOnlyWhenTheyApply) {
  auto id = add_linked_account("kuma@example.jp", ichiko_);
  auto h = family().home(id, ichiko_);
  EXPECT_EQ(h.current.facility.code, "livetest01");
  EXPECT_FALSE(h.several_facilities);
  EXPECT_FALSE(h.several_residents);
  family().link_for_testing(akio_, id, "family");
  h = family().home(id, ichiko_);
  EXPECT_FALSE(h.several_facilities);
  EXPECT_TRUE(h.several_residents);
  family().link_for_testing(kanako_, id, "family");
  h = family().home(id, kanako_);
  EXPECT_TRUE(h.several_facilities);
  EXPECT_FALSE(h.several_residents);
}

TEST_P(FamilyTest, AnnouncementsComeNewestFirstAndOpeningMarksRead) {
  auto id = add_linked_account("kuma@example.jp", ichiko_);
  auto first =
      live().add_announcement("メンテナンスのお知らせ", "本文1", audit::Actor::command_line());
  clock_.advance(3600);
  auto second =
      live().add_announcement("バージョンアップ情報", "本文2", audit::Actor::command_line());
  auto list = family().announcements(id);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].announcement.id, second.id);
  EXPECT_FALSE(list[0].read);
  EXPECT_EQ(family().announcement(id, first.id).body, "本文1");
  family().announcement(id, first.id);
  list = family().announcements(id);
  EXPECT_FALSE(list[0].read);
  EXPECT_TRUE(list[1].read);
  EXPECT_TRUE(family().announcements(add_linked_account("other@example.jp", akio_))[1].read ==
              false);
  EXPECT_EQ(code_of([&] { family().announcement(id, second.id + 99); }), "not_found");
}

// TURN credentials (GET /api/v1/calls/ice-servers) only for people who may take part in a call:
// staff of an open facility, or someone linked to a resident with the newest terms agreed.
TEST_P(FamilyTest, OnlyStaffAndLinkedPeopleWithTheNewestTermsMayTakePartInCalls) {
  const auto stranger = add_account("stranger@example.jp");
  EXPECT_FALSE(family().may_take_part_in_calls(stranger));
  const auto linked = add_linked_account("kuma@example.jp", ichiko_);
  EXPECT_TRUE(family().may_take_part_in_calls(linked));
  publish_terms("第2条 改定しました。");
  EXPECT_FALSE(family().may_take_part_in_calls(linked));
  family().consent(linked, family().terms(linked).terms.version,
                   audit::Actor::account_at(linked, ""));
  EXPECT_TRUE(family().may_take_part_in_calls(linked));

  const auto member = add_staff("staff@example.jp", "livetest01");
  EXPECT_TRUE(family().may_take_part_in_calls(member.id));
  const auto facility = count("SELECT id FROM facilities WHERE code = 'livetest01'");
  staff().discharge(member, facility, ichiko_, audit::Actor::account_at(member.id, ""));
  EXPECT_FALSE(family().may_take_part_in_calls(linked));
}

INSTANTIATE_TEST_SUITE_P(Backends, FamilyTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::live
