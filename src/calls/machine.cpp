#include "calls/machine.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace carelive::calls {

namespace codes = core::codes;

using core::Error;

const char* state_name(CallState s) {
  switch (s) {
    case CallState::idle:
      return "idle";
    case CallState::ringing:
      return "ringing";
    case CallState::active:
      return "active";
    case CallState::ended:
      return "ended";
  }
  return "idle";
}

bool Call::has(std::int64_t account_id) const {
  return std::any_of(participants.begin(), participants.end(),
                     [&](const Participant& p) { return p.account_id == account_id; });
}

Participant* Call::find(std::int64_t account_id) {
  for (auto& p : participants)
    if (p.account_id == account_id) return &p;
  return nullptr;
}

const Participant* Call::find(std::int64_t account_id) const {
  return const_cast<Call*>(this)->find(account_id);
}

namespace {
Participant newcomer(std::int64_t account_id, core::UnixSeconds now) {
  Participant p;
  p.account_id = account_id;
  p.joined_at = now;
  return p;
}
}  // namespace

Transition CallMachine::start(std::int64_t facility_id, std::int64_t resident_id,
                              std::int64_t staff_id) {
  if (calls_.count(resident_id)) throw Error(codes::kCallInProgress);
  const auto now = clock_.now();
  Call call;
  call.facility_id = facility_id;
  call.resident_id = resident_id;
  call.started_by = staff_id;
  call.started_at = now;
  call.state = CallState::ringing;
  call.participants.push_back(newcomer(staff_id, now));
  calls_[resident_id] = call;
  Transition t;
  t.call = call;
  t.joined = {staff_id};
  t.started = true;
  return t;
}

void CallMachine::set_id(std::int64_t resident_id, std::int64_t call_id) {
  if (auto it = calls_.find(resident_id); it != calls_.end()) it->second.id = call_id;
}

Transition CallMachine::join(std::int64_t resident_id, std::int64_t account_id) {
  auto it = calls_.find(resident_id);
  if (it == calls_.end()) throw Error(codes::kNoCall);
  Call& call = it->second;
  if (call.has(account_id)) throw Error(codes::kAlreadyInCall);
  Transition t;
  for (const auto& p : call.participants) t.peers.push_back(p.account_id);
  call.participants.push_back(newcomer(account_id, clock_.now()));
  if (call.participants.size() >= 2) call.state = CallState::active;
  t.call = call;
  t.joined = {account_id};
  return t;
}

Transition CallMachine::rejoin(std::int64_t resident_id, std::int64_t account_id) {
  auto it = calls_.find(resident_id);
  if (it == calls_.end()) throw Error(codes::kNoCall);
  const Call& call = it->second;
  if (!call.has(account_id)) throw Error(codes::kNotInCall);
  Transition t;
  for (const auto& p : call.participants)
    if (p.account_id != account_id) t.peers.push_back(p.account_id);
  t.call = call;
  return t;
}

Transition CallMachine::leave(std::int64_t resident_id, std::int64_t account_id) {
  auto it = calls_.find(resident_id);
  if (it == calls_.end()) throw Error(codes::kNoCall);
  Call& call = it->second;
  if (!call.has(account_id)) throw Error(codes::kNotInCall);
  std::erase_if(call.participants,
                [&](const Participant& p) { return p.account_id == account_id; });
  bool last = call.participants.empty() ||
              (call.state == CallState::active && call.participants.size() < 2);
  if (last) {
    auto t = finish(call);
    t.left.insert(t.left.begin(), account_id);
    return t;
  }
  Transition t;
  t.call = call;
  t.left = {account_id};
  return t;
}

Transition CallMachine::end(std::int64_t resident_id) {
  auto it = calls_.find(resident_id);
  if (it == calls_.end()) throw Error(codes::kNoCall);
  return finish(it->second);
}

Transition CallMachine::finish(Call& call) {
  Transition t;
  for (const auto& p : call.participants) t.left.push_back(p.account_id);
  call.participants.clear();
  call.state = CallState::ended;
  call.ended_at = clock_.now();
  t.call = call;
  t.ended = true;
  const auto resident_id = call.resident_id;
  calls_.erase(resident_id);  // `call` is gone from here on
  return t;
}

void CallMachine::restore(const Call& call) {
  Call c = call;
  c.state = c.participants.size() >= 2 ? CallState::active : CallState::ringing;
  calls_[c.resident_id] = std::move(c);
}

Call CallMachine::current(std::int64_t resident_id) const {
  auto it = calls_.find(resident_id);
  if (it != calls_.end()) return it->second;
  Call idle;
  idle.resident_id = resident_id;
  return idle;
}

}  // namespace carelive::calls
