#include "calls/presence.hpp"

#include <algorithm>
#include <set>

namespace carelive::calls {

bool Presence::watch(std::uint64_t conn, std::int64_t resident_id, const Person& who, bool staff) {
  auto [it, added] = conns_.try_emplace(conn);
  Conn& c = it->second;
  if (added) {
    c.account_id = who.account_id;
    c.name = who.name;
  }
  auto found = std::find_if(c.watching.begin(), c.watching.end(),
                            [&](const Watch& w) { return w.resident_id == resident_id; });
  if (found != c.watching.end()) {
    found->staff = staff;
    found->kind = who.kind;
    return false;
  }
  const bool was_present = !staff && present(resident_id, c.account_id);
  c.watching.push_back({resident_id, staff, who.kind, ""});
  watchers_[resident_id].push_back(conn);
  return !staff && !was_present;
}

bool Presence::set_media(std::uint64_t conn, std::int64_t resident_id, const std::string& problem) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  auto& watching = it->second.watching;
  auto found = std::find_if(watching.begin(), watching.end(),
                            [&](const Watch& w) { return w.resident_id == resident_id; });
  if (found == watching.end() || found->staff || found->media == problem) return false;
  const auto before = local(resident_id);
  found->media = problem;
  return local(resident_id) != before;
}

bool Presence::unwatch(std::uint64_t conn, std::int64_t resident_id) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  auto& watching = it->second.watching;
  auto found = std::find_if(watching.begin(), watching.end(),
                            [&](const Watch& w) { return w.resident_id == resident_id; });
  if (found == watching.end()) return false;
  const bool family = !found->staff;
  const auto before = family ? local(resident_id) : std::vector<Person>{};
  watching.erase(found);
  if (watching.empty()) conns_.erase(it);
  drop(conn, resident_id);
  return family && local(resident_id) != before;
}

bool Presence::watching(std::uint64_t conn, std::int64_t resident_id) const {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  const auto& w = it->second.watching;
  return std::any_of(w.begin(), w.end(),
                     [&](const Watch& x) { return x.resident_id == resident_id; });
}

std::vector<std::int64_t> Presence::close(std::uint64_t conn) {
  std::vector<std::int64_t> changed;
  auto it = conns_.find(conn);
  if (it == conns_.end()) return changed;
  std::vector<std::pair<std::int64_t, std::vector<Person>>> before;
  for (const auto& w : it->second.watching)
    if (!w.staff) before.emplace_back(w.resident_id, local(w.resident_id));
  const Conn gone = std::move(it->second);
  conns_.erase(it);
  for (const auto& w : gone.watching) drop(conn, w.resident_id);
  for (const auto& [rid, people] : before)
    if (local(rid) != people) changed.push_back(rid);
  return changed;
}

void Presence::drop(std::uint64_t conn, std::int64_t resident_id) {
  auto list = watchers_.find(resident_id);
  if (list == watchers_.end()) return;
  std::erase(list->second, conn);
  if (list->second.empty()) watchers_.erase(list);
}

std::vector<std::uint64_t> Presence::watchers(std::int64_t resident_id, bool staff_only,
                                              std::uint64_t except) const {
  std::vector<std::uint64_t> out;
  auto list = watchers_.find(resident_id);
  if (list == watchers_.end()) return out;
  for (auto conn : list->second) {
    if (conn == except) continue;
    if (staff_only) {
      const auto& w = conns_.at(conn).watching;
      if (std::none_of(w.begin(), w.end(),
                       [&](const Watch& x) { return x.resident_id == resident_id && x.staff; }))
        continue;
    }
    out.push_back(conn);
  }
  return out;
}

std::vector<std::int64_t> Presence::residents() const {
  std::vector<std::int64_t> out;
  out.reserve(watchers_.size());
  for (const auto& [rid, conns] : watchers_) out.push_back(rid);
  return out;
}

std::vector<std::int64_t> Presence::present_residents() const {
  std::set<std::int64_t> out;
  for (const auto& [rid, conns] : watchers_)
    if (!local(rid).empty()) out.insert(rid);
  for (const auto& [name, node] : nodes_)
    for (const auto& [rid, people] : node.people) out.insert(rid);
  return {out.begin(), out.end()};
}

// One entry per person; a camera or microphone problem on any of their screens shows.
std::vector<Person> Presence::local(std::int64_t resident_id) const {
  std::vector<Person> people;
  auto list = watchers_.find(resident_id);
  if (list == watchers_.end()) return people;
  for (auto conn : list->second) {
    const Conn& c = conns_.at(conn);
    for (const auto& w : c.watching) {
      if (w.resident_id != resident_id || w.staff) continue;
      auto known = std::find_if(people.begin(), people.end(),
                                [&](const Person& p) { return p.account_id == c.account_id; });
      if (known == people.end())
        people.push_back({c.account_id, c.name, w.kind, w.media});
      else if (known->media.empty())
        known->media = w.media;
    }
  }
  return people;
}

bool Presence::present(std::int64_t resident_id, std::int64_t account_id) const {
  const auto people = local(resident_id);
  return std::any_of(people.begin(), people.end(),
                     [&](const Person& p) { return p.account_id == account_id; });
}

PresenceSnapshot Presence::snapshot() const {
  PresenceSnapshot out;
  for (const auto& [rid, conns] : watchers_) {
    auto people = local(rid);
    if (!people.empty()) out.emplace_back(rid, std::move(people));
  }
  return out;
}

std::vector<Person> Presence::people(std::int64_t resident_id) const {
  std::vector<Person> people;
  std::set<std::int64_t> seen;
  auto add = [&](const Person& p) {
    if (seen.insert(p.account_id).second) people.push_back(p);
  };
  for (const auto& p : local(resident_id)) add(p);
  for (const auto& [name, node] : nodes_) {
    auto it = node.people.find(resident_id);
    if (it == node.people.end()) continue;
    for (const auto& p : it->second) add(p);
  }
  return people;
}

void Presence::update(const std::string& node, std::int64_t resident_id,
                      std::vector<Person> people) {
  auto& n = nodes_[node];
  n.seen = clock_.now();
  if (people.empty())
    n.people.erase(resident_id);
  else
    n.people[resident_id] = std::move(people);
}

std::vector<std::int64_t> Presence::replace(const std::string& node, PresenceSnapshot snapshot) {
  auto& n = nodes_[node];
  n.seen = clock_.now();
  auto residents = residents_of(n);
  n.people.clear();
  for (auto& [rid, people] : snapshot) {
    residents.push_back(rid);
    n.people[rid] = std::move(people);
  }
  return residents;
}

std::vector<std::int64_t> Presence::forget(const std::string& node) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return {};
  auto residents = residents_of(it->second);
  nodes_.erase(it);
  return residents;
}

std::vector<std::int64_t> Presence::expire() {
  std::vector<std::int64_t> residents;
  const auto silent_since = clock_.now() - kExpirySeconds;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (it->second.seen < silent_since) {
      for (auto rid : residents_of(it->second)) residents.push_back(rid);
      it = nodes_.erase(it);
    } else {
      ++it;
    }
  }
  return residents;
}

std::vector<std::int64_t> Presence::residents_of(const Node& node) {
  std::vector<std::int64_t> out;
  for (const auto& [rid, people] : node.people) out.push_back(rid);
  return out;
}

}  // namespace carelive::calls
