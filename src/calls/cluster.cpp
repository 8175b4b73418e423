#include "calls/cluster.hpp"

#include <spdlog/spdlog.h>

namespace carelive::calls::cluster {

using nlohmann::json;

namespace {

// Names of the events on the bus ("t"). Nodes of different versions share the bus during a
// rolling restart: these and the field names below only ever grow.
constexpr const char* kCall = "call";
constexpr const char* kSignal = "signal";
constexpr const char* kPresence = "presence";
constexpr const char* kSnapshot = "snapshot";
constexpr const char* kHello = "hello";
constexpr const char* kBye = "bye";
constexpr const char* kRevoked = "revoked";

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

json optional_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::int64_t> optional_from(const json& v) {
  if (v.is_null()) return std::nullopt;
  return v.get<std::int64_t>();
}

CallState state_from(const std::string& s) {
  if (s == "ringing") return CallState::ringing;
  if (s == "active") return CallState::active;
  if (s == "ended") return CallState::ended;
  return CallState::idle;
}

json participant_json(const Participant& p) {
  return {{"account_id", p.account_id},
          {"joined_at", p.joined_at},
          {"node", p.node},
          {"conn", p.conn},
          {"grace_until", optional_json(p.grace_until)},
          {"name", p.name}};
}

Participant participant_from(const json& j) {
  Participant p;
  p.account_id = j.at("account_id").get<std::int64_t>();
  p.joined_at = j.at("joined_at").get<std::int64_t>();
  p.node = j.at("node").get<std::string>();
  p.conn = j.at("conn").get<std::uint64_t>();
  p.grace_until = optional_from(j.at("grace_until"));
  p.name = j.at("name").get<std::string>();
  return p;
}

json call_json(const Call& c) {
  json participants = json::array();
  for (const auto& p : c.participants) participants.push_back(participant_json(p));
  return {{"id", c.id},
          {"seq", c.seq},
          {"facility_id", c.facility_id},
          {"resident_id", c.resident_id},
          {"started_by", c.started_by},
          {"started_at", c.started_at},
          {"ended_at", optional_json(c.ended_at)},
          {"state", state_name(c.state)},
          {"participants", participants}};
}

Call call_from(const json& j) {
  Call c;
  c.id = j.at("id").get<std::int64_t>();
  c.seq = j.at("seq").get<std::int64_t>();
  c.facility_id = j.at("facility_id").get<std::int64_t>();
  c.resident_id = j.at("resident_id").get<std::int64_t>();
  c.started_by = j.at("started_by").get<std::int64_t>();
  c.started_at = j.at("started_at").get<std::int64_t>();
  c.ended_at = optional_from(j.at("ended_at"));
  c.state = state_from(j.at("state").get<std::string>());
  for (const auto& p : j.at("participants")) c.participants.push_back(participant_from(p));
  return c;
}

json people_json(const std::vector<Person>& people) {
  json out = json::array();
  for (const auto& p : people) {
    json person = {{"account_id", p.account_id}, {"name", p.name}, {"kind", p.kind}};
    // Only when there is one: nodes of the previous version read the other fields alike.
    if (!p.media.empty()) person["media"] = p.media;
    out.push_back(std::move(person));
  }
  return out;
}

std::vector<Person> people_from(const json& j) {
  std::vector<Person> out;
  for (const auto& p : j)
    out.push_back({p.at("account_id").get<std::int64_t>(), p.at("name").get<std::string>(),
                   p.at("kind").get<std::string>(),
                   p.value("media", std::string{})});  // absent from a node not yet upgraded
  return out;
}

json snapshot_json(const PresenceSnapshot& snapshot) {
  json out = json::array();
  for (const auto& [rid, people] : snapshot)
    out.push_back({{"resident_id", rid}, {"people", people_json(people)}});
  return out;
}

PresenceSnapshot snapshot_from(const json& j) {
  PresenceSnapshot out;
  for (const auto& entry : j)
    out.emplace_back(entry.at("resident_id").get<std::int64_t>(), people_from(entry.at("people")));
  return out;
}

}  // namespace

json encode(const std::string& node, const Event& event) {
  json msg = std::visit(Overloaded{
                            [](const CallChanged& e) -> json {
                              return {{"t", kCall}, {"call", call_json(e.call)}};
                            },
                            [](const Signal& e) -> json {
                              return {{"t", kSignal},   {"conn", e.conn},
                                      {"to", e.to},     {"resident_id", e.resident_id},
                                      {"from", e.from}, {"data", e.data}};
                            },
                            [](const PresenceChanged& e) -> json {
                              return {{"t", kPresence},
                                      {"resident_id", e.resident_id},
                                      {"people", people_json(e.people)}};
                            },
                            [](const Snapshot& e) -> json {
                              return {{"t", kSnapshot}, {"presence", snapshot_json(e.presence)}};
                            },
                            [](const Hello&) -> json {
                              return {{"t", kHello}};
                            },
                            [](const Bye&) -> json {
                              return {{"t", kBye}};
                            },
                            [](const Revoked& e) -> json {
                              const auto& a = e.access;
                              const bool session = a.why == auth::AccessEnded::Why::session_ended;
                              return {{"t", kRevoked},
                                      {"why", session ? "session" : "access"},
                                      {"account", a.account},
                                      {"session", a.session},
                                      {"keep_session", a.keep_session},
                                      {"resident_id", a.resident}};
                            },
                        },
                        event);
  msg["node"] = node;
  return msg;
}

std::optional<Event> decode(const json& msg) {
  const auto t = msg.value("t", "");
  if (t == kCall) return CallChanged{call_from(msg.at("call"))};
  if (t == kSignal)
    return Signal{msg.at("conn").get<std::uint64_t>(), msg.at("to").get<std::int64_t>(),
                  msg.at("resident_id").get<std::int64_t>(), msg.at("from").get<std::int64_t>(),
                  msg.at("data")};
  if (t == kPresence)
    return PresenceChanged{msg.at("resident_id").get<std::int64_t>(),
                           people_from(msg.at("people"))};
  if (t == kSnapshot) return Snapshot{snapshot_from(msg.at("presence"))};
  if (t == kHello) return Hello{};
  if (t == kBye) return Bye{};
  if (t == kRevoked) {
    const bool session = msg.at("why").get<std::string>() == "session";
    return Revoked{
        {session ? auth::AccessEnded::Why::session_ended : auth::AccessEnded::Why::access_changed,
         msg.at("account").get<std::int64_t>(), msg.at("session").get<std::int64_t>(),
         msg.at("keep_session").get<std::int64_t>(), msg.at("resident_id").get<std::int64_t>()}};
  }
  return std::nullopt;
}

Link::Link(std::shared_ptr<Bus> bus) : bus_(bus ? std::move(bus) : std::make_shared<LocalBus>()) {}

void Link::start(OnEvent on_event, std::function<void()> on_connected) {
  on_event_ = std::move(on_event);
  bus_->start([this](const json& msg) { receive(msg); }, std::move(on_connected));
}

void Link::receive(const json& msg) {
  const auto t = msg.value("t", "");
  const auto from = msg.value("node", "");
  if (from.empty() || from == node()) return;
  try {
    if (auto event = decode(msg)) on_event_(from, *event);
  } catch (const json::exception& e) {
    spdlog::warn("call bus: bad {} message from node {}: {}", t, from, e.what());
  }
}

Heartbeat::Due Heartbeat::due(core::UnixSeconds now, bool clustered) {
  Due due;
  if (now - last_beat_ >= kHeartbeatSeconds) {
    due.beat = true;
    last_beat_ = now;
  }
  if (clustered && now - last_snapshot_ >= kSnapshotSeconds) {
    due.snapshot = true;
    last_snapshot_ = now;
  }
  return due;
}

Sweep sweep(store::Connection& c, const std::string& node, core::UnixSeconds now, bool beat) {
  Sweep found;
  if (beat) {
    call_repo::write_heartbeat(c, node, now);
    call_repo::forget_heartbeats(c, now - core::kDay);
  }
  found.graces_over = call_repo::graces_over(c, node, now, now - kNodeStaleSeconds);
  if (beat) found.orphaned = call_repo::seats_of_silent_nodes(c, node, now - kNodeStaleSeconds);
  return found;
}

}  // namespace carelive::calls::cluster
