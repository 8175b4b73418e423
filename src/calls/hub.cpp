#include "calls/hub.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"

namespace carelive::calls {

using core::Error;
using nlohmann::json;

namespace sql {
constexpr const char* kInsertCall =
    "INSERT INTO calls (facility_id, resident_id, started_by, started_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
constexpr const char* kInsertParticipant =
    "INSERT INTO call_participants (call_id, account_id, joined_at) VALUES (?, ?, ?)";
constexpr const char* kLeaveParticipant =
    "UPDATE call_participants SET left_at = ? "
    "WHERE call_id = ? AND account_id = ? AND left_at IS NULL";
constexpr const char* kEndCall = "UPDATE calls SET ended_at = ? WHERE id = ?";
}  // namespace sql

namespace {

std::int64_t int_field(const json& msg, const char* name) {
  auto it = msg.find(name);
  if (it == msg.end() || !it->is_number_integer()) throw Error("bad_message");
  auto v = it->get<std::int64_t>();
  if (v <= 0) throw Error("bad_message");
  return v;
}

}  // namespace

Hub::Hub(store::Database& db, const core::Clock& clock, live::FamilyService& family)
    : db_(db), clock_(clock), family_(family), machine_(clock) {}

std::uint64_t Hub::open(std::shared_ptr<http::WsPeer> peer, const pass::Principal& who) {
  std::lock_guard lock(mutex_);
  auto id = next_id_++;
  clients_[id] = Client{std::move(peer), who.account, {}, std::nullopt};
  names_[who.account.id] = who.account.display_name();
  return id;
}

Hub::Access Hub::authorize(const pass::Account& who, std::int64_t resident_id) {
  auto staff = db_.with([&](store::Connection& c) -> std::optional<std::int64_t> {
    auto resident = live::repo::find_resident(c, resident_id);
    if (!resident || resident->discharged_at) throw Error("forbidden");
    try {
      live::require_facility(c, who, resident->facility_id, live::Need::staff);
      return resident->facility_id;
    } catch (const Error&) {
      return std::nullopt;
    }
  });
  if (staff) return {Role::staff, *staff, "staff"};
  // forbidden unless linked; terms_required unless the newest terms were agreed.
  auto home = family_.home(who.id, resident_id);
  return {Role::family, home.current.facility.id, home.current.link.kind};
}

void Hub::message(std::uint64_t id, const std::string& text) {
  json msg = json::parse(text, nullptr, false);
  std::string type;
  if (msg.is_object() && msg.contains("type") && msg["type"].is_string())
    type = msg["type"].get<std::string>();
  try {
    if (type.empty()) throw Error("bad_message");
    handle(id, msg);
  } catch (const Error& e) {
    std::lock_guard lock(mutex_);
    if (auto it = clients_.find(id); it != clients_.end())
      send(it->second, {{"type", "error"}, {"code", e.code()}, {"ref", type}});
  } catch (const std::exception& e) {
    spdlog::error("call signaling: {}", e.what());
    std::lock_guard lock(mutex_);
    if (auto it = clients_.find(id); it != clients_.end())
      send(it->second, {{"type", "error"}, {"code", "internal"}, {"ref", type}});
  }
}

void Hub::handle(std::uint64_t id, const json& msg) {
  const auto type = msg["type"].get<std::string>();
  pass::Account who;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    who = it->second.account;
  }

  if (type == "signal") {
    auto to = int_field(msg, "to");
    if (!msg.contains("data")) throw Error("bad_message");
    std::lock_guard lock(mutex_);
    auto& me = clients_.at(id);
    if (!me.in_call) throw Error("not_in_call");
    auto call = machine_.current(*me.in_call);
    if (!call.has(to) || to == who.id) throw Error("not_in_call");
    for (auto& [other_id, other] : clients_) {
      if (other.account.id == to && other.in_call == me.in_call) {
        send(other, {{"type", "signal"}, {"from", who.id}, {"data", msg["data"]}});
        return;
      }
    }
    throw Error("not_in_call");
  }

  const auto resident_id = int_field(msg, "resident_id");
  // Checked against the store for every message: a link removed meanwhile stops working.
  const Access access = authorize(who, resident_id);

  std::lock_guard lock(mutex_);
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& me = it->second;

  if (type == "watch") {
    me.watching[resident_id] = access;
    if (access.role == Role::family)
      push_presence(resident_id);
    else
      send(me, presence_json(resident_id));
    send(me, call_json(machine_.current(resident_id)));
  } else if (type == "unwatch") {
    if (me.watching.erase(resident_id) && access.role == Role::family) push_presence(resident_id);
  } else if (type == "start") {
    if (access.role != Role::staff) throw Error("forbidden");
    if (me.in_call) throw Error("already_in_call");
    me.watching[resident_id] = access;
    auto t = machine_.start(access.facility_id, resident_id, who.id);
    record(t);
    t.call.id = machine_.current(resident_id).id;
    me.in_call = resident_id;
    send(me, {{"type", "joined"},
              {"resident_id", resident_id},
              {"call_id", t.call.id},
              {"self", who.id},
              {"peers", json::array()}});
    push_call(t.call);
  } else if (type == "join") {
    if (me.in_call) throw Error("already_in_call");
    me.watching[resident_id] = access;
    auto t = machine_.join(resident_id, who.id);
    record(t);
    me.in_call = resident_id;
    send(me, {{"type", "joined"},
              {"resident_id", resident_id},
              {"call_id", t.call.id},
              {"self", who.id},
              {"peers", t.peers}});
    push_call(t.call);
  } else if (type == "leave") {
    if (me.in_call != resident_id) throw Error("not_in_call");
    leave_locked(id, me);
  } else if (type == "end") {
    if (access.role != Role::staff) throw Error("forbidden");
    auto t = machine_.end(resident_id);
    record(t);
    for (auto& [cid, c] : clients_)
      if (c.in_call == resident_id) c.in_call.reset();
    push_call(t.call);
  } else {
    throw Error("bad_message");
  }
}

void Hub::leave_locked(std::uint64_t id, Client& me) {
  auto resident_id = *me.in_call;
  me.in_call.reset();
  auto t = machine_.leave(resident_id, me.account.id);
  record(t);
  if (t.ended) {
    for (auto& [cid, c] : clients_)
      if (c.in_call == resident_id) c.in_call.reset();
  }
  push_call(t.call);
}

void Hub::close(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client client = std::move(it->second);
  clients_.erase(it);
  if (client.in_call) {
    try {
      leave_locked(id, client);
    } catch (const std::exception& e) {
      spdlog::warn("call leave on close: {}", e.what());
    }
  }
  for (const auto& [resident_id, access] : client.watching)
    if (access.role == Role::family) push_presence(resident_id);
}

void Hub::record(const Transition& t) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    std::int64_t call_id = t.call.id;
    if (t.started) {
      call_id = c.exec(sql::kInsertCall, {t.call.facility_id, t.call.resident_id, t.call.started_by,
                                          t.call.started_at})
                    .rows.at(0)
                    .integer(0);
      machine_.set_id(t.call.resident_id, call_id);
    }
    for (auto account : t.joined) c.exec(sql::kInsertParticipant, {call_id, account, now});
    for (auto account : t.left) c.exec(sql::kLeaveParticipant, {now, call_id, account});
    if (t.ended) c.exec(sql::kEndCall, {*t.call.ended_at, call_id});
    return 0;
  });
}

void Hub::send(const Client& c, const json& msg) { c.peer->send(msg.dump()); }

json Hub::presence_json(std::int64_t resident_id) const {
  json people = json::array();
  std::set<std::int64_t> seen;
  for (const auto& [cid, c] : clients_) {
    auto w = c.watching.find(resident_id);
    if (w == c.watching.end() || w->second.role != Role::family) continue;
    if (!seen.insert(c.account.id).second) continue;
    people.push_back({{"account_id", c.account.id},
                      {"name", c.account.display_name()},
                      {"kind", w->second.kind}});
  }
  return {{"type", "presence"}, {"resident_id", resident_id}, {"people", people}};
}

json Hub::call_json(const Call& call) const {
  json participants = json::array();
  for (const auto& p : call.participants) {
    auto n = names_.find(p.account_id);
    participants.push_back(
        {{"account_id", p.account_id}, {"name", n == names_.end() ? "" : n->second}});
  }
  return {{"type", "call"},
          {"resident_id", call.resident_id},
          {"state", state_name(call.state)},
          {"call_id", call.id == 0 ? json(nullptr) : json(call.id)},
          {"started_at", call.state == CallState::idle ? json(nullptr) : json(call.started_at)},
          {"participants", participants}};
}

void Hub::push_presence(std::int64_t resident_id) {
  auto msg = presence_json(resident_id);
  for (const auto& [cid, c] : clients_) {
    auto w = c.watching.find(resident_id);
    if (w != c.watching.end() && w->second.role == Role::staff) send(c, msg);
  }
}

void Hub::push_call(const Call& call) {
  auto msg = call_json(call);
  for (const auto& [cid, c] : clients_)
    if (c.watching.count(call.resident_id)) send(c, msg);
}

}  // namespace carelive::calls
