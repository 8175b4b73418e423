#include "calls/schedule.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "live/family.hpp"
#include "live/service.hpp"
#include "live/staff.hpp"
#include "pass/repo.hpp"
#include "testing/world.hpp"

// SPEC 7 scheduled calls: staff schedule a call (time, resident, who) with every rule checked
// on the server; the family's home shows the next call; notices and one reminder go out by
// email or SMS per login id.

namespace carelive::calls {

namespace codes = core::codes;
namespace {

using core::testing::code_of;
using core::testing::fields_of;

// The ManualClock's start, 2027-01-15 08:00 UTC = 17:00 in Japan (a Friday).
constexpr core::UnixSeconds kNow = 1'800'000'000;
// 2027-01-16 14:00 in Japan = 05:00 UTC.
constexpr core::UnixSeconds kTomorrow1400 = kNow + 21 * core::kHour;

class ScheduleTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    clock_.set(kNow);
    x_ = add_facility("facilityx", "ふじ園");
    y_ = add_facility("facilityy", "さくら園", "特別養護老人ホーム");
    resident_ = add_resident("facilityx", {"駿河", "市子", "するが", "いちこ"});
    other_resident_ = add_resident("facilityy", {"桜井", "花", "さくらい", "はな"});
    staff_x_ = add_staff("staff.x@example.jp", "facilityx");
    staff_y_ = add_staff("staff.y@example.jp", "facilityy");
    daughter_ = add_account("daughter@example.jp");
    son_ = add_account("+819012345678", "090-1234-5678");
    family().link_for_testing(resident_, daughter_, "family");
    family().link_for_testing(resident_, son_, "family");
  }

  ScheduleInput at(const std::string& date, const std::string& time,
                   std::optional<std::int64_t> resident = std::nullopt) {
    ScheduleInput in;
    in.resident_id = resident ? *resident : resident_;
    in.date = date;
    in.time = time;
    return in;
  }
  std::int64_t messages_like(const std::string& recipient, const std::string& pattern) {
    return count("SELECT COUNT(*) FROM messages WHERE recipient = ? AND (subject || body) LIKE ?",
                 {recipient, "%" + pattern + "%"});
  }
  std::int64_t message_count() { return count("SELECT COUNT(*) FROM messages"); }

  std::int64_t x_ = 0, y_ = 0, resident_ = 0, other_resident_ = 0, daughter_ = 0, son_ = 0;
  pass::Account staff_x_, staff_y_;
};

TEST_P(ScheduleTest, SchedulingInvitesEveryLinkedPersonAndTellsEachByTheirLoginId) {
  auto in = at("2027-01-16", "14:00");
  in.note = "お誕生日のお祝いをします";
  auto s = schedules().create(staff_x_, x_, in, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(s.starts_at, kTomorrow1400);
  EXPECT_EQ(s.resident_name, "駿河 市子");
  EXPECT_EQ(s.note, "お誕生日のお祝いをします");
  ASSERT_EQ(s.invitees.size(), 2u);
  EXPECT_EQ(schedules().status_of(s), "upcoming");
  // Email to the daughter (subject + body), SMS to the son's mobile number.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM messages WHERE recipient = 'daughter@example.jp' AND "
            "channel = 'email' AND subject = '【CareLive】ビデオ通話の予定' AND body LIKE "
            "'%2027年1月16日（土）14:00%' AND body LIKE ?",
            {"%\nhttps://live.test/live/residents/" + std::to_string(resident_) + "/call\n%"}),
      1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = '+819012345678' AND "
                  "channel = 'sms' AND subject = '' AND body LIKE '【CareLive】%駿河市子様%'"),
            1);
  EXPECT_EQ(message_count(), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'call_scheduled'"), 1);
  auto listed = schedules().list(staff_x_, x_);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].invitees.size(), 2u);
}

TEST_P(ScheduleTest, StaffChooseWhoIsInvited) {
  auto in = at("2027-01-16", "14:00");
  in.invitees = std::vector<std::int64_t>{son_};
  auto s = schedules().create(staff_x_, x_, in, audit::Actor::account_at(staff_x_.id, ""));
  ASSERT_EQ(s.invitees.size(), 1u);
  EXPECT_EQ(s.invitees[0].account_id, son_);
  EXPECT_EQ(messages_like("daughter@example.jp", "ビデオ通話"), 0);
  EXPECT_EQ(messages_like("+819012345678", "ビデオ通話"), 1);
  EXPECT_TRUE(schedules().next_call(son_, resident_));
  EXPECT_FALSE(schedules().next_call(daughter_, resident_));
}

TEST_P(ScheduleTest, EveryBrokenRuleHasItsOwnFieldCode) {
  using F = core::FieldErrors;
  // Already past (17:00 today is now), too far ahead (over 180 days).
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-15", "16:59"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"time", {"schedule_past"}}}));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-07-20", "10:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"date", {"schedule_too_far"}}}));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-02-30", "10:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"date", {"invalid"}}}));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "25:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"time", {"invalid"}}}));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("", ""),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"date", {"required"}}, {"time", {"required"}}}));
  auto long_note = at("2027-01-16", "14:00");
  for (int i = 0; i < kScheduleNoteMax + 1; ++i) long_note.note += "あ";
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, long_note,
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"note", {"too_long"}}}));
  // Someone who is not linked to the resident, or nobody at all.
  auto stranger = at("2027-01-16", "14:00");
  stranger.invitees = std::vector<std::int64_t>{daughter_, staff_x_.id};
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, stranger, audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"invitees", {"invitee_not_linked"}}}));
  auto nobody = at("2027-01-16", "14:00");
  nobody.invitees = std::vector<std::int64_t>{};
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, nobody, audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"invitees", {"required"}}}));
  auto alone = live()
                   .add_resident("facilityx", {"富士", "一郎", "ふじ", "いちろう"},
                                 audit::Actor::command_line())
                   .id;
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "14:00", alone),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"invitees", {"no_linked_people"}}}));
  // Another facility's resident reads like an unknown one; a discharged one says so.
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "14:00", other_resident_),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"resident_id", {"resident_not_found"}}}));
  EXPECT_EQ(fields_of([&] {
              ScheduleInput no_resident = at("2027-01-16", "14:00");
              no_resident.resident_id = std::nullopt;
              schedules().create(staff_x_, x_, no_resident,
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"resident_id", {"required"}}}));
  EXPECT_EQ(message_count(), 0);
  staff().discharge(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (F{{"resident_id", {"resident_discharged"}}}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules"), 0);
}

TEST_P(ScheduleTest, TwoCallsOfOneResidentMustBeFifteenMinutesApart) {
  schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "14:10"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (core::FieldErrors{{"time", {"schedule_conflict"}}}));
  EXPECT_EQ(fields_of([&] {
              schedules().create(staff_x_, x_, at("2027-01-16", "13:46"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (core::FieldErrors{{"time", {"schedule_conflict"}}}));
  schedules().create(staff_x_, x_, at("2027-01-16", "14:15"),
                     audit::Actor::account_at(staff_x_.id, ""));
  // Another resident at the same time is fine; so is the slot of a cancelled call.
  auto second = live()
                    .add_resident("facilityx", {"富士", "一郎", "ふじ", "いちろう"},
                                  audit::Actor::command_line())
                    .id;
  family().link_for_testing(second, daughter_, "family");
  schedules().create(staff_x_, x_, at("2027-01-16", "14:00", second),
                     audit::Actor::account_at(staff_x_.id, ""));
  auto late = schedules().create(staff_x_, x_, at("2027-01-16", "16:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
  schedules().cancel(staff_x_, x_, late.id, audit::Actor::account_at(staff_x_.id, ""));
  schedules().create(staff_x_, x_, at("2027-01-16", "16:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE cancelled_at IS NULL"), 4);
}

TEST_P(ScheduleTest, StaffOfAnotherFacilityCannotSeeOrTouchSchedules) {
  auto s = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                              audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(code_of([&] { schedules().list(staff_y_, x_); }), "forbidden");
  EXPECT_EQ(code_of([&] {
              schedules().create(staff_y_, x_, at("2027-01-17", "14:00"),
                                 audit::Actor::account_at(staff_y_.id, ""));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] {
              schedules().change(staff_y_, x_, s.id, at("2027-01-17", "14:00"),
                                 audit::Actor::account_at(staff_y_.id, ""));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] {
              schedules().cancel(staff_y_, x_, s.id, audit::Actor::account_at(staff_y_.id, ""));
            }),
            "forbidden");
  // Through their own facility the schedule of another one does not exist.
  EXPECT_EQ(code_of([&] {
              schedules().cancel(staff_y_, y_, s.id, audit::Actor::account_at(staff_y_.id, ""));
            }),
            "not_found");
  EXPECT_EQ(code_of([&] {
              schedules().change(staff_y_, y_, s.id, at("2027-01-17", "14:00"),
                                 audit::Actor::account_at(staff_y_.id, ""));
            }),
            "not_found");
  EXPECT_TRUE(schedules().list(staff_y_, y_).empty());
  // A family member is not staff.
  auto family = stored_account(son_);
  EXPECT_EQ(code_of([&] { schedules().list(family, x_); }), "forbidden");
  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE cancelled_at IS NULL"), 1);
}

TEST_P(ScheduleTest, TheNextCallIsTheEarliestUpcomingOneTheAccountIsInvitedTo) {
  EXPECT_FALSE(schedules().next_call(daughter_, resident_));
  auto later = schedules().create(staff_x_, x_, at("2027-01-20", "10:00"),
                                  audit::Actor::account_at(staff_x_.id, ""));
  auto sooner = at("2027-01-16", "14:00");
  sooner.note = "お誕生日";
  auto first = schedules().create(staff_x_, x_, sooner, audit::Actor::account_at(staff_x_.id, ""));
  auto next = schedules().next_call(daughter_, resident_);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, first.id);
  EXPECT_EQ(next->starts_at, kTomorrow1400);
  EXPECT_EQ(next->note, "お誕生日");
  // Still shown while the call may be on (someone opening home a little late) …
  clock_.set(kTomorrow1400 + 10 * core::kMinute);
  EXPECT_EQ(schedules().next_call(daughter_, resident_)->id, first.id);
  // … then the following one.
  clock_.set(kTomorrow1400 + kShownAfterStart);
  EXPECT_EQ(schedules().next_call(daughter_, resident_)->id, later.id);
  schedules().cancel(staff_x_, x_, later.id, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_FALSE(schedules().next_call(daughter_, resident_));
}

TEST_P(ScheduleTest, OnlyLinkedFamilyWhoAgreedToTheTermsSeeTheNextCall) {
  schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  auto stranger = add_account("stranger@example.jp");
  EXPECT_EQ(code_of([&] { schedules().next_call(stranger, resident_); }), "forbidden");
  // Linked to another resident only.
  family().link_for_testing(other_resident_, stranger, "family");
  EXPECT_EQ(code_of([&] { schedules().next_call(stranger, resident_); }), "forbidden");
  live().publish_terms("第1条 本規約に同意の上で利用できます。", audit::Actor::command_line());
  EXPECT_EQ(code_of([&] { schedules().next_call(daughter_, resident_); }), "terms_required");
  family().consent(daughter_, 1, audit::Actor::account_at(daughter_, ""));
  EXPECT_TRUE(schedules().next_call(daughter_, resident_));
}

TEST_P(ScheduleTest, TheReminderGoesOutOnceAtTheConfiguredTimeBefore) {
  config_.calls.reminder_minutes_before = 60;
  restart();
  schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(schedules().send_due_reminders(), 0);
  clock_.set(kTomorrow1400 - 61 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 0);
  EXPECT_EQ(messages_like("daughter@example.jp", "まもなく"), 0);
  clock_.set(kTomorrow1400 - 60 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'daughter@example.jp' AND "
                  "channel = 'email' AND subject = '【CareLive】まもなくビデオ通話の時間です' AND "
                  "body LIKE '%2027年1月16日（土）14:00%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = '+819012345678' AND "
                  "channel = 'sms' AND body LIKE '【CareLive】まもなく%'"),
            1);
  // Never twice: a later scan, and a second server process on the same store.
  clock_.advance(30 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 0);
  ScheduleService other_process(db(), clock_, config_.public_url, config_.calls, config_.time_zone,
                                templates(), family());
  EXPECT_EQ(other_process.send_due_reminders(), 0);
  EXPECT_EQ(messages_like("daughter@example.jp", "まもなく"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE reminded_at = ?",
                  {kTomorrow1400 - 60 * core::kMinute}),
            1);
}

TEST_P(ScheduleTest, NoReminderForACancelledCallOrOneWhoseTimeHasPassed) {
  auto cancelled = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                                      audit::Actor::account_at(staff_x_.id, ""));
  schedules().create(staff_x_, x_, at("2027-01-16", "16:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  schedules().cancel(staff_x_, x_, cancelled.id, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(messages_like("daughter@example.jp", "取り消されました"), 1);
  EXPECT_EQ(messages_like("+819012345678", "取り消されました"), 1);
  clock_.set(kTomorrow1400 - 10 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 0);
  // The server was down until after 16:00: a reminder then would only confuse.
  clock_.set(kTomorrow1400 + 2 * core::kHour + 1);
  EXPECT_EQ(schedules().send_due_reminders(), 0);
  EXPECT_EQ(messages_like("daughter@example.jp", "まもなく"), 0);
  // Cancelling a cancelled or past call is refused.
  EXPECT_EQ(code_of([&] {
              schedules().cancel(staff_x_, x_, cancelled.id,
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            "schedule_closed");
}

TEST_P(ScheduleTest, SomeoneNoLongerLinkedGetsNoReminder) {
  auto s = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                              audit::Actor::account_at(staff_x_.id, ""));
  auto people = staff().links(staff_x_, x_, resident_);
  for (const auto& p : people)
    if (p.link.account_id == son_)
      staff().remove_link(staff_x_, x_, resident_, p.link.id,
                          audit::Actor::account_at(staff_x_.id, ""));
  clock_.set(kTomorrow1400 - 5 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 1);
  EXPECT_EQ(messages_like("daughter@example.jp", "まもなく"), 1);
  EXPECT_EQ(messages_like("+819012345678", "まもなく"), 0);
  EXPECT_EQ(s.invitees.size(), 2u);
}

TEST_P(ScheduleTest, ChangingTellsEachInviteeWhatChangedForThemAndRemindsAgain) {
  auto s = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                              audit::Actor::account_at(staff_x_.id, ""));
  clock_.set(kTomorrow1400 - 30 * core::kMinute);
  ASSERT_EQ(schedules().send_due_reminders(), 1);
  // Moved to 16:00, the son taken off the list.
  auto in = at("2027-01-16", "16:00");
  in.invitees = std::vector<std::int64_t>{daughter_};
  auto changed =
      schedules().change(staff_x_, x_, s.id, in, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(changed.starts_at, kTomorrow1400 + 2 * core::kHour);
  ASSERT_EQ(changed.invitees.size(), 1u);
  EXPECT_FALSE(changed.reminded_at);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'daughter@example.jp' AND "
                  "subject = '【CareLive】ビデオ通話の予定が変更されました' AND body LIKE "
                  "'%変更前の日時%14:00%変更後の日時%16:00%'"),
            1);
  EXPECT_EQ(messages_like("+819012345678", "取り消されました"), 1);
  EXPECT_FALSE(schedules().next_call(son_, resident_));
  // The new time has its own reminder.
  clock_.set(kTomorrow1400 + 2 * core::kHour - 30 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 1);
  EXPECT_EQ(messages_like("daughter@example.jp", "まもなく"), 2);
  EXPECT_EQ(messages_like("+819012345678", "まもなく"), 1);
  // Adding the son back sends him the scheduled notice; an unchanged call tells nobody.
  const auto before = message_count();
  in.invitees = std::vector<std::int64_t>{daughter_, son_};
  schedules().change(staff_x_, x_, s.id, in, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(message_count(), before + 1);
  EXPECT_EQ(messages_like("+819012345678", "予定しました"), 2);
  schedules().change(staff_x_, x_, s.id, in, audit::Actor::account_at(staff_x_.id, ""));
  EXPECT_EQ(message_count(), before + 1);
  // Once started it cannot be changed any more.
  clock_.set(kTomorrow1400 + 2 * core::kHour);
  EXPECT_EQ(code_of([&] {
              schedules().change(staff_x_, x_, s.id, at("2027-01-17", "10:00"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            "schedule_closed");
}

TEST_P(ScheduleTest, AChangedScheduleKeepsItsOwnSlotButNotAnother) {
  auto a = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                              audit::Actor::account_at(staff_x_.id, ""));
  schedules().create(staff_x_, x_, at("2027-01-16", "15:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  auto same = at("2027-01-16", "14:05");
  same.note = "少し遅らせます";
  EXPECT_EQ(
      schedules().change(staff_x_, x_, a.id, same, audit::Actor::account_at(staff_x_.id, "")).note,
      "少し遅らせます");
  EXPECT_EQ(fields_of([&] {
              schedules().change(staff_x_, x_, a.id, at("2027-01-16", "14:50"),
                                 audit::Actor::account_at(staff_x_.id, ""));
            }),
            (core::FieldErrors{{"time", {"schedule_conflict"}}}));
}

TEST_P(ScheduleTest, DischargeCancelsEveryUpcomingCallAndTellsEachInvitee) {
  auto birthday = at("2027-01-16", "14:00");
  birthday.note = "お誕生日";
  auto first =
      schedules().create(staff_x_, x_, birthday, audit::Actor::account_at(staff_x_.id, ""));
  auto only_son = at("2027-01-20", "10:00");
  only_son.invitees = std::vector<std::int64_t>{son_};
  auto second =
      schedules().create(staff_x_, x_, only_son, audit::Actor::account_at(staff_x_.id, ""));
  const auto before = message_count();

  clock_.advance(core::kHour);
  staff().discharge(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));

  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE resident_id = ? AND cancelled_at = ?",
                  {resident_, kNow + core::kHour}),
            2);
  for (const auto& s : schedules().list(staff_x_, x_))
    EXPECT_EQ(schedules().status_of(s), "cancelled") << s.id;
  // The cancellation notice of cancel(), to each invitee of each call, by their login id.
  EXPECT_EQ(message_count(), before + 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'daughter@example.jp' AND "
                  "channel = 'email' AND subject LIKE '%取り消されました%' AND "
                  "body LIKE '%2027年1月16日（土）14:00%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = '+819012345678' AND "
                  "channel = 'sms' AND body LIKE '%取り消されました%'"),
            2);
  EXPECT_EQ(messages_like("daughter@example.jp", "取り消されました"), 1);
  for (auto id : {first.id, second.id}) {
    // The facility and the resident also in the row's own columns (the access records' search).
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'call_schedule_cancelled' AND "
                    "account_id = ? AND detail = ? AND facility_id = ? AND resident_id = ?",
                    {staff_x_.id,
                     "{\"facility_id\":" + std::to_string(x_) +
                         ",\"reason\":\"resident_discharged\",\"resident_id\":" +
                         std::to_string(first.resident_id) +
                         ",\"schedule_id\":" + std::to_string(id) + "}",
                     x_, first.resident_id}),
              1)
        << id;
  }
  // Nothing left to remind of.
  clock_.set(kTomorrow1400 - 10 * core::kMinute);
  EXPECT_EQ(schedules().send_due_reminders(), 0);
}

TEST_P(ScheduleTest, DischargeLeavesPastCancelledAndOtherResidentsCallsAlone) {
  auto started = schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                                    audit::Actor::account_at(staff_x_.id, ""));
  auto cancelled = schedules().create(staff_x_, x_, at("2027-01-16", "16:00"),
                                      audit::Actor::account_at(staff_x_.id, ""));
  auto upcoming = schedules().create(staff_x_, x_, at("2027-01-17", "10:00"),
                                     audit::Actor::account_at(staff_x_.id, ""));
  schedules().cancel(staff_x_, x_, cancelled.id, audit::Actor::account_at(staff_x_.id, ""));
  auto neighbour = live()
                       .add_resident("facilityx", {"富士", "一郎", "ふじ", "いちろう"},
                                     audit::Actor::command_line())
                       .id;
  family().link_for_testing(neighbour, daughter_, "family");
  auto neighbours = schedules().create(staff_x_, x_, at("2027-01-17", "10:00", neighbour),
                                       audit::Actor::account_at(staff_x_.id, ""));
  family().link_for_testing(other_resident_, son_, "family");
  auto elsewhere = schedules().create(staff_y_, y_, at("2027-01-17", "10:00", other_resident_),
                                      audit::Actor::account_at(staff_y_.id, ""));

  // The first call started ten minutes ago.
  const auto now = kTomorrow1400 + 10 * core::kMinute;
  clock_.set(now);
  const auto before = message_count();
  staff().discharge(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));

  auto cancelled_at = [&](std::int64_t id) {
    return db().with([&](store::Connection& c) {
      return c.exec("SELECT cancelled_at FROM call_schedules WHERE id = ?", {id})
          .first()
          .opt_integer(0);
    });
  };
  EXPECT_EQ(cancelled_at(started.id), std::nullopt);
  EXPECT_EQ(cancelled_at(cancelled.id), std::optional<core::UnixSeconds>(kNow));
  EXPECT_EQ(cancelled_at(upcoming.id), std::optional<core::UnixSeconds>(now));
  EXPECT_EQ(cancelled_at(neighbours.id), std::nullopt);
  EXPECT_EQ(cancelled_at(elsewhere.id), std::nullopt);
  // Only the upcoming call's two invitees are told.
  EXPECT_EQ(message_count(), before + 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE created_at = ? AND body LIKE ?",
                  {now, "%2027年1月17日（日）10:00%"}),
            2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'call_schedule_cancelled' AND "
                  "detail LIKE '%resident_discharged%'"),
            1);
  EXPECT_EQ(schedules().next_call(daughter_, neighbour)->id, neighbours.id);
}

TEST_P(ScheduleTest, AFailedDischargeCancelsNothing) {
  schedules().create(staff_x_, x_, at("2027-01-16", "14:00"),
                     audit::Actor::account_at(staff_x_.id, ""));
  const auto before = message_count();
  EXPECT_EQ(code_of([&] {
              staff().discharge(staff_y_, x_, resident_, audit::Actor::account_at(staff_y_.id, ""));
            }),
            "forbidden");
  EXPECT_EQ(code_of([&] {
              staff().discharge(staff_y_, y_, resident_, audit::Actor::account_at(staff_y_.id, ""));
            }),
            "not_found");
  auto family = stored_account(son_);
  EXPECT_EQ(code_of([&] {
              staff().discharge(family, x_, resident_, audit::Actor::account_at(family.id, ""));
            }),
            "forbidden");
  // A failure after the calls were cancelled takes the cancellation back with the discharge.
  staff().set_discharge_hook([s = &schedules()](store::Connection& c, const audit::Actor& actor,
                                                std::int64_t facility, std::int64_t resident,
                                                core::UnixSeconds now) {
    EXPECT_EQ(s->cancel_upcoming_calls(c, actor, facility, resident, now), 1);
    throw core::Error(codes::kInternal);
  });
  EXPECT_EQ(code_of([&] {
              staff().discharge(staff_x_, x_, resident_, audit::Actor::account_at(staff_x_.id, ""));
            }),
            "internal");

  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE cancelled_at IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM residents WHERE discharged_at IS NOT NULL"), 0);
  EXPECT_EQ(message_count(), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event IN ('call_schedule_cancelled', "
                  "'resident_discharged')"),
            0);
  EXPECT_EQ(schedules().list(staff_x_, x_).at(0).cancelled_at, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScheduleTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

TEST(FacilityTime, ReadsAndWritesTheFacilitysWallClock) {
  FacilityTime tokyo("Asia/Tokyo");
  EXPECT_EQ(tokyo.instant("2027-01-16", "14:00"), kTomorrow1400);
  EXPECT_EQ(tokyo.local(kTomorrow1400).date, "2027-01-16");
  EXPECT_EQ(tokyo.local(kTomorrow1400).time, "14:00");
  EXPECT_EQ(tokyo.long_label(kTomorrow1400), "2027年1月16日（土）14:00");
  EXPECT_EQ(tokyo.long_label(1'796'101'200), "2026年12月1日（火）14:00");
  EXPECT_FALSE(tokyo.instant("2027-02-29", "10:00"));
  EXPECT_FALSE(tokyo.instant("2027-1-16", "10:00"));
  EXPECT_FALSE(tokyo.instant("2027-01-16", "24:00"));
  EXPECT_FALSE(tokyo.instant("2027-01-16", "10:60"));
  // Another zone with daylight saving: 14:00 in New York is 19:00 UTC in January.
  FacilityTime new_york("America/New_York");
  EXPECT_EQ(new_york.instant("2027-01-16", "14:00"), kTomorrow1400 + 14 * core::kHour);
  EXPECT_EQ(new_york.instant("2027-07-16", "14:00").value() % core::kDay, 18 * core::kHour);
  EXPECT_THROW(FacilityTime("Mars/Olympus_Mons"), std::invalid_argument);
}

}  // namespace
}  // namespace carelive::calls
