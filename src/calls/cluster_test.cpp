#include "calls/cluster.hpp"

#include <gtest/gtest.h>

#include <vector>

// The events between nodes: each one survives encode → decode, the format on the bus stays
// the one older nodes speak (a rolling restart mixes versions), a node ignores its own and
// malformed messages; the heartbeat's timers.

namespace carelive::calls::cluster {
namespace {

using nlohmann::json;

Call a_call() {
  Call c;
  c.id = 7;
  c.seq = 3;
  c.facility_id = 2;
  c.resident_id = 5;
  c.started_by = 21;
  c.started_at = 1'800'000'000;
  c.state = CallState::active;
  Participant staff;
  staff.account_id = 21;
  staff.joined_at = 1'800'000'000;
  staff.node = "node-a";
  staff.conn = 4;
  staff.name = "富士 職員";
  Participant family = staff;
  family.account_id = 11;
  family.joined_at = 1'800'000'010;
  family.node = "node-b";
  family.conn = 9;
  family.grace_until = 1'800'000'040;
  family.name = "駿河 花子";
  c.participants = {staff, family};
  return c;
}

template <class E>
E round_trip(const E& event) {
  auto decoded = decode(encode("node-a", event));
  EXPECT_TRUE(decoded.has_value());
  EXPECT_TRUE(std::holds_alternative<E>(*decoded));
  return std::get<E>(*decoded);
}

bool same(const Participant& a, const Participant& b) {
  return a.account_id == b.account_id && a.joined_at == b.joined_at && a.node == b.node &&
         a.conn == b.conn && a.grace_until == b.grace_until && a.name == b.name;
}

TEST(ClusterEvents, ACallSurvivesTheBus) {
  const Call sent = a_call();
  Call got = round_trip(CallChanged{sent}).call;
  EXPECT_EQ(got.id, sent.id);
  EXPECT_EQ(got.seq, sent.seq);
  EXPECT_EQ(got.facility_id, sent.facility_id);
  EXPECT_EQ(got.resident_id, sent.resident_id);
  EXPECT_EQ(got.started_by, sent.started_by);
  EXPECT_EQ(got.started_at, sent.started_at);
  EXPECT_FALSE(got.ended_at.has_value());
  EXPECT_EQ(got.state, CallState::active);
  ASSERT_EQ(got.participants.size(), 2u);
  EXPECT_TRUE(same(got.participants[0], sent.participants[0]));
  EXPECT_TRUE(same(got.participants[1], sent.participants[1]));

  Call ended = sent;
  ended.state = CallState::ended;
  ended.ended_at = 1'800'000'100;
  ended.participants.clear();
  got = round_trip(CallChanged{ended}).call;
  EXPECT_EQ(got.state, CallState::ended);
  EXPECT_EQ(got.ended_at, ended.ended_at);
  EXPECT_TRUE(got.participants.empty());
}

TEST(ClusterEvents, SignalsPresenceAndSnapshotsSurviveTheBus) {
  auto sig = round_trip(Signal{9, 11, 5, 21, json{{"sdp", "offer"}}});
  EXPECT_EQ(sig.conn, 9u);
  EXPECT_EQ(sig.to, 11);
  EXPECT_EQ(sig.resident_id, 5);
  EXPECT_EQ(sig.from, 21);
  EXPECT_EQ(sig.data, (json{{"sdp", "offer"}}));

  const Person hanako{11, "駿河 花子", "family", ""};
  auto presence = round_trip(PresenceChanged{5, {hanako}});
  EXPECT_EQ(presence.resident_id, 5);
  EXPECT_EQ(presence.people, std::vector<Person>{hanako});
  EXPECT_TRUE(round_trip(PresenceChanged{5, {}}).people.empty());

  const PresenceSnapshot snapshot{{5, {hanako}},
                                  {6, {hanako, {12, "駿河 太郎", "care_worker", "denied"}}}};
  EXPECT_EQ(round_trip(Snapshot{snapshot}).presence, snapshot);
  round_trip(Hello{});
  round_trip(Bye{});
}

// Pinned: what nodes of the previous version send and expect.
TEST(ClusterEvents, TheFormatOnTheBusIsUnchanged) {
  EXPECT_EQ(encode("n1", Hello{}), (json{{"t", "hello"}, {"node", "n1"}}));
  EXPECT_EQ(encode("n1", Bye{}), (json{{"t", "bye"}, {"node", "n1"}}));
  EXPECT_EQ(encode("n1", Signal{9, 11, 5, 21, json{{"x", 1}}}), (json{{"t", "signal"},
                                                                      {"node", "n1"},
                                                                      {"conn", 9},
                                                                      {"to", 11},
                                                                      {"resident_id", 5},
                                                                      {"from", 21},
                                                                      {"data", {{"x", 1}}}}));
  EXPECT_EQ(encode("n1", PresenceChanged{5, {{11, "駿河 花子", "family", ""}}}),
            (json{{"t", "presence"},
                  {"node", "n1"},
                  {"resident_id", 5},
                  {"people", {{{"account_id", 11}, {"name", "駿河 花子"}, {"kind", "family"}}}}}));
  // A camera refused on the call screen: one more field, which older nodes skip.
  EXPECT_EQ(
      encode("n1", PresenceChanged{5, {{11, "駿河 花子", "family", "denied"}}})["people"],
      (json{{{"account_id", 11}, {"name", "駿河 花子"}, {"kind", "family"}, {"media", "denied"}}}));
  EXPECT_EQ(encode("n1", Snapshot{{{5, {}}}}),
            (json{{"t", "snapshot"},
                  {"node", "n1"},
                  {"presence", {{{"resident_id", 5}, {"people", json::array()}}}}}));
  Call c = a_call();
  c.participants.resize(1);
  EXPECT_EQ(encode("n1", CallChanged{c}), (json{{"t", "call"},
                                                {"node", "n1"},
                                                {"call",
                                                 {{"id", 7},
                                                  {"seq", 3},
                                                  {"facility_id", 2},
                                                  {"resident_id", 5},
                                                  {"started_by", 21},
                                                  {"started_at", 1'800'000'000},
                                                  {"ended_at", nullptr},
                                                  {"state", "active"},
                                                  {"participants",
                                                   {{{"account_id", 21},
                                                     {"joined_at", 1'800'000'000},
                                                     {"node", "node-a"},
                                                     {"conn", 4},
                                                     {"grace_until", nullptr},
                                                     {"name", "富士 職員"}}}}}}}));
}

TEST(ClusterEvents, UnknownEventsAreNoneAndMalformedOnesThrow) {
  EXPECT_FALSE(decode(json{{"t", "from_the_future"}, {"node", "n2"}}).has_value());
  EXPECT_FALSE(decode(json{{"node", "n2"}}).has_value());
  EXPECT_THROW(decode(json{{"t", "signal"}, {"node", "n2"}, {"conn", 1}}), json::exception);
  EXPECT_THROW(decode(json{{"t", "call"}, {"node", "n2"}, {"call", {{"id", "x"}}}}),
               json::exception);
}

// A bus whose deliveries the test makes.
struct FakeBus : Bus {
  bool clustered() const override { return true; }
  bool connected() const override { return true; }
  void start(Handler on_message, std::function<void()> on_connected) override {
    deliver = std::move(on_message);
    if (on_connected) on_connected();
  }
  void stop() override {}
  void broadcast(const json& msg) override { sent.push_back(msg); }
  void direct(const std::string& node, const json& msg) override {
    sent.push_back({{"to_node", node}, {"msg", msg}});
  }
  Handler deliver;
  std::vector<json> sent;
};

TEST(ClusterLink, HandsOnOtherNodesEventsOnly) {
  auto bus = std::make_shared<FakeBus>();
  Link link(bus);
  std::vector<std::pair<std::string, Event>> got;
  int connected = 0;
  link.start([&](const std::string& node, const Event& e) { got.emplace_back(node, e); },
             [&] { ++connected; });
  EXPECT_EQ(connected, 1);

  bus->deliver(encode("other", Bye{}));
  bus->deliver(encode(link.node(), Bye{}));                     // our own: never ours to apply
  bus->deliver(json{{"t", "bye"}});                             // from nobody
  bus->deliver(json{{"t", "signal"}, {"node", "other"}});       // malformed: logged, dropped
  bus->deliver(json{{"t", "from_the_future"}, {"node", "x"}});  // unknown: dropped
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, "other");
  EXPECT_TRUE(std::holds_alternative<Bye>(got[0].second));

  link.broadcast(Hello{});
  link.direct("other", Bye{});
  EXPECT_EQ(bus->sent, (std::vector<json>{
                           {{"t", "hello"}, {"node", link.node()}},
                           {{"to_node", "other"}, {"msg", {{"t", "bye"}, {"node", link.node()}}}},
                       }));
}

TEST(ClusterHeartbeat, BeatsEveryTenSecondsAndSnapshotsEveryFifteenWhenClustered) {
  Heartbeat h;
  const core::UnixSeconds t0 = 1'800'000'000;
  auto due = h.due(t0, true);
  EXPECT_TRUE(due.beat);
  EXPECT_TRUE(due.snapshot);
  due = h.due(t0 + kHeartbeatSeconds - 1, true);
  EXPECT_FALSE(due.beat);
  EXPECT_FALSE(due.snapshot);
  due = h.due(t0 + kHeartbeatSeconds, true);
  EXPECT_TRUE(due.beat);
  EXPECT_FALSE(due.snapshot);
  due = h.due(t0 + kSnapshotSeconds, true);
  EXPECT_FALSE(due.beat);
  EXPECT_TRUE(due.snapshot);

  Heartbeat single;  // one process: nobody to send snapshots to
  due = single.due(t0, false);
  EXPECT_TRUE(due.beat);
  EXPECT_FALSE(due.snapshot);
}

}  // namespace
}  // namespace carelive::calls::cluster
