#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "calls/machine.hpp"
#include "core/clock.hpp"
#include "http/websocket.hpp"
#include "live/family.hpp"
#include "store/database.hpp"

namespace carelive::calls {

// The call signaling hub behind GET /api/v1/ws (SPEC 7). Clients send JSON messages:
//   {type:"watch", resident_id}          the call screen is open (family: presence)
//   {type:"start", resident_id}          staff start a call (they are its first participant)
//   {type:"join"|"leave"|"end", resident_id}
//   {type:"signal", to, data}            relayed to participant `to` of the caller's call
// and receive
//   {type:"presence", resident_id, people:[{account_id,name,kind}]}   (staff only)
//   {type:"call", resident_id, state, call_id, participants:[{account_id,name}]}
//   {type:"joined", resident_id, call_id, self, peers:[account_id]}   (the joiner offers to them)
//   {type:"signal", from, data}
//   {type:"error", code, ref}
// Every message is authorized on the server: family and care workers only for residents they
// are linked to with the newest terms agreed, staff only for residents of their facility.
// Call lifecycle and participants are written to the store (the call log); presence lives in
// memory. Thread-safe; functions block on the store (worker pool).
class Hub final : public http::WsEndpoint {
 public:
  Hub(store::Database& db, const core::Clock& clock, live::FamilyService& family);

  std::uint64_t open(std::shared_ptr<http::WsPeer> peer, const pass::Principal& who) override;
  void message(std::uint64_t connection, const std::string& text) override;
  void close(std::uint64_t connection) override;

 private:
  enum class Role { family, staff };
  struct Access {
    Role role = Role::family;
    std::int64_t facility_id = 0;
    std::string kind;  // staff | family | care_worker
  };
  struct Client {
    std::shared_ptr<http::WsPeer> peer;
    pass::Account account;
    std::map<std::int64_t, Access> watching;  // resident → how this client may see it
    std::optional<std::int64_t> in_call;      // resident whose call this connection joined
  };

  Access authorize(const pass::Account& who, std::int64_t resident_id);
  void handle(std::uint64_t id, const nlohmann::json& msg);
  void send(const Client& c, const nlohmann::json& msg);
  nlohmann::json presence_json(std::int64_t resident_id) const;
  nlohmann::json call_json(const Call& call) const;
  void push_presence(std::int64_t resident_id);
  void push_call(const Call& call);
  void leave_locked(std::uint64_t id, Client& c);
  void record(const Transition& t);

  store::Database& db_;
  const core::Clock& clock_;
  live::FamilyService& family_;
  std::mutex mutex_;
  CallMachine machine_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Client> clients_;
  std::map<std::int64_t, std::string> names_;  // account → display name
};

}  // namespace carelive::calls
