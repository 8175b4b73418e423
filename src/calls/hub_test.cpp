#include "calls/hub.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "live/family.hpp"
#include "live/service.hpp"
#include "pass/repo.hpp"
#include "store/test_support.hpp"

// The signaling hub on both stores: every message authorized against links, terms and staff
// membership; presence reaches staff only; offers/answers relayed only inside one call; the
// call log written.

namespace carelive::calls {
namespace {

using nlohmann::json;

struct FakePeer : http::WsPeer {
  void send(std::string text) override { got.push_back(json::parse(text)); }
  std::vector<json> take() { return std::exchange(got, {}); }
  std::vector<json> got;
};

class HubTest : public store::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (not_ready()) return;
    core::init_crypto();
    config_.public_url = "https://live.test";
    pass_ = std::make_unique<pass::PassService>(db(), clock_, config_, hasher_, templates_);
    live_ = std::make_unique<live::LiveService>(db(), clock_, config_, *pass_, templates_,
                                                std::string(48, 's'));
    family_ = std::make_unique<live::FamilyService>(db(), clock_, *live_);
    hub_ = std::make_unique<Hub>(db(), clock_, *family_);
    live_->add_facility("livetest01", "ふじ園", "老人保健施設（施設サービス版）");
    live_->add_facility("livetest02", "さくら苑", "特別養護老人ホーム");
    ichiko_ = live_->add_resident("livetest01", {"駿河", "市子", "するが", "いちこ"}).id;
    akio_ = live_->add_resident("livetest01", {"駿河", "秋男", "するが", "あきお"}).id;
    live_->publish_terms("第1条");
    staff_ = live_
                 ->add_staff("livetest01", {"富士", "職員", "ふじ", "しょくいん"},
                             "staff@example.jp", false, std::string("Staff#Fuji2026"))
                 .account_id;
    other_staff_ = live_
                       ->add_staff("livetest02", {"桜", "職員", "さくら", "しょくいん"},
                                   "staff2@example.jp", false, std::string("Staff#Fuji2026"))
                       .account_id;
    family_a_ = linked("a@example.jp", ichiko_);
    family_b_ = linked("b@example.jp", akio_);
  }
  void TearDown() override {
    hub_.reset();
    family_.reset();
    live_.reset();
    pass_.reset();
    BackendTest::TearDown();
  }

  std::int64_t linked(const std::string& email, std::int64_t resident) {
    auto id = pass_->create_confirmed_account(
        {"駿河", "花子", "するが", "はなこ", "email", email, ""}, std::string("Fujita#Kuma9"));
    family_->link_for_testing(resident, id, "family");
    family_->consent(id, family_->terms(id).terms.version);
    return id;
  }

  struct Client {
    std::uint64_t id;
    std::shared_ptr<FakePeer> peer;
  };
  Client connect(std::int64_t account_id) {
    pass::Principal who;
    who.account =
        *db().with([&](store::Connection& c) { return pass::repo::find_account(c, account_id); });
    auto peer = std::make_shared<FakePeer>();
    return {hub_->open(peer, who), peer};
  }
  void say(const Client& c, json msg) { hub_->message(c.id, msg.dump()); }
  static json error(const std::string& code, const std::string& ref) {
    return {{"type", "error"}, {"code", code}, {"ref", ref}};
  }

  core::ManualClock clock_;
  core::Config config_;
  core::PasswordHasher hasher_;
  notify::Templates templates_{notify::Brand{}};
  std::unique_ptr<pass::PassService> pass_;
  std::unique_ptr<live::LiveService> live_;
  std::unique_ptr<live::FamilyService> family_;
  std::unique_ptr<Hub> hub_;
  std::int64_t ichiko_ = 0, akio_ = 0, staff_ = 0, other_staff_ = 0, family_a_ = 0, family_b_ = 0;
};

TEST_P(HubTest, OnlyLinkedPeopleAndStaffOfTheFacilityReachAResident) {
  auto b = connect(family_b_);
  for (const char* type : {"watch", "join", "start", "end", "leave"})
    say(b, {{"type", type}, {"resident_id", ichiko_}});
  auto got = b.peer->take();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], error("forbidden", "watch"));
  EXPECT_EQ(got[2], error("forbidden", "start"));

  auto other = connect(other_staff_);
  say(other, {{"type", "start"}, {"resident_id", ichiko_}});
  EXPECT_EQ(other.peer->take(), std::vector<json>{error("forbidden", "start")});

  // Family may not start a call even for their own resident.
  auto a = connect(family_a_);
  say(a, {{"type", "start"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a.peer->take(), std::vector<json>{error("forbidden", "start")});

  say(a, {{"type", "watch"}});
  say(a, json::array());
  hub_->message(a.id, "not json");
  EXPECT_EQ(a.peer->take(),
            (std::vector<json>{error("bad_message", "watch"), error("bad_message", ""),
                               error("bad_message", "")}));
}

TEST_P(HubTest, TermsNotAgreedAreRefused) {
  live_->publish_terms("第2条");
  auto a = connect(family_a_);
  say(a, {{"type", "watch"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a.peer->take(), std::vector<json>{error("terms_required", "watch")});
}

TEST_P(HubTest, PresenceCallSignalingAndTheCallLog) {
  auto staff = connect(staff_);
  say(staff, {{"type", "watch"}, {"resident_id", ichiko_}});
  auto got = staff.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["type"], "presence");
  EXPECT_TRUE(got[0]["people"].empty());
  EXPECT_EQ(got[1]["state"], "idle");

  auto a = connect(family_a_);
  say(a, {{"type", "watch"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a.peer->take().at(0)["state"], "idle");  // family get no presence
  got = staff.peer->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["people"].size(), 1u);
  EXPECT_EQ(got[0]["people"][0]["account_id"], family_a_);

  // Signals outside a call go nowhere.
  say(a, {{"type", "signal"}, {"to", staff_}, {"data", {{"x", 1}}}});
  EXPECT_EQ(a.peer->take(), std::vector<json>{error("not_in_call", "signal")});

  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  got = staff.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["type"], "joined");
  EXPECT_EQ(got[1]["state"], "ringing");
  EXPECT_EQ(a.peer->take().at(0)["state"], "ringing");

  clock_.advance(10);
  say(a, {{"type", "join"}, {"resident_id", ichiko_}});
  got = a.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["type"], "joined");
  EXPECT_EQ(got[0]["peers"], json::array({staff_}));
  EXPECT_EQ(got[1]["state"], "active");
  EXPECT_EQ(staff.peer->take().at(0)["participants"].size(), 2u);

  say(a, {{"type", "signal"}, {"to", staff_}, {"data", {{"sdp", "offer"}}}});
  EXPECT_EQ(
      staff.peer->take(),
      (std::vector<json>{{{"type", "signal"}, {"from", family_a_}, {"data", {{"sdp", "offer"}}}}}));
  // Someone outside the call cannot signal into it.
  auto b = connect(family_b_);
  say(b, {{"type", "signal"}, {"to", staff_}, {"data", {{"sdp", "x"}}}});
  EXPECT_EQ(b.peer->take(), std::vector<json>{error("not_in_call", "signal")});
  EXPECT_TRUE(staff.peer->take().empty());

  // The family closing the screen ends a two-party call for the staff too.
  clock_.advance(90);
  hub_->close(a.id);
  got = staff.peer->take();
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got[0]["state"], "ended");

  db().with([&](store::Connection& c) {
    auto r = c.exec("SELECT started_by, started_at, ended_at FROM calls WHERE resident_id = ?",
                    {ichiko_});
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].integer(0), staff_);
    EXPECT_EQ(r.rows[0].integer(2) - r.rows[0].integer(1), 100);
    auto p = c.exec(
        "SELECT account_id, joined_at, left_at FROM call_participants ORDER BY joined_at, id");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1].integer(0), family_a_);
    EXPECT_EQ(p.rows[1].integer(2) - p.rows[1].integer(1), 90);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, HubTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::calls
