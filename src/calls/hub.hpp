#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/access.hpp"
#include "calls/bus.hpp"
#include "calls/cluster.hpp"
#include "calls/machine.hpp"
#include "calls/presence.hpp"
#include "calls/protocol.hpp"
#include "core/clock.hpp"
#include "http/websocket.hpp"
#include "live/family.hpp"
#include "store/database.hpp"

namespace carelive::calls {

struct HubOptions {
  // How long a participant whose WebSocket closed stays in the call, waiting for `resume`.
  std::int64_t reconnect_grace_seconds = 30;
  // The session behind a connection while it lasts (PassService::live_session): asked when the
  // session's idle or absolute limit comes; `in_call` counts as use. Null: not checked.
  std::function<std::optional<auth::Session>(std::int64_t session_id, bool in_call)> session_check;
  // A call started or ended (Web Push tells the resident's people). Must not block for long:
  // it runs on the request's worker thread.
  std::function<void(const Call& call, CallEvent event)> on_call;
};

// The call signaling hub behind GET /api/v1/ws (SPEC 7); its messages are in protocol.hpp.
// Each message is decoded, authorized by authorize() — family and care workers only for
// residents they are linked to with the newest terms agreed, staff only for residents of their
// facility (and for its waiting list), only staff start or end a call, a signal only to another
// participant of the sender's call — and only then handed to the one handler of its type
// (hub_handlers.cpp).
//
// Several server processes ("nodes") behave as one: a call's state lives in the store
// (call_repo: one open call per resident, changed in a transaction that locks it and applies
// CallMachine's rules), and every committed change is applied here at once and sent to the
// other nodes over the cluster link, where each pushes `call` to its own watchers. Presence
// (who has the screen open) lives in memory: each node announces its own watchers per resident
// and merges the others'. A closed connection that was in a call keeps its place for the
// reconnect grace; tick() ends graces that ran out and beats the node's heartbeat.
//
// Locks: a small mutex for the in-memory tables (connections, call views, presence), never
// held during SQL or while sending; changes of one resident's call are serialised by one of
// kShards mutexes, so calls of different residents run in parallel. Sends only queue
// (WsPeer::send). Thread-safe; functions block on the store (worker pool).
class Hub final : public http::WsEndpoint {
 public:
  // `bus` null: a single process (LocalBus).
  Hub(store::Database& db, const core::Clock& clock, live::FamilyService& family,
      HubOptions options = {}, std::shared_ptr<Bus> bus = nullptr);
  ~Hub() override;

  std::uint64_t open(std::shared_ptr<http::WsPeer> peer, const auth::Principal& who) override;
  void message(std::uint64_t connection, const std::string& text) override;
  void close(std::uint64_t connection) override;
  void refuse(std::uint64_t connection, const core::ErrorCode& code) override;

  // Timers, to be called about once a second: ends reconnect graces that ran out, writes this
  // node's heartbeat, puts the participants of nodes that stopped beating into grace, sends
  // presence snapshots and forgets the presence of nodes that went silent.
  void tick();
  // Someone's access ended (PassService, StaffService, OperatorService tell it after the
  // commit): a removed link or a discharge takes the person (or everyone) out of the resident's
  // call at once; then the matching connections close, here and on every other node.
  void revoke(const auth::AccessEnded& access);
  // Tells the other nodes this one is gone and stops the bus (before the destructor).
  void shutdown();
  const std::string& node() const { return link_.node(); }

  static constexpr std::int64_t kHeartbeatSeconds = cluster::kHeartbeatSeconds;
  static constexpr std::int64_t kNodeStaleSeconds = cluster::kNodeStaleSeconds;
  static constexpr std::int64_t kSnapshotSeconds = cluster::kSnapshotSeconds;
  static constexpr std::int64_t kPresenceExpirySeconds = Presence::kExpirySeconds;

 private:
  enum class Role : std::uint8_t { family, staff };
  // What authorize() allowed: the resident the message is about (for a signal: whose call it
  // goes into) and the caller's standing there (not looked up for a signal).
  struct Access {
    std::int64_t resident_id = 0;
    Role role = Role::family;
    std::int64_t facility_id = 0;
    std::string kind;  // staff | family | care_worker
  };
  // Per connection; kept small (20,000 idle connections per process).
  struct Client {
    std::shared_ptr<http::WsPeer> peer;
    std::shared_ptr<const pass::Account> account;
    std::int64_t in_call = 0;  // resident whose call this connection speaks for; 0: none
    std::int64_t session_id = 0;
    // The session's limits as last seen (0 session: none). A call counts as use, so a connection
    // in a call is checked a while before its idle limit, which pushes the limit on.
    core::UnixSeconds idle_until = 0, absolute_until = 0;
    std::int64_t facility_watch = 0;  // staff: the facility whose waiting list it sees; 0: none
  };
  // One authorized message on its way to its handler.
  struct Context {
    std::uint64_t conn;
    const pass::Account& who;
    const protocol::Request& req;
    const Access& access;
  };
  using Handler = void (Hub::*)(const Context&);
  using Peers = std::vector<std::shared_ptr<http::WsPeer>>;

  // ---- decode, authorize, handle (hub.cpp)
  void dispatch(std::uint64_t conn, nlohmann::json msg);
  // The one authorization of every message; throws forbidden, terms_required, not_in_call.
  Access authorize(std::uint64_t conn, const pass::Account& who, const protocol::Request& req);
  Access resident_access(const pass::Account& who, std::int64_t resident_id);
  Access signal_access(std::uint64_t conn, const pass::Account& who, std::int64_t to);
  Access facility_access(const pass::Account& who, std::int64_t facility_id);
  static Handler handler_for(protocol::Type type);  // null: no such message

  // ---- one handler per message type (hub_handlers.cpp)
  void on_watch(const Context& ctx);
  void on_unwatch(const Context& ctx);
  void on_start(const Context& ctx);
  void on_join(const Context& ctx);
  void on_resume(const Context& ctx);
  void on_leave(const Context& ctx);
  void on_end(const Context& ctx);
  void on_signal(const Context& ctx);
  void on_media(const Context& ctx);
  void on_watch_facility(const Context& ctx);
  void on_unwatch_facility(const Context& ctx);
  // join (resume_call_id 0) or resume: this connection takes the account's place in the call.
  void take_place(const Context& ctx, std::int64_t resume_call_id);
  // Adds the watch; true when the family presence of the resident changed.
  bool watch(const Context& ctx);
  void joined(const Context& ctx, const Call& call, const std::vector<std::int64_t>& peers,
              bool resumed);
  std::int64_t in_call(std::uint64_t conn) const;  // resident; 0: none

  // ---- the call state
  // One change of a resident's call: loads the open call (locked), lets `fn` apply the rules
  // and write its rows, bumps seq, commits, then applies the result here and broadcasts it.
  // `fn` returns false when nothing changed (no seq bump, no event). `before_push` runs after
  // the commit and before the `call` message goes out (to answer `joined` first).
  using Change = std::function<bool(store::Connection&, Call&)>;
  Call change(std::int64_t resident_id, const Change& fn,
              const std::function<void(const Call&)>& before_push = nullptr);
  // A participant that joins now through connection `conn` of this node.
  Participant here(std::int64_t account_id, std::uint64_t conn) const;
  // The resident's call as a screen that opens here sees it (idle unless ringing or active).
  Call screen_call(std::int64_t resident_id, std::uint64_t conn);
  // Takes a call state (from here or another node) if it is newer than the one known: fixes
  // which local connections are in it and pushes `call` to local watchers.
  // `except`: a connection not to push to (it is answered directly).
  void apply(const Call& call, std::uint64_t except = 0);
  void leave_on_close(std::uint64_t id, const pass::Account& who, std::int64_t resident_id);
  void expire(std::int64_t resident_id, std::int64_t account_id);
  void mark_gone(std::int64_t resident_id, std::int64_t account_id, const std::string& node);
  void remove_from_call(std::int64_t resident_id, std::int64_t account_id);
  void end_call(std::int64_t resident_id);

  // ---- connections whose access ended
  // Closes the local connections `access` names (session_ended: kCloseSessionEnded).
  void close_matching(const auth::AccessEnded& access);
  // Asks session_check about the connections whose session limit came; closes the ended ones.
  void check_sessions(core::UnixSeconds now);
  static constexpr std::int64_t kCallUseAhead = 5 * 60;

  // ---- ringing (SPEC 13): every connection of the resident's people, on any screen, hears
  // where an open call stands (protocol::ring_message) until it ends.
  struct RingList {
    std::int64_t call_id = 0;
    std::vector<std::int64_t> accounts;  // the resident's people when the call started
    protocol::Ring names;
  };
  // After a call state was applied here: tells the local connections of the resident's people.
  void ring(const Call& call);
  // A new connection hears the open calls of the residents its account is linked to.
  void ring_on_open(std::uint64_t conn, std::int64_t account_id);
  std::shared_ptr<const RingList> ring_list(const Call& call);

  // ---- other nodes
  void receive(const std::string& node, const cluster::Event& event);
  void deliver(const cluster::Signal& signal);
  void on_link_connected();
  void resync();

  // ---- presence and sends
  void presence_changed(const std::vector<std::int64_t>& residents);  // announce + push
  // Pushes the presence to staff watching the residents, and to staff watching their
  // facilities' waiting lists.
  void push_presence(const std::vector<std::int64_t>& residents);
  void push_waiting(const std::vector<std::int64_t>& residents);
  // Who waits on a call screen now, per resident of the facility (protocol::waiting_message).
  protocol::Waiting waiting(std::int64_t facility_id);
  // The resident's facility (kept: a resident never moves); 0 when there is no such resident.
  std::int64_t facility_of(std::int64_t resident_id);
  void stop_facility_watch_locked(std::uint64_t conn);
  cluster::Snapshot snapshot();
  Peers watchers_locked(std::int64_t resident_id, bool staff_only, std::uint64_t except = 0) const;
  static void send_all(const Peers& peers, const std::string& text);
  void send(std::uint64_t id, const nlohmann::json& msg);

  std::mutex& shard(std::int64_t resident_id) {
    return shards_[static_cast<std::uint64_t>(resident_id) % kShards];
  }

  store::Database& db_;
  const core::Clock& clock_;
  live::FamilyService& family_;
  HubOptions options_;
  cluster::Link link_;

  static constexpr std::size_t kShards = 64;
  std::array<std::mutex, kShards> shards_;

  mutable std::mutex mutex_;  // everything below
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Client> clients_;
  std::unordered_map<std::int64_t, Call> views_;  // resident → newest call state known
  // resident → who hears its open call
  std::unordered_map<std::int64_t, std::shared_ptr<const RingList>> rings_;
  Presence presence_;
  std::unordered_map<std::int64_t, std::int64_t> facility_of_;  // resident → facility
  // facility → connections watching its waiting list
  std::unordered_map<std::int64_t, std::vector<std::uint64_t>> facility_watchers_;
  cluster::Heartbeat heartbeat_;
  bool stopped_ = false;
};

}  // namespace carelive::calls
