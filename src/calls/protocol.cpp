#include "calls/protocol.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/error.hpp"

namespace carelive::calls::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<std::string_view, Type>, 11> kTypes{{
    {kWatch, Type::watch},
    {kUnwatch, Type::unwatch},
    {kStart, Type::start},
    {kJoin, Type::join},
    {kResume, Type::resume},
    {kLeave, Type::leave},
    {kEnd, Type::end},
    {kSignal, Type::signal},
    {kMedia, Type::media},
    {kWatchFacility, Type::watch_facility},
    {kUnwatchFacility, Type::unwatch_facility},
}};

constexpr std::array<std::string_view, 5> kMediaProblems{"", "denied", "unavailable", "micDenied",
                                                         "micUnavailable"};

// The positive integer field `name`, if there is one.
std::optional<std::int64_t> id_field(const json& msg, const char* name) {
  auto it = msg.find(name);
  if (it == msg.end() || !it->is_number_integer()) return std::nullopt;
  auto v = it->get<std::int64_t>();
  if (v <= 0) return std::nullopt;
  return v;
}

std::int64_t required_id(const json& msg, const char* name) {
  auto v = id_field(msg, name);
  if (!v) throw core::Error(core::codes::kBadMessage);
  return *v;
}

}  // namespace

std::string type_name(const json& msg) {
  if (msg.is_object() && msg.contains("type") && msg["type"].is_string())
    return msg["type"].get<std::string>();
  return {};
}

bool known_media_problem(std::string_view problem) {
  return std::find(kMediaProblems.begin(), kMediaProblems.end(), problem) != kMediaProblems.end();
}

Type type_of(std::string_view name) {
  for (const auto& [n, type] : kTypes)
    if (n == name) return type;
  return Type::unknown;
}

Request decode(json msg) {
  Request r;
  r.type = type_of(type_name(msg));
  if (r.type == Type::signal) {
    r.to = required_id(msg, "to");
    auto data = msg.find("data");
    if (data == msg.end()) throw core::Error(core::codes::kBadMessage);
    r.data = std::move(*data);
    return r;
  }
  if (r.type == Type::watch_facility || r.type == Type::unwatch_facility) {
    r.facility_id = required_id(msg, "facility_id");
    return r;
  }
  r.resident_id = required_id(msg, "resident_id");
  if (r.type == Type::resume) r.call_id = id_field(msg, "call_id");
  if (r.type == Type::media) {
    auto problem = msg.find("problem");
    if (problem == msg.end() || !problem->is_string() ||
        !known_media_problem(problem->get<std::string>()))
      throw core::Error(core::codes::kBadMessage);
    r.problem = problem->get<std::string>();
  }
  return r;
}

json call_message(const Call& call) {
  json participants = json::array();
  for (const auto& p : call.participants)
    participants.push_back(
        {{"account_id", p.account_id}, {"name", p.name}, {"connected", p.connected()}});
  return {{"type", kCall},
          {"resident_id", call.resident_id},
          {"state", state_name(call.state)},
          {"call_id", call.id == 0 ? json(nullptr) : json(call.id)},
          {"started_at", call.state == CallState::idle ? json(nullptr) : json(call.started_at)},
          {"participants", participants}};
}

json ring_message(const Call& call, std::int64_t account_id, const Ring& ring) {
  return {{"type", kRing},
          {"resident_id", call.resident_id},
          {"call_id", call.id},
          {"state", state_name(call.state)},
          {"started_at", call.started_at},
          {"answered", call.has(account_id)},
          {"resident_name", ring.resident_name},
          {"facility_name", ring.facility_name}};
}

json joined_message(std::int64_t resident_id, std::int64_t call_id, std::int64_t self,
                    const std::vector<std::int64_t>& peers, bool resumed) {
  json m = {{"type", kJoined},
            {"resident_id", resident_id},
            {"call_id", call_id},
            {"self", self},
            {"peers", peers}};
  if (resumed) m["resumed"] = true;
  return m;
}

namespace {

json people_json(const std::vector<Person>& people) {
  json list = json::array();
  for (const auto& p : people)
    list.push_back(
        {{"account_id", p.account_id}, {"name", p.name}, {"kind", p.kind}, {"media", p.media}});
  return list;
}

}  // namespace

json presence_message(std::int64_t resident_id, const std::vector<Person>& people) {
  return {{"type", kPresence}, {"resident_id", resident_id}, {"people", people_json(people)}};
}

json waiting_message(std::int64_t facility_id, const Waiting& residents, bool full) {
  json list = json::array();
  for (const auto& [rid, people] : residents)
    list.push_back({{"resident_id", rid}, {"people", people_json(people)}});
  return {{"type", kWaiting}, {"facility_id", facility_id}, {"full", full}, {"residents", list}};
}

json signal_message(std::int64_t from, const json& data) {
  return {{"type", kSignal}, {"from", from}, {"data", data}};
}

json error_message(const core::ErrorCode& code, std::string_view ref) {
  return {{"type", kError}, {"code", code.name}, {"ref", ref}};
}

}  // namespace carelive::calls::protocol
