#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "calls/machine.hpp"
#include "calls/presence.hpp"
#include "core/error_codes.hpp"

// The messages between the browser and the signaling hub on GET /api/v1/ws (SPEC 7), as
// web/src/composables/useCall.ts speaks them. Browser → server:
//   {type:"watch"|"unwatch", resident_id}  the call screen opens / closes (family: presence)
//   {type:"start", resident_id}            staff start a call (they are its first participant)
//   {type:"join"|"leave"|"end", resident_id}
//   {type:"resume", resident_id, call_id}  a new connection takes over its account's place
//   {type:"signal", to, data}              relayed to participant `to` of the sender's call
//   {type:"media", resident_id, problem}   family: why their camera or microphone could not be
//                                          opened ("" once it could), for staff to see
//   {type:"watch_facility", facility_id}   staff: who waits on a call screen, every resident
//   {type:"unwatch_facility", facility_id}
// Server → browser:
//   {type:"presence", resident_id, people:[{account_id,name,kind,media}]}   (staff only)
//   {type:"waiting", facility_id, full, residents:[{resident_id, people:[…as presence]}]}
//     (staff watching the facility; full: the whole list, else only residents that changed)
//   {type:"call", resident_id, state, call_id, started_at, participants:[{account_id,name,
//    connected}]}
//   {type:"joined", resident_id, call_id, self, peers:[account_id], resumed?}
//   {type:"signal", from, data}
//   {type:"error", code, ref}   ref: the type of the message refused
// The server closes a socket with kCloseSessionEnded or kCloseAccessChanged (below).
namespace carelive::calls::protocol {

// ---- browser → server
enum class Type {
  watch,
  unwatch,
  start,
  join,
  resume,
  leave,
  end,
  signal,
  media,
  watch_facility,
  unwatch_facility,
  unknown
};

inline constexpr std::string_view kWatch = "watch";
inline constexpr std::string_view kUnwatch = "unwatch";
inline constexpr std::string_view kStart = "start";
inline constexpr std::string_view kJoin = "join";
inline constexpr std::string_view kResume = "resume";
inline constexpr std::string_view kLeave = "leave";
inline constexpr std::string_view kEnd = "end";
inline constexpr std::string_view kSignal = "signal";
inline constexpr std::string_view kMedia = "media";
inline constexpr std::string_view kWatchFacility = "watch_facility";
inline constexpr std::string_view kUnwatchFacility = "unwatch_facility";

// ---- the server closes the socket (close codes, RFC 6455 §7.4.2 application range)
// The session ended (logout, password change, expiry): the client goes to the login page.
inline constexpr std::uint16_t kCloseSessionEnded = 4401;
// What the person may see changed (a link removed, a discharge, staff rights): the client
// reconnects, and each screen is authorized again.
inline constexpr std::uint16_t kCloseAccessChanged = 4403;

// ---- server → browser (and kSignal)
inline constexpr std::string_view kPresence = "presence";
inline constexpr std::string_view kCall = "call";
inline constexpr std::string_view kJoined = "joined";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kRing = "ring";
inline constexpr std::string_view kWaiting = "waiting";

// The camera and microphone problems a family member's call screen reports (`media`), as
// web/src/lib/callMedia.ts names them; "" for none.
bool known_media_problem(std::string_view problem);

// A browser message, decoded. Every type but `signal` and the facility's watch names a resident
// (an unknown type too: it is refused as bad_message only after its resident was authorized, as
// it always was).
struct Request {
  Type type = Type::unknown;
  std::int64_t resident_id = 0;         // all but signal, watch_facility, unwatch_facility
  std::int64_t facility_id = 0;         // watch_facility, unwatch_facility
  std::optional<std::int64_t> call_id;  // resume (checked by its handler)
  std::int64_t to = 0;                  // signal
  nlohmann::json data;                  // signal
  std::string problem;                  // media
};

// The type as sent; "" when there is none (not JSON, not an object, no string "type").
std::string type_name(const nlohmann::json& msg);
Type type_of(std::string_view name);
// Throws bad_message when a field the type needs is missing or not a positive integer.
Request decode(nlohmann::json msg);

// ---- builders
nlohmann::json call_message(const Call& call);
nlohmann::json joined_message(std::int64_t resident_id, std::int64_t call_id, std::int64_t self,
                              const std::vector<std::int64_t>& peers, bool resumed);
nlohmann::json presence_message(std::int64_t resident_id, const std::vector<Person>& people);
// Who waits on a call screen, per resident of a facility (residents without anyone: an empty
// list, so that a partial message clears them).
using Waiting = std::vector<std::pair<std::int64_t, std::vector<Person>>>;
nlohmann::json waiting_message(std::int64_t facility_id, const Waiting& residents, bool full);
// Where a resident's call stands for one of the resident's people (SPEC 13), sent to every
// connection of theirs whatever screen it shows: `answered` once they are in the call on any
// device; a state other than ringing/active ends the ring.
struct Ring {
  std::string resident_name, facility_name;
};
nlohmann::json ring_message(const Call& call, std::int64_t account_id, const Ring& ring);
nlohmann::json signal_message(std::int64_t from, const nlohmann::json& data);
nlohmann::json error_message(const core::ErrorCode& code, std::string_view ref);

}  // namespace carelive::calls::protocol
