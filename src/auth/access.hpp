#pragma once

#include <cstdint>
#include <functional>

// A committed change that took someone's access away, told to whatever keeps connections open
// beyond one request (the call hub's WebSockets): a socket must not outlive its session, and a
// person must not stay in a call or keep watching a resident they may no longer see. The
// services that make these changes sit below the hub, so they tell a listener that App wires.
namespace carelive::auth {

struct AccessEnded {
  enum class Why : std::uint8_t {
    session_ended,   // logout, password change or reset, sessions ended from the list
    access_changed,  // a link removed, a resident discharged, staff rights lost
  };
  Why why = Why::session_ended;
  std::int64_t account = 0;       // whose access; 0: everyone's (with `resident`)
  std::int64_t session = 0;       // session_ended: this session only; 0: all of the account's
  std::int64_t keep_session = 0;  // session_ended: all but this one (the one that asked)
  std::int64_t resident = 0;      // access_changed: about this resident only; 0: any

  static AccessEnded session_of(std::int64_t account, std::int64_t session) {
    return {Why::session_ended, account, session, 0, 0};
  }
  static AccessEnded sessions_of(std::int64_t account, std::int64_t keep = 0) {
    return {Why::session_ended, account, 0, keep, 0};
  }
  static AccessEnded link_removed(std::int64_t account, std::int64_t resident) {
    return {Why::access_changed, account, 0, 0, resident};
  }
  static AccessEnded resident_gone(std::int64_t resident) {
    return {Why::access_changed, 0, 0, 0, resident};
  }
  static AccessEnded rights_changed(std::int64_t account) {
    return {Why::access_changed, account, 0, 0, 0};
  }
};

using AccessListener = std::function<void(const AccessEnded&)>;

// Tells `listener` (when set) after the change committed. A failure is logged, never thrown:
// the change stands either way, and the connections' own session checks still follow.
void tell(const AccessListener& listener, const AccessEnded& access);

}  // namespace carelive::auth
