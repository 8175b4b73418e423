#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "calls/notices.hpp"
#include "core/error_testing.hpp"
#include "push/test_support_sink.hpp"
#include "testing/world.hpp"

// Web Push end to end on both stores (SPEC 13): a device subscribed through push::Devices gets
// the call's notice from the Dispatcher, encrypted for it and signed with the installation's
// VAPID key, as the loopback push service checks and decrypts it; the service's answers
// (410, 429) and a notice's lifetime decide what happens next.

namespace carelive {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class PushNoticesTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.push.allowed_hosts = {"127.0.0.1"};
    config_.push.allow_http = true;
    add_facility("push01", "ふじ園");
    resident_ = add_resident("push01", {"駿河", "市子", "するが", "いちこ"});
    publish_terms();
    family_ = add_linked_account("hanako@example.jp", resident_);
    staff_ = add_staff("staff@example.jp", "push01");
    app().on_push_result([this](std::string_view r) { results_.emplace_back(r); });
  }

  // The device `id` of the sink, subscribed for `account` as the browser's toJSON() says it.
  push::testing::SinkSubscription subscribe(std::int64_t account, const std::string& id) {
    auto s = sink_.subscribe(id);
    app().push_devices().subscribe(
        audit::Actor::account_at(account, "192.0.2.1"), 0, "test",
        {{"endpoint", s.endpoint},
         {"keys", {{"p256dh", s.p256dh_b64url}, {"auth", s.auth_b64url}}}});
    return s;
  }
  // The resident's call, started by staff (as the hub writes it).
  calls::Call call() {
    if (call_.id) return call_;
    call_.resident_id = resident_;
    call_.facility_id = count("SELECT facility_id FROM residents WHERE id = ?", {resident_});
    call_.started_by = staff_.id;
    call_.started_at = clock_.now();
    call_.state = calls::CallState::ringing;
    call_.id = count(
        "INSERT INTO calls (facility_id, resident_id, started_by, started_at) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        {call_.facility_id, resident_, staff_.id, call_.started_at});
    return call_;
  }
  std::int64_t pending_push() {
    return count(
        "SELECT COUNT(*) FROM messages WHERE channel = 'push' AND sent_at IS NULL AND "
        "abandoned_at IS NULL");
  }

  push::testing::PushSink sink_;
  std::int64_t resident_ = 0, family_ = 0;
  pass::Account staff_;
  calls::Call call_;
  std::vector<std::string> results_;
};

TEST_P(PushNoticesTest, ACallStartedReachesEveryDeviceOfThePeopleAndItsEndReplacesIt) {
  subscribe(family_, "phone");
  subscribe(family_, "tablet");
  auto other = add_account("other@example.jp");  // not linked: told nothing
  subscribe(other, "stranger");

  EXPECT_EQ(app().call_notices().tell(call(), calls::CallEvent::started), 2);
  app().dispatcher().run_once();
  ASSERT_TRUE(sink_.wait_for(2, 5s)) << ::testing::PrintToString(sink_.refusals());
  for (const auto& m : sink_.received()) {
    EXPECT_NE(m.id, "stranger");
    auto notice = json::parse(m.plaintext);
    EXPECT_EQ(notice["title"], "ふじ園からビデオ通話です");
    EXPECT_EQ(notice["url"], "/live/residents/" + std::to_string(resident_) + "/call");
    EXPECT_EQ(m.urgency, "high");
    EXPECT_EQ(m.topic, "call-" + std::to_string(resident_));
    EXPECT_GT(m.ttl, 0);
    EXPECT_LE(m.ttl, 60);
  }
  EXPECT_EQ(results_, (std::vector<std::string>{"sent", "sent"}));

  // Nobody answered: the same topic says it is over.
  app().call_notices().tell(call(), calls::CallEvent::ended_unanswered);
  app().dispatcher().run_once();
  ASSERT_TRUE(sink_.wait_for(4, 5s));
  auto last = sink_.received().back();
  EXPECT_EQ(json::parse(last.plaintext)["title"], "通話は終了しました");
  EXPECT_EQ(last.topic, "call-" + std::to_string(resident_));
  // Answered calls end without a notice.
  EXPECT_EQ(app().call_notices().tell(call(), calls::CallEvent::ended_answered), 0);
}

// SPEC 13 "Staff see the reach": for the open call, each of the resident's people with the
// devices they receive notices on and how the call's notice went on them.
TEST_P(PushNoticesTest, StaffSeeWhoWasToldOfTheCallAndOnHowManyDevices) {
  auto taro = add_linked_account("taro@example.jp", resident_);  // no device turned on
  subscribe(family_, "phone");
  subscribe(family_, "tablet");
  const auto facility = call().facility_id;

  auto before = app().call_notices().reach(staff_, facility, resident_);
  ASSERT_TRUE(before.call.has_value());
  ASSERT_EQ(before.people.size(), 2u);
  EXPECT_EQ(before.people[0].account_id, family_);
  EXPECT_EQ(before.people[0].devices, 2);
  EXPECT_EQ(before.people[0].notified, 0);

  app().call_notices().tell(call(), calls::CallEvent::started);
  auto queued = app().call_notices().reach(staff_, facility, resident_);
  EXPECT_EQ(queued.people[0].notified, 2);
  EXPECT_EQ(queued.people[0].delivered, 0);
  EXPECT_EQ(queued.people[1].account_id, taro);
  EXPECT_EQ(queued.people[1].devices, 0);
  EXPECT_EQ(queued.people[1].notified, 0);

  sink_.respond("tablet", 410);  // a device its push service no longer knows
  app().dispatcher().run_once();
  ASSERT_TRUE(sink_.wait_for(1, 5s));
  auto told = app().call_notices().reach(staff_, facility, resident_);
  EXPECT_EQ(told.people[0].devices, 1);
  EXPECT_EQ(told.people[0].notified, 2);
  EXPECT_EQ(told.people[0].delivered, 1);
  EXPECT_EQ(told.people[0].failed, 1);

  // Only staff of the facility, only its residents.
  auto stranger = stored_account(add_account("other@example.jp"));
  using core::testing::code_of;
  EXPECT_EQ(code_of([&] { app().call_notices().reach(stranger, facility, resident_); }),
            "forbidden");
  add_facility("push02", "さくら苑");
  auto elsewhere = add_resident("push02", {"別所", "次郎", "べっしょ", "じろう"});
  EXPECT_EQ(code_of([&] { app().call_notices().reach(staff_, facility, elsewhere); }), "not_found");
}

TEST_P(PushNoticesTest, ADeviceThePushServiceNoLongerKnowsIsRemoved) {
  subscribe(family_, "old-phone");
  sink_.respond("old-phone", 410);
  app().call_notices().tell(call(), calls::CallEvent::started);
  app().dispatcher().run_once();
  EXPECT_EQ(count("SELECT COUNT(*) FROM push_subscriptions"), 0);
  EXPECT_EQ(pending_push(), 0);  // given up, not retried
  EXPECT_EQ(results_, std::vector<std::string>{"gone"});
}

TEST_P(PushNoticesTest, RetryAfterIsKeptAndANoticePastItsLifetimeIsGivenUp) {
  subscribe(family_, "busy");
  sink_.respond("busy", 429, "120");
  app().call_notices().tell(call(), calls::CallEvent::started);
  app().dispatcher().run_once();
  EXPECT_EQ(results_, std::vector<std::string>{"retry"});
  EXPECT_GE(count("SELECT next_attempt_at FROM messages WHERE channel = 'push'"),
            clock_.now() + 120);
  // A call notice lives a minute: two minutes later it is of no use and is not sent.
  sink_.respond("busy", 201);
  clock_.advance(121);
  app().dispatcher().run_once();
  EXPECT_EQ(results_, (std::vector<std::string>{"retry", "expired"}));
  EXPECT_EQ(pending_push(), 0);
  EXPECT_TRUE(sink_.received().empty());
}

TEST_P(PushNoticesTest, OnlyBrowserPushServicesAndWellFormedKeysAreTaken) {
  auto& devices = app().push_devices();
  const auto by = audit::Actor::account_at(family_, "192.0.2.1");
  auto good = sink_.subscribe("x");
  json keys = {{"p256dh", good.p256dh_b64url}, {"auth", good.auth_b64url}};
  EXPECT_EQ(
      core::testing::code_of([&] {
        devices.subscribe(by, 0, "", {{"endpoint", "https://evil.example/p"}, {"keys", keys}});
      }),
      "push_service_not_allowed");
  EXPECT_EQ(core::testing::code_of([&] {
              devices.subscribe(by, 0, "",
                                {{"endpoint", good.endpoint},
                                 {"keys", {{"p256dh", "AAAA"}, {"auth", good.auth_b64url}}}});
            }),
            "bad_request");
  EXPECT_EQ(core::testing::code_of([&] {
              devices.subscribe(by, 0, "", {{"endpoint", good.endpoint}});
            }),
            "bad_request");
  // The same browser subscribing for another person moves the device to them.
  devices.subscribe(by, 0, "", {{"endpoint", good.endpoint}, {"keys", keys}});
  auto other = add_account("other@example.jp");
  devices.subscribe(audit::Actor::account_at(other, ""), 0, "",
                    {{"endpoint", good.endpoint}, {"keys", keys}});
  EXPECT_TRUE(devices.of(family_).empty());
  EXPECT_EQ(devices.of(other).size(), 1u);
  EXPECT_TRUE(devices.unsubscribe(audit::Actor::account_at(other, ""), good.endpoint));
  EXPECT_FALSE(devices.unsubscribe(audit::Actor::account_at(other, ""), good.endpoint));
  EXPECT_TRUE(audit_events().count("push_subscribed"));
  EXPECT_TRUE(audit_events().count("push_unsubscribed"));
}

TEST_P(PushNoticesTest, TheVapidKeyIsMadeOnceForTheInstallation) {
  const auto key = app().vapid_key().public_base64url();
  restart();
  EXPECT_EQ(app().vapid_key().public_base64url(), key);
}

// Rotating the server secret (docs/backup.md) makes a new key: the old one cannot be opened,
// and devices subscribed under it cannot be reached with the new one.
TEST_P(PushNoticesTest, AfterTheSecretChangesTheKeyIsMadeAnewAndOldDevicesGo) {
  subscribe(family_, "phone");
  const auto key = app().vapid_key().public_base64url();
  config_.secret = std::string(48, 'r');
  restart();
  EXPECT_NE(app().vapid_key().public_base64url(), key);
  EXPECT_EQ(count("SELECT COUNT(*) FROM push_subscriptions"), 0);
  const auto renewed = app().vapid_key().public_base64url();
  restart();  // and it stays
  EXPECT_EQ(app().vapid_key().public_base64url(), renewed);
}

TEST_P(PushNoticesTest, ANewAnnouncementGoesToTheFamiliesDevices) {
  subscribe(family_, "phone");
  auto staff_only = add_staff("staff@example.jp", "push01");
  subscribe(staff_only.id, "staff-phone");
  live().add_announcement("年末年始の面会について", "本文", audit::Actor::command_line());
  app().dispatcher().run_once();
  ASSERT_TRUE(sink_.wait_for(1, 5s));
  std::this_thread::sleep_for(200ms);
  auto got = sink_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "phone");
  EXPECT_EQ(json::parse(got[0].plaintext)["body"], "年末年始の面会について");
}

INSTANTIATE_TEST_SUITE_P(Backends, PushNoticesTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive
