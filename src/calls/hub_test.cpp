#include "calls/hub.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/actor.hpp"
#include "calls/redis_test_support.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "live/family.hpp"
#include "live/service.hpp"
#include "pass/repo.hpp"
#include "store/test_support.hpp"
#include "testing/world.hpp"

// The signaling hub on both stores: every message authorized against links, terms and staff
// membership; presence reaches staff only; offers/answers relayed only inside one call; the
// call log written.

namespace carelive::calls {
namespace {

using nlohmann::json;

// What a browser would receive; thread-safe (the Redis bus delivers on its own thread).
// `ring` messages (every screen of the resident's people) are kept only when `rings` is set,
// so that the call screen's own exchange reads as it is.
struct FakePeer : http::WsPeer {
  explicit FakePeer(bool rings = false) : rings(rings) {}
  void send(std::string text) override {
    auto msg = json::parse(text);
    if (!rings && msg["type"] == "ring") return;
    std::lock_guard lock(mutex);
    got.push_back(std::move(msg));
  }
  const bool rings;
  void end(std::uint16_t code) override { ended = code; }
  std::atomic<std::uint16_t> ended{0};  // the close code the server sent; 0: still open
  std::vector<json> take() {
    std::lock_guard lock(mutex);
    return std::exchange(got, {});
  }
  // Takes everything up to and including the first message that matches.
  std::optional<json> take_until(const std::function<bool(const json&)>& match) {
    std::optional<json> found;
    testing::eventually([&] {
      std::lock_guard lock(mutex);
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (match(got[i])) {
          found = got[i];
          got.erase(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(i) + 1);
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::mutex mutex;
  std::vector<json> got;
};

class HubTest : public carelive::testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.security.staff_mfa_required = false;  // staff sign in by password here (calls, not
                                                  // sign-in: second_factor_test.cpp)
    hub_ = std::make_unique<Hub>(db(), clock_, family());
    add_facility("livetest01", "ふじ園");
    add_facility("livetest02", "さくら苑", "特別養護老人ホーム");
    ichiko_ = add_resident("livetest01", {"駿河", "市子", "するが", "いちこ"});
    akio_ = add_resident("livetest01", {"駿河", "秋男", "するが", "あきお"});
    publish_terms("第1条");
    staff_ = add_staff("staff@example.jp", "livetest01").id;
    other_staff_ = add_staff("staff2@example.jp", "livetest02").id;
    family_a_ = add_linked_account("a@example.jp", ichiko_);
    family_b_ = add_linked_account("b@example.jp", akio_);
  }
  void TearDown() override {
    hub_.reset();
    World::TearDown();
  }

  struct Client {
    std::uint64_t id;
    std::shared_ptr<FakePeer> peer;
  };
  Client connect(std::int64_t account_id, bool rings = false) {
    auth::Principal who;
    who.account = stored_account(account_id);
    auto peer = std::make_shared<FakePeer>(rings);
    return {hub_->open(peer, who), peer};
  }
  void say(const Client& c, json msg) { hub_->message(c.id, msg.dump()); }
  // Signed in as a browser is: a real session (its limits checked by the hub), on `hub`.
  std::pair<Client, auth::Principal> sign_in(Hub& hub, const std::string& login_id) {
    auto r = pass().login(login_id, carelive::testing::kPassword, {"192.0.2.1", "test"});
    auto who = *pass().authenticate(r.session_token);
    auto peer = std::make_shared<FakePeer>();
    return {{hub.open(peer, who), peer}, who};
  }
  // Wired as serve() wires it: sessions checked, access changes told.
  std::unique_ptr<Hub> wired_hub(std::shared_ptr<Bus> bus = nullptr) {
    HubOptions options;
    options.session_check = [this](std::int64_t session, bool in_call) {
      return pass().live_session(session, in_call);
    };
    return std::make_unique<Hub>(db(), clock_, family(), options, std::move(bus));
  }
  void tell_hubs(std::vector<Hub*> hubs) {
    auto listener = [hubs](const auth::AccessEnded& e) { hubs.front()->revoke(e); };
    pass().set_access_listener(listener);
    staff().set_access_listener(listener);
    operator_console().set_access_listener(listener);
  }
  static json error(const std::string& code, const std::string& ref) {
    return {{"type", "error"}, {"code", code}, {"ref", ref}};
  }

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
  live().publish_terms("第2条", audit::Actor::command_line());
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

  // The family's connection closes: they keep their place for the grace, shown as not
  // connected; when it runs out they leave as with `leave`, which ends a two-party call.
  clock_.advance(90);
  hub_->close(a.id);
  got = staff.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["state"], "active");
  EXPECT_EQ(got[0]["participants"][0]["connected"], true);
  EXPECT_EQ(got[0]["participants"][1]["connected"], false);
  EXPECT_EQ(got[1]["type"], "presence");  // the screen is closed
  EXPECT_TRUE(got[1]["people"].empty());
  clock_.advance(29);
  hub_->tick();
  EXPECT_TRUE(staff.peer->take().empty());
  clock_.advance(1);
  hub_->tick();
  got = staff.peer->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["state"], "ended");

  db().with([&](store::Connection& c) {
    auto r = c.exec("SELECT started_by, started_at, ended_at FROM calls WHERE resident_id = ?",
                    {ichiko_});
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].integer(0), staff_);
    EXPECT_EQ(r.rows[0].integer(2) - r.rows[0].integer(1), 130);
    auto p = c.exec(
        "SELECT account_id, joined_at, left_at FROM call_participants ORDER BY joined_at, id");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1].integer(0), family_a_);
    EXPECT_EQ(p.rows[1].integer(2) - p.rows[1].integer(1), 120);
  });
}

// Staff and family in a call of ichiko; returns {staff, family} connections, messages taken.
#define IN_A_CALL(staff, a)                                     \
  auto staff = connect(staff_);                                 \
  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});    \
  auto a = connect(family_a_);                                  \
  say(a, {{"type", "watch"}, {"resident_id", ichiko_}});        \
  say(a, {{"type", "join"}, {"resident_id", ichiko_}});         \
  const std::int64_t call_id = a.peer->take().at(1)["call_id"]; \
  (void)call_id;                                                \
  staff.peer->take();

TEST_P(HubTest, ResumeWithinTheGraceKeepsTheCall) {
  IN_A_CALL(staff, a);
  hub_->close(a.id);
  EXPECT_EQ(staff.peer->take().at(0)["participants"][1]["connected"], false);
  // Signals to someone in grace go nowhere (no error: the client cannot know).
  say(staff, {{"type", "signal"}, {"to", family_a_}, {"data", {{"x", 1}}}});
  EXPECT_TRUE(staff.peer->take().empty());

  clock_.advance(25);
  hub_->tick();
  auto a2 = connect(family_a_);
  say(a2, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id}});
  auto got = a2.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (json{{"type", "joined"},
                          {"resident_id", ichiko_},
                          {"call_id", call_id},
                          {"self", family_a_},
                          {"peers", {staff_}},
                          {"resumed", true}}));
  EXPECT_EQ(got[1]["state"], "active");
  EXPECT_EQ(got[1]["participants"][1]["connected"], true);
  EXPECT_EQ(staff.peer->take().at(0)["participants"][1]["connected"], true);

  // The grace is over: nothing expires later, and signals reach the new connection.
  clock_.advance(60);
  hub_->tick();
  EXPECT_TRUE(staff.peer->take().empty());
  say(staff, {{"type", "signal"}, {"to", family_a_}, {"data", {{"pc", "p2"}}}});
  EXPECT_EQ(a2.peer->take(),
            (std::vector<json>{{{"type", "signal"}, {"from", staff_}, {"data", {{"pc", "p2"}}}}}));
  say(a2, {{"type", "leave"}, {"resident_id", ichiko_}});
  EXPECT_EQ(staff.peer->take().at(0)["state"], "ended");
  db().with([&](store::Connection& c) {
    auto p = c.exec("SELECT COUNT(*) FROM call_participants WHERE account_id = ?", {family_a_});
    EXPECT_EQ(p.first().integer(0), 1);  // one row: the resume did not rejoin
  });
}

TEST_P(HubTest, ResumeAfterTheCallOrOfAnotherCallIsRefused) {
  IN_A_CALL(staff, a);
  auto b = connect(family_b_);
  say(b, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id}});
  EXPECT_EQ(b.peer->take(), std::vector<json>{error("forbidden", "resume")});
  auto a2 = connect(family_a_);
  say(a2, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id + 1}});
  say(a2, {{"type", "resume"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a2.peer->take(),
            (std::vector<json>{error("no_call", "resume"), error("bad_message", "resume")}));

  hub_->close(a.id);
  clock_.advance(30);
  hub_->tick();
  EXPECT_EQ(staff.peer->take().back()["state"], "ended");
  say(a2, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id}});
  EXPECT_EQ(a2.peer->take(), std::vector<json>{error("no_call", "resume")});
}

TEST_P(HubTest, ResumeTakesOverFromAnOldSocketNotYetClosed) {
  IN_A_CALL(staff, a);
  auto a2 = connect(family_a_);
  say(a2, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id}});
  EXPECT_EQ(a2.peer->take().at(0)["resumed"], true);
  staff.peer->take();
  // The old connection no longer speaks for the account; it still watches.
  say(a, {{"type", "signal"}, {"to", staff_}, {"data", {{"x", 1}}}});
  EXPECT_EQ(a.peer->take().back(), error("not_in_call", "signal"));
  say(staff, {{"type", "signal"}, {"to", family_a_}, {"data", {{"x", 2}}}});
  EXPECT_EQ(a2.peer->take().size(), 1u);
  EXPECT_TRUE(a.peer->take().empty());
  // Its close is not the account's: no grace, nobody told.
  hub_->close(a.id);
  EXPECT_TRUE(staff.peer->take().empty());
  clock_.advance(100);
  hub_->tick();
  EXPECT_TRUE(staff.peer->take().empty());
}

TEST_P(HubTest, JoinByAParticipantIsAFreshJoin) {
  IN_A_CALL(staff, a);
  // The page was reloaded: a new connection joins again.
  auto a2 = connect(family_a_);
  say(a2, {{"type", "join"}, {"resident_id", ichiko_}});
  auto got = a2.peer->take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["type"], "joined");
  EXPECT_EQ(got[0]["peers"], json::array({staff_}));
  EXPECT_FALSE(got[0].contains("resumed"));
  EXPECT_EQ(got[1]["participants"].size(), 2u);
  // The same connection joining twice is answered the same way.
  say(a2, {{"type", "join"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a2.peer->take().at(0)["peers"], json::array({staff_}));
  say(a2, {{"type", "signal"}, {"to", staff_}, {"data", {{"pc", "new"}}}});
  EXPECT_EQ(staff.peer->take().back()["data"]["pc"], "new");
  db().with([&](store::Connection& c) {
    auto p =
        c.exec("SELECT COUNT(*) FROM call_participants WHERE account_id = ? AND left_at IS NULL",
               {family_a_});
    EXPECT_EQ(p.first().integer(0), 1);
  });
  // A connection in one resident's call cannot join another's.
  say(staff, {{"type", "join"}, {"resident_id", akio_}});
  EXPECT_EQ(staff.peer->take(), std::vector<json>{error("already_in_call", "join")});
}

TEST_P(HubTest, WithoutGraceAClosedConnectionLeavesAtOnce) {
  HubOptions no_grace;
  no_grace.reconnect_grace_seconds = 0;
  hub_ = std::make_unique<Hub>(db(), clock_, family(), no_grace);
  IN_A_CALL(staff, a);
  hub_->close(a.id);
  EXPECT_EQ(staff.peer->take().at(0)["state"], "ended");
}

TEST_P(HubTest, ARestartedServerLetsTheCallGoOnOrEnd) {
  IN_A_CALL(staff, a);
  hub_->tick();  // heartbeat of the node that holds the call
  // The process dies (kill -9: no close of its connections, no goodbye); a new one starts on
  // the same store. The dead hub is leaked on purpose: nothing of it runs any more.
  auto old_node = hub_->node();
  (void)hub_.release();
  hub_ = std::make_unique<Hub>(db(), clock_, family());
  EXPECT_NE(hub_->node(), old_node);
  auto staff2 = connect(staff_);
  say(staff2, {{"type", "watch"}, {"resident_id", ichiko_}});
  auto got = staff2.peer->take();
  EXPECT_EQ(got.at(1)["state"], "active");  // from the store
  EXPECT_EQ(got.at(1)["participants"][0]["connected"], true);
  hub_->tick();
  EXPECT_TRUE(staff2.peer->take().empty());  // the old node may still be alive
  clock_.advance(Hub::kNodeStaleSeconds + 1);
  hub_->tick();
  got = staff2.peer->take();
  ASSERT_EQ(got.size(), 2u);  // both participants: not connected
  EXPECT_EQ(got[1]["participants"][0]["connected"], false);
  EXPECT_EQ(got[1]["participants"][1]["connected"], false);
  // The staff member's reconnected page resumes; the family never comes back.
  say(staff2, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", call_id}});
  got = staff2.peer->take();
  EXPECT_EQ(got.at(0)["resumed"], true);
  EXPECT_EQ(got.at(0)["peers"], json::array({family_a_}));
  clock_.advance(30);
  hub_->tick();
  EXPECT_EQ(staff2.peer->take().at(0)["state"], "ended");
}

TEST_P(HubTest, AfterAGracefulStopGracesEndOnTime) {
  IN_A_CALL(staff, a);
  hub_->tick();
  // The server drains: its connections close (grace), then it says goodbye.
  hub_->close(a.id);
  hub_->close(staff.id);
  hub_.reset();
  hub_ = std::make_unique<Hub>(db(), clock_, family());
  auto w = connect(staff_);
  say(w, {{"type", "watch"}, {"resident_id", ichiko_}});
  EXPECT_EQ(w.peer->take().at(1)["participants"][1]["connected"], false);
  clock_.advance(30);
  hub_->tick();  // no need to wait for the old node's heartbeat to go stale
  EXPECT_EQ(w.peer->take().at(0)["state"], "ended");
}

TEST_P(HubTest, TwoProcessesStartingAtOnceMakeOneCall) {
  // Two hubs on one store (two processes); their staff press 「通話を開始」 at the same moment,
  // round after round: each time exactly one call starts, the other is told call_in_progress.
  Hub other(db(), clock_, family());
  auth::Principal who;
  who.account = stored_account(staff_);
  for (int round = 0; round < 10; ++round) {
    auto p1 = std::make_shared<FakePeer>(), p2 = std::make_shared<FakePeer>();
    auto c1 = hub_->open(p1, who), c2 = other.open(p2, who);
    const auto start = json{{"type", "start"}, {"resident_id", ichiko_}}.dump();
    std::thread t1([&] { hub_->message(c1, start); });
    std::thread t2([&] { other.message(c2, start); });
    t1.join();
    t2.join();
    int started = 0, refused = 0;
    for (const auto& got : {p1->take(), p2->take()}) {
      ASSERT_FALSE(got.empty());
      if (got[0]["type"] == "joined") ++started;
      if (got[0] == error("call_in_progress", "start")) ++refused;
    }
    EXPECT_EQ(started, 1);
    EXPECT_EQ(refused, 1);
    hub_->message(c1, json{{"type", "end"}, {"resident_id", ichiko_}}.dump());
    hub_->close(c1);
    other.close(c2);
  }
  db().with([&](store::Connection& c) {
    EXPECT_EQ(c.exec("SELECT COUNT(*) FROM calls").first().integer(0), 10);
    EXPECT_EQ(c.exec("SELECT COUNT(*) FROM calls WHERE ended_at IS NULL").first().integer(0), 0);
  });
}

TEST_P(HubTest, OneOpenCallPerResidentInTheStore) {
  auto staff = connect(staff_);
  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  // A second process (another node on the same store) cannot start another one.
  Hub other(db(), clock_, family());
  auto staff2 = std::make_shared<FakePeer>();
  auth::Principal who;
  who.account = stored_account(staff_);
  auto id = other.open(staff2, who);
  other.message(id, json{{"type", "start"}, {"resident_id", ichiko_}}.dump());
  EXPECT_EQ(staff2->take().back(), error("call_in_progress", "start"));
  // Even a writer that skips the rules meets the unique index.
  EXPECT_THROW(db().with([&](store::Connection& c) {
    c.exec(
        "INSERT INTO calls (facility_id, resident_id, started_by, started_at) "
        "SELECT facility_id, resident_id, started_by, started_at FROM calls");
  }),
               store::DbError);
}

// Issue 9: an open WebSocket does not outlive its session. Logging out, changing the password
// and ending other sessions close the sockets of the sessions that ended (and only those).
TEST_P(HubTest, SocketsCloseWhenTheirSessionEnds) {
  hub_ = wired_hub();
  tell_hubs({hub_.get()});
  auto [phone, phone_who] = sign_in(*hub_, "a@example.jp");
  auto [tablet, tablet_who] = sign_in(*hub_, "a@example.jp");
  auto [laptop, laptop_who] = sign_in(*hub_, "a@example.jp");
  auto other = connect(family_b_);

  pass().logout(tablet_who, {"192.0.2.1", "test"});
  EXPECT_EQ(tablet.peer->ended, protocol::kCloseSessionEnded);
  EXPECT_EQ(phone.peer->ended, 0);

  pass().end_other_sessions(phone_who, {"192.0.2.1", "test"});
  EXPECT_EQ(laptop.peer->ended, protocol::kCloseSessionEnded);
  EXPECT_EQ(phone.peer->ended, 0);

  auto [again, again_who] = sign_in(*hub_, "a@example.jp");
  pass().change_password(phone_who, carelive::testing::kPassword, "Kumakichi#2027",
                         "Kumakichi#2027", {"192.0.2.1", "test"});
  EXPECT_EQ(again.peer->ended, protocol::kCloseSessionEnded);
  EXPECT_EQ(phone.peer->ended, 0);
  EXPECT_EQ(other.peer->ended, 0);
}

// The session's own limits: idle (staff 30 minutes) and absolute. Being in a call counts as use.
TEST_P(HubTest, ASocketClosesWhenItsSessionExpiresButACallKeepsItInUse) {
  hub_ = wired_hub();
  auto [idle, idle_who] = sign_in(*hub_, "staff@example.jp");
  auto [busy, busy_who] = sign_in(*hub_, "staff@example.jp");
  say(busy, {{"type", "start"}, {"resident_id", ichiko_}});
  const auto idle_timeout = idle_who.session.idle_timeout;
  ASSERT_GT(idle_timeout, 0);
  clock_.advance(idle_timeout - 1);
  hub_->tick();
  EXPECT_EQ(idle.peer->ended, 0);
  clock_.advance(1);
  hub_->tick();
  EXPECT_EQ(idle.peer->ended, protocol::kCloseSessionEnded);
  EXPECT_EQ(busy.peer->ended, 0);  // its session was used by the call
  EXPECT_FALSE(pass().live_session(idle_who.session.id, false));
  EXPECT_TRUE(pass().live_session(busy_who.session.id, false));
  // The absolute limit ends even a call's session.
  while (clock_.now() < busy_who.session.absolute_expires_at) {
    clock_.advance(idle_timeout / 10);  // a tick comes every second; this is enough
    hub_->tick();
  }
  EXPECT_EQ(busy.peer->ended, protocol::kCloseSessionEnded);
}

// Removing a link takes that person out of the resident's open call at once (media flows
// browser to browser: the others drop whoever leaves the call's state); a discharge ends it.
TEST_P(HubTest, RemovingALinkOrDischargingTakesPeopleOutOfTheCall) {
  hub_ = wired_hub();
  tell_hubs({hub_.get()});
  auto s = connect(staff_);
  say(s, {{"type", "start"}, {"resident_id", ichiko_}});
  auto a = connect(family_a_);
  say(a, {{"type", "join"}, {"resident_id", ichiko_}});
  const auto second = add_linked_account("second@example.jp", ichiko_);
  auto b = connect(second);
  say(b, {{"type", "join"}, {"resident_id", ichiko_}});
  s.peer->take();

  auto member = stored_account(staff_);
  const auto facility = count("SELECT facility_id FROM residents WHERE id = ?", {ichiko_});
  std::int64_t link_id = 0;
  for (const auto& p : staff().links(member, facility, ichiko_))
    if (p.link.account_id == family_a_) link_id = p.link.id;
  staff().remove_link(member, facility, ichiko_, link_id, audit::Actor::command_line());
  EXPECT_EQ(a.peer->ended, protocol::kCloseAccessChanged);
  EXPECT_EQ(b.peer->ended, 0);
  auto call = s.peer->take().back();
  EXPECT_EQ(call["type"], "call");
  EXPECT_EQ(call["participants"].size(), 2u);  // staff and the second family member
  EXPECT_EQ(count("SELECT COUNT(*) FROM call_participants WHERE account_id = ? AND left_at IS "
                  "NULL",
                  {family_a_}),
            0);

  staff().discharge(member, facility, ichiko_, audit::Actor::command_line());
  EXPECT_EQ(b.peer->ended, protocol::kCloseAccessChanged);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM calls WHERE resident_id = ? AND ended_at IS NULL", {ichiko_}), 0);
}

// SPEC 13: a call rings on every connection of the resident's people, whatever screen it shows
// (no watch), until they answer on one of their devices or it ends; nobody else hears it.
TEST_P(HubTest, ACallRingsOnEveryDeviceOfTheResidentsPeopleUntilAnsweredOrEnded) {
  auto phone = connect(family_a_, true);
  auto tablet = connect(family_a_, true);
  auto b = connect(family_b_, true);
  auto staff = connect(staff_, true);
  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  for (auto* device : {&phone, &tablet}) {
    auto got = device->peer->take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0]["type"], "ring");
    EXPECT_EQ(got[0]["resident_id"], ichiko_);
    EXPECT_EQ(got[0]["state"], "ringing");
    EXPECT_EQ(got[0]["answered"], false);
    EXPECT_EQ(got[0]["resident_name"], "駿河市子");
    EXPECT_EQ(got[0]["facility_name"], "ふじ園");
  }
  EXPECT_TRUE(b.peer->take().empty());  // another resident's family
  for (const auto& m : staff.peer->take()) EXPECT_NE(m["type"], "ring");

  // Opened while it rings (the app started from a notification): heard at once.
  auto late = connect(family_a_, true);
  auto got = late.peer->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["state"], "ringing");

  // Answered on the phone: every device of that person stops ringing.
  say(phone, {{"type", "join"}, {"resident_id", ichiko_}});
  auto answered = [](const json& m) { return m["type"] == "ring" && m["answered"] == true; };
  EXPECT_TRUE(tablet.peer->take_until(answered));
  EXPECT_TRUE(late.peer->take_until(answered));

  say(staff, {{"type", "end"}, {"resident_id", ichiko_}});
  auto ended = [](const json& m) { return m["type"] == "ring" && m["state"] == "ended"; };
  EXPECT_TRUE(tablet.peer->take_until(ended));
  auto after = connect(family_a_, true);
  EXPECT_TRUE(after.peer->take().empty());  // nothing rings any more
}

// The process that made the change tells once that a call started and how it ended (Web Push).
// SPEC 13: the staff call page lists who waits on a call screen for every resident of the
// facility, as it changes; staff of another facility and family do not get the list.
TEST_P(HubTest, StaffSeeWhoWaitsAcrossTheFacilitysResidents) {
  auto a = connect(family_a_);
  say(a, {{"type", "watch"}, {"resident_id", ichiko_}});
  auto staff = connect(staff_);
  const auto facility = count("SELECT id FROM facilities WHERE code = 'livetest01'");
  say(staff, {{"type", "watch_facility"}, {"facility_id", facility}});
  auto full = staff.peer->take();
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0]["type"], "waiting");
  EXPECT_EQ(full[0]["full"], true);
  ASSERT_EQ(full[0]["residents"].size(), 1u);
  EXPECT_EQ(full[0]["residents"][0]["resident_id"], ichiko_);
  EXPECT_EQ(full[0]["residents"][0]["people"][0]["account_id"], family_a_);

  // Someone opens the call screen of another resident: only that resident's line comes.
  auto b = connect(family_b_);
  say(b, {{"type", "watch"}, {"resident_id", akio_}});
  auto update = staff.peer->take();
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0]["full"], false);
  EXPECT_EQ(update[0]["residents"], (json{{{"resident_id", akio_},
                                           {"people",
                                            {{{"account_id", family_b_},
                                              {"name", "富士田 熊吉"},
                                              {"kind", "family"},
                                              {"media", ""}}}}}}));

  // Their camera is refused: staff see why they do not join.
  say(b, {{"type", "media"}, {"resident_id", akio_}, {"problem", "denied"}});
  update = staff.peer->take();
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0]["residents"][0]["people"][0]["media"], "denied");

  // The screen closes: the resident's line empties.
  hub_->close(b.id);
  update = staff.peer->take();
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0]["residents"][0]["resident_id"], akio_);
  EXPECT_TRUE(update[0]["residents"][0]["people"].empty());

  // No longer watched: nothing more comes.
  say(staff, {{"type", "unwatch_facility"}, {"facility_id", facility}});
  say(a, {{"type", "unwatch"}, {"resident_id", ichiko_}});
  EXPECT_TRUE(staff.peer->take().empty());

  // Only staff of that facility.
  auto other = connect(other_staff_);
  say(other, {{"type", "watch_facility"}, {"facility_id", facility}});
  EXPECT_EQ(other.peer->take(), std::vector<json>{error("forbidden", "watch_facility")});
  auto family = connect(family_a_);
  say(family, {{"type", "watch_facility"}, {"facility_id", facility}});
  EXPECT_EQ(family.peer->take(), std::vector<json>{error("forbidden", "watch_facility")});
}

TEST_P(HubTest, StartsAndEndsAreToldOnce) {
  std::vector<std::pair<std::int64_t, CallEvent>> told;
  HubOptions options;
  options.on_call = [&](const Call& call, CallEvent e) { told.emplace_back(call.id, e); };
  hub_ = std::make_unique<Hub>(db(), clock_, family(), options);
  auto staff = connect(staff_);
  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  say(staff, {{"type", "end"}, {"resident_id", ichiko_}});
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].second, CallEvent::started);
  EXPECT_EQ(told[1].second, CallEvent::ended_unanswered);
  EXPECT_EQ(told[0].first, told[1].first);

  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  auto a = connect(family_a_);
  say(a, {{"type", "join"}, {"resident_id", ichiko_}});
  say(a, {{"type", "leave"}, {"resident_id", ichiko_}});
  ASSERT_EQ(told.size(), 4u);
  EXPECT_EQ(told[2].second, CallEvent::started);
  EXPECT_EQ(told[3].second, CallEvent::ended_answered);
}

INSTANTIATE_TEST_SUITE_P(Backends, HubTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

// Two server processes (two Hubs, each with its own Redis bus) on one store: a call started
// on one reaches a family connected to the other, and everything else crosses too.
class HubClusterTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    if (not_ready() || HasFatalFailure()) return;
    CARELIVE_START_REDIS(redis_);
    bus1_ = std::make_shared<RedisBus>(redis_->url());
    bus2_ = std::make_shared<RedisBus>(redis_->url());
    hub_ = std::make_unique<Hub>(db(), clock_, family(), HubOptions{}, bus1_);
    hub2_ = std::make_unique<Hub>(db(), clock_, family(), HubOptions{}, bus2_);
    ASSERT_TRUE(
        testing::eventually([&] { return bus1_->connections() > 0 && bus2_->connections() > 0; }));
  }
  void TearDown() override {
    hub2_.reset();
    hub_.reset();
    redis_.reset();
    HubTest::TearDown();
  }
  Client connect2(std::int64_t account_id, bool rings = false) {
    auth::Principal who;
    who.account = stored_account(account_id);
    auto peer = std::make_shared<FakePeer>(rings);
    return {hub2_->open(peer, who), peer};
  }
  void say2(const Client& c, json msg) { hub2_->message(c.id, msg.dump()); }
  static std::function<bool(const json&)> is(const std::string& type) {
    return [type](const json& m) { return m["type"] == type; };
  }
  static std::function<bool(const json&)> call_in(const std::string& state) {
    return [state](const json& m) { return m["type"] == "call" && m["state"] == state; };
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::shared_ptr<RedisBus> bus1_, bus2_;
  std::unique_ptr<Hub> hub2_;
};

TEST_P(HubClusterTest, TwoProcessesBehaveAsOne) {
  auto staff = connect(staff_);  // on node 1
  say(staff, {{"type", "watch"}, {"resident_id", ichiko_}});
  auto a = connect2(family_a_);  // on node 2
  say2(a, {{"type", "watch"}, {"resident_id", ichiko_}});
  EXPECT_EQ(a.peer->take().at(0)["state"], "idle");
  // The family's presence reaches the staff on the other node.
  auto presence = staff.peer->take_until(
      [](const json& m) { return m["type"] == "presence" && m["people"].size() == 1; });
  ASSERT_TRUE(presence);
  EXPECT_EQ((*presence)["people"][0]["account_id"], family_a_);

  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  ASSERT_TRUE(staff.peer->take_until(is("joined")));
  ASSERT_TRUE(a.peer->take_until(call_in("ringing")));  // the family's screen changes
  // Both nodes hold one store: node 2 cannot start a second call.
  auto staff_b = connect2(staff_);
  say2(staff_b, {{"type", "start"}, {"resident_id", ichiko_}});
  EXPECT_EQ(staff_b.peer->take().back(), error("call_in_progress", "start"));

  say2(a, {{"type", "join"}, {"resident_id", ichiko_}});
  auto joined = a.peer->take_until(is("joined"));
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["peers"], json::array({staff_}));
  ASSERT_TRUE(staff.peer->take_until(call_in("active")));

  // Offers and answers cross the bus both ways.
  say2(a, {{"type", "signal"}, {"to", staff_}, {"data", {{"description", "offer"}}}});
  auto sig = staff.peer->take_until(is("signal"));
  ASSERT_TRUE(sig);
  EXPECT_EQ(*sig,
            (json{{"type", "signal"}, {"from", family_a_}, {"data", {{"description", "offer"}}}}));
  say(staff, {{"type", "signal"}, {"to", family_a_}, {"data", {{"description", "answer"}}}});
  sig = a.peer->take_until(is("signal"));
  ASSERT_TRUE(sig);
  EXPECT_EQ((*sig)["data"]["description"], "answer");

  // The family's socket on node 2 closes; the reconnected page lands on node 1 and resumes.
  hub2_->close(a.id);
  ASSERT_TRUE(staff.peer->take_until([&](const json& m) {
    return m["type"] == "call" && m["participants"].size() == 2 &&
           m["participants"][1]["connected"] == false;
  }));
  auto a1 = connect(family_a_);
  say(a1, {{"type", "resume"}, {"resident_id", ichiko_}, {"call_id", (*joined)["call_id"]}});
  auto resumed = a1.peer->take_until(is("joined"));
  ASSERT_TRUE(resumed);
  EXPECT_EQ((*resumed)["resumed"], true);
  ASSERT_TRUE(staff.peer->take_until([&](const json& m) {
    return m["type"] == "call" && m["participants"].size() == 2 &&
           m["participants"][1]["connected"] == true;
  }));
  say(staff, {{"type", "signal"}, {"to", family_a_}, {"data", {{"candidate", "c"}}}});
  ASSERT_TRUE(a1.peer->take_until(is("signal")));

  // Another screen of the family on node 2 sees the end that staff on node 1 made.
  auto w = connect2(family_a_);
  say2(w, {{"type", "watch"}, {"resident_id", ichiko_}});
  EXPECT_EQ(w.peer->take().at(0)["state"], "active");
  say(staff, {{"type", "end"}, {"resident_id", ichiko_}});
  ASSERT_TRUE(w.peer->take_until(call_in("ended")));
  ASSERT_TRUE(a1.peer->take_until(call_in("ended")));

  // Node 2 stops: the presence it announced disappears for the staff on node 1.
  hub_->close(a1.id);
  staff.peer->take();
  hub2_->shutdown();
  ASSERT_TRUE(staff.peer->take_until(
      [](const json& m) { return m["type"] == "presence" && m["people"].empty(); }));
}

// On every process: the session ends on node 1, its socket on node 2 closes over the bus; a
// staff member who loses their rights is cut off there too.
TEST_P(HubClusterTest, SessionsAndRightsEndOnEveryNode) {
  tell_hubs({hub_.get()});
  auto [here, here_who] = sign_in(*hub_, "a@example.jp");
  auto [there, there_who] = sign_in(*hub2_, "a@example.jp");
  pass().change_password(here_who, carelive::testing::kPassword, "Kumakichi#2027", "Kumakichi#2027",
                         {"192.0.2.1", "test"});
  EXPECT_TRUE(testing::eventually([&] { return there.peer->ended != 0; }));
  EXPECT_EQ(there.peer->ended, protocol::kCloseSessionEnded);
  EXPECT_EQ(here.peer->ended, 0);

  auto staff_there = connect2(other_staff_);
  auto admin = add_staff("admin2@example.jp", "livetest02", true);
  const auto facility = count("SELECT id FROM facilities WHERE code = 'livetest02'");
  std::int64_t row = 0;
  for (const auto& r : staff().staff(admin, facility))
    if (r.member.account_id == other_staff_) row = r.member.id;
  staff().remove_staff(admin, facility, row, audit::Actor::command_line());
  EXPECT_TRUE(testing::eventually([&] { return staff_there.peer->ended != 0; }));
  EXPECT_EQ(staff_there.peer->ended, protocol::kCloseAccessChanged);
}

// The facility's waiting list holds the people waiting on the other process too.
TEST_P(HubClusterTest, TheWaitingListSpansEveryProcess) {
  auto staff = connect(staff_);  // on node 1
  const auto facility = count("SELECT id FROM facilities WHERE code = 'livetest01'");
  say(staff, {{"type", "watch_facility"}, {"facility_id", facility}});
  auto a = connect2(family_a_);  // on node 2
  say2(a, {{"type", "watch"}, {"resident_id", ichiko_}});
  ASSERT_TRUE(staff.peer->take_until([&](const json& m) {
    return m["type"] == "waiting" && m["residents"].size() == 1 &&
           m["residents"][0]["people"].size() == 1;
  }));
  say2(a, {{"type", "media"}, {"resident_id", ichiko_}, {"problem", "denied"}});
  ASSERT_TRUE(staff.peer->take_until([&](const json& m) {
    return m["type"] == "waiting" && m["residents"][0]["people"][0]["media"] == "denied";
  }));
  // A staff screen opened later on node 1 gets the whole list, node 2's people included.
  auto later = connect(staff_);
  say(later, {{"type", "watch_facility"}, {"facility_id", facility}});
  auto full = later.peer->take_until([](const json& m) { return m["type"] == "waiting"; });
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)["full"], true);
  ASSERT_EQ((*full)["residents"].size(), 1u);
  EXPECT_EQ((*full)["residents"][0]["people"][0]["account_id"], family_a_);
}

// A call started on one process rings the family's devices connected to the other.
TEST_P(HubClusterTest, ACallRingsOnDevicesConnectedToTheOtherProcess) {
  auto a = connect2(family_a_, true);  // on node 2
  auto staff = connect(staff_);        // on node 1
  say(staff, {{"type", "start"}, {"resident_id", ichiko_}});
  auto ring = a.peer->take_until([](const json& m) { return m["type"] == "ring"; });
  ASSERT_TRUE(ring);
  EXPECT_EQ((*ring)["state"], "ringing");
  say(staff, {{"type", "end"}, {"resident_id", ichiko_}});
  EXPECT_TRUE(a.peer->take_until(
      [](const json& m) { return m["type"] == "ring" && m["state"] == "ended"; }));
}

INSTANTIATE_TEST_SUITE_P(Backends, HubClusterTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::calls
