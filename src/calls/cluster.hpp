#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/access.hpp"
#include "calls/bus.hpp"
#include "calls/call_repo.hpp"
#include "calls/machine.hpp"
#include "calls/presence.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"

// The link between the server processes ("nodes") that serve calls (docs/architecture.md,
// "Calls on several processes"): the events they send each other over the Bus, in the one
// format every node speaks, and the heartbeat each node writes to the store.
namespace carelive::calls::cluster {

// A committed change of a resident's call: the whole state, including where each participant
// is (node, conn). Broadcast.
struct CallChanged {
  Call call;
};
// An offer, answer or ICE candidate for participant `to`, whose connection `conn` is on the
// receiving node. Sent to that node only.
struct Signal {
  std::uint64_t conn = 0;
  std::int64_t to = 0;
  std::int64_t resident_id = 0;
  std::int64_t from = 0;
  nlohmann::json data;
};
// The sender's family watchers of one resident changed (empty: none left there). Broadcast.
struct PresenceChanged {
  std::int64_t resident_id = 0;
  std::vector<Person> people;
};
// All of the sender's family watchers, every kSnapshotSeconds and in answer to Hello.
struct Snapshot {
  PresenceSnapshot presence;
};
// The sender (re)connected and knows nobody's presence: the others answer with a Snapshot.
struct Hello {};
// The sender stops: forget its presence.
struct Bye {};
// Someone's access ended (a session, a link, staff rights): every node closes its matching
// connections. Broadcast.
struct Revoked {
  auth::AccessEnded access;
};

using Event = std::variant<CallChanged, Signal, PresenceChanged, Snapshot, Hello, Bye, Revoked>;

// The bus message of `event` sent by `node`: a JSON object whose "t" names the event.
nlohmann::json encode(const std::string& node, const Event& event);
// The event of a bus message; nullopt when "t" names none (a newer node's event). Throws
// nlohmann::json::exception when the message is malformed.
std::optional<Event> decode(const nlohmann::json& msg);

// This node's end of the bus: typed events in, typed events out. Messages from other nodes
// arrive on the bus's own thread, one at a time; a node never hears its own; a malformed one
// is logged and dropped.
class Link {
 public:
  using OnEvent = std::function<void(const std::string& node, const Event& event)>;

  // `bus` null: a single process (LocalBus).
  explicit Link(std::shared_ptr<Bus> bus);

  const std::string& node() const { return bus_->node(); }
  bool clustered() const { return bus_->clustered(); }
  // Begins delivery; `on_connected` runs after every (re)connection, when events may have been
  // lost. Call once.
  void start(OnEvent on_event, std::function<void()> on_connected);
  // Stops delivery after sending what is queued (best effort); idempotent.
  void stop() { bus_->stop(); }
  void broadcast(const Event& event) { bus_->broadcast(encode(node(), event)); }
  void direct(const std::string& to_node, const Event& event) {
    bus_->direct(to_node, encode(node(), event));
  }

 private:
  void receive(const nlohmann::json& msg);

  std::shared_ptr<Bus> bus_;
  OnEvent on_event_;
};

inline constexpr std::int64_t kHeartbeatSeconds = 10;
inline constexpr std::int64_t kNodeStaleSeconds = 45;  // no heartbeat for this long: gone
inline constexpr std::int64_t kSnapshotSeconds = 15;

// The timers of a node's periodic duties: its heartbeat in the store (every kHeartbeatSeconds)
// and, when other nodes can exist, its presence snapshot (every kSnapshotSeconds). Pure; the
// hub guards it.
class Heartbeat {
 public:
  struct Due {
    bool beat = false;
    bool snapshot = false;
  };
  // What is due at `now`; what is due counts as done.
  Due due(core::UnixSeconds now, bool clustered);

 private:
  core::UnixSeconds last_beat_ = 0, last_snapshot_ = 0;
};

// What one tick found in the store for the hub to act on.
struct Sweep {
  std::vector<call_repo::Seat> graces_over;  // to end, as with `leave`
  std::vector<call_repo::Seat> orphaned;     // of nodes gone silent: into grace
};
// Writes `node`'s heartbeat when `beat` (and forgets heartbeats a day old), and finds the
// graces that ran out and, when `beat`, the connected participants of nodes without a heartbeat
// for kNodeStaleSeconds.
Sweep sweep(store::Connection& c, const std::string& node, core::UnixSeconds now, bool beat);

}  // namespace carelive::calls::cluster
