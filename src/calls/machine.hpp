#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace carelive::calls {

// idle → ringing (staff started, nobody else in yet) → active (two or more in) → ended.
enum class CallState { idle, ringing, active, ended };
const char* state_name(CallState s);

struct Participant {
  std::int64_t account_id = 0;
  core::UnixSeconds joined_at = 0;
  // Where the participant's WebSocket is: the server process (node id) and its connection id
  // there. While `grace_until` is set that connection is gone and the account may resume.
  std::string node;
  std::uint64_t conn = 0;
  std::optional<core::UnixSeconds> grace_until;
  std::string name;  // display name, for the `call` message
  bool connected() const { return !grace_until.has_value(); }
};

struct Call {
  std::int64_t id = 0;   // call log id (the store's), 0 until recorded
  std::int64_t seq = 0;  // bumped by every recorded change (orders events between processes)
  std::int64_t facility_id = 0;
  std::int64_t resident_id = 0;
  std::int64_t started_by = 0;
  core::UnixSeconds started_at = 0;
  std::optional<core::UnixSeconds> ended_at;
  CallState state = CallState::idle;
  std::vector<Participant> participants;  // in join order
  bool has(std::int64_t account_id) const;
  Participant* find(std::int64_t account_id);
  const Participant* find(std::int64_t account_id) const;
};

// What happened to a call, told once by the process that made the change (after the commit).
enum class CallEvent : std::uint8_t { started, ended_unanswered, ended_answered };

// What a transition did, for the caller to record and announce.
struct Transition {
  Call call;                         // the call after the transition
  std::vector<std::int64_t> joined;  // accounts that joined
  std::vector<std::int64_t> left;    // accounts that left (all remaining ones on end)
  std::vector<std::int64_t> peers;   // for join: who was already in (the joiner offers to them)
  bool started = false;
  bool ended = false;
};

// The call state machine of every resident: pure, no I/O, time from an injected clock; not
// thread-safe (the caller serialises). Errors are core::Error codes: call_in_progress,
// no_call, not_in_call, already_in_call.
class CallMachine {
 public:
  explicit CallMachine(const core::Clock& clock) : clock_(clock) {}

  // Staff starts a call with a resident; the staff member is its first participant.
  Transition start(std::int64_t facility_id, std::int64_t resident_id, std::int64_t staff_id);
  // Records the store's id of a started call.
  void set_id(std::int64_t resident_id, std::int64_t call_id);
  // A linked person (or other staff) joins a ringing or active call.
  Transition join(std::int64_t resident_id, std::int64_t account_id);
  // `join` by an account that is already a participant (a reloaded page): it stays in the call
  // (nothing joins or leaves); `peers` are the others, to whom it offers again.
  Transition rejoin(std::int64_t resident_id, std::int64_t account_id);
  // Someone leaves; the call ends when nobody is left, or when only one remains after it was
  // active.
  Transition leave(std::int64_t resident_id, std::int64_t account_id);
  // Staff end the call for everyone.
  Transition end(std::int64_t resident_id);

  // The resident's current call; state idle when there is none.
  Call current(std::int64_t resident_id) const;
  // Puts a ringing or active call read back from the store into the machine, so that the
  // store stays the authority and the rules are still applied here.
  void restore(const Call& call);

 private:
  Transition finish(Call& call);
  const core::Clock& clock_;
  std::map<std::int64_t, Call> calls_;  // by resident; only ringing/active ones
};

}  // namespace carelive::calls
