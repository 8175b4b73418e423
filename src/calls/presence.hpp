#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace carelive::calls {

// Someone who has a resident's call screen open, as staff see them.
struct Person {
  std::int64_t account_id = 0;
  std::string name;  // display name
  std::string kind;  // family | care_worker (the link's kind), staff
  // Why their camera or microphone could not be opened on the call screen (protocol::
  // known_media_problem), "" when nothing went wrong.
  std::string media;
  bool operator==(const Person&) const = default;
};

// Residents and their family watchers, as a node announces them to the others.
using PresenceSnapshot = std::vector<std::pair<std::int64_t, std::vector<Person>>>;

// Who has which resident's call screen open (SPEC 7): the connections of this node, and the
// family watchers other nodes announced, each node's forgotten when it has been silent for
// kExpirySeconds. Family and care workers are the presence; staff watch it. One person counts
// once however many screens they have open.
//
// Pure: no I/O, time from an injected clock; not thread-safe (calls::Hub guards it with its
// mutex). Kept small: 20,000 idle connections per process each have an entry.
class Presence {
 public:
  explicit Presence(const core::Clock& clock) : clock_(clock) {}

  // ---- this node
  // Connection `conn` of `who` watches the resident; `staff`: it sees the presence, else it is
  // part of it. Watching again only updates the role. True when the family presence of the
  // resident changed (someone new is there).
  bool watch(std::uint64_t conn, std::int64_t resident_id, const Person& who, bool staff);
  // What the call screen of connection `conn` reported about its camera and microphone
  // (Person::media). True when what staff see of the resident changed.
  bool set_media(std::uint64_t conn, std::int64_t resident_id, const std::string& problem);
  // True when the family presence of the resident changed (the last screen of someone closed).
  bool unwatch(std::uint64_t conn, std::int64_t resident_id);
  // The connection closed: every watch of it ends. Returns the residents whose family presence
  // changed.
  std::vector<std::int64_t> close(std::uint64_t conn);

  // Connections watching the resident here, in the order they began, without `except`;
  // `staff_only`: only those that see the presence.
  std::vector<std::uint64_t> watchers(std::int64_t resident_id, bool staff_only,
                                      std::uint64_t except = 0) const;
  bool watching(std::uint64_t conn, std::int64_t resident_id) const;
  // Every resident watched here.
  std::vector<std::int64_t> residents() const;
  // Every resident someone of their people waits for, here or on another node.
  std::vector<std::int64_t> present_residents() const;
  // The family watchers of the resident here.
  std::vector<Person> local(std::int64_t resident_id) const;
  // Every resident with family watchers here, with them: what the other nodes are told.
  PresenceSnapshot snapshot() const;
  // What staff see: the family watchers here, then those of the other nodes.
  std::vector<Person> people(std::int64_t resident_id) const;

  // ---- other nodes
  // `node` announced the family watchers of one resident there (none: it has none now).
  void update(const std::string& node, std::int64_t resident_id, std::vector<Person> people);
  // `node` announced all of its watchers, replacing what it said before. Returns the residents
  // whose presence may have changed.
  std::vector<std::int64_t> replace(const std::string& node, PresenceSnapshot snapshot);
  // `node` stopped. Returns the residents whose presence may have changed.
  std::vector<std::int64_t> forget(const std::string& node);
  // Forgets the nodes silent for kExpirySeconds. Returns the residents whose presence may have
  // changed.
  std::vector<std::int64_t> expire();

  static constexpr std::int64_t kExpirySeconds = 45;

 private:
  struct Watch {
    std::int64_t resident_id = 0;
    bool staff = false;
    std::string kind;
    std::string media;
  };
  struct Conn {
    std::int64_t account_id = 0;
    std::string name;
    std::vector<Watch> watching;  // usually one resident
  };
  struct Node {
    core::UnixSeconds seen = 0;
    std::map<std::int64_t, std::vector<Person>> people;  // resident → its watchers there
  };

  bool present(std::int64_t resident_id, std::int64_t account_id) const;
  void drop(std::uint64_t conn, std::int64_t resident_id);
  static std::vector<std::int64_t> residents_of(const Node& node);

  const core::Clock& clock_;
  std::unordered_map<std::uint64_t, Conn> conns_;
  std::unordered_map<std::int64_t, std::vector<std::uint64_t>> watchers_;  // resident → conns
  std::map<std::string, Node> nodes_;                                      // other nodes
};

}  // namespace carelive::calls
