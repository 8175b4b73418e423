#include "calls/hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "calls/call_repo.hpp"
#include "core/error.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"

namespace carelive::calls {

using core::Error;
using nlohmann::json;
namespace codes = core::codes;

namespace {

bool newer(const Call& a, const Call& b) { return a.id > b.id || (a.id == b.id && a.seq > b.seq); }

bool open_state(CallState s) { return s == CallState::ringing || s == CallState::active; }

}  // namespace

Hub::Hub(store::Database& db, const core::Clock& clock, live::FamilyService& family,
         HubOptions options, std::shared_ptr<Bus> bus)
    : db_(db),
      clock_(clock),
      family_(family),
      options_(options),
      link_(std::move(bus)),
      presence_(clock) {
  link_.start([this](const std::string& node, const cluster::Event& e) { receive(node, e); },
              [this] { on_link_connected(); });
}

Hub::~Hub() { shutdown(); }

void Hub::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  link_.broadcast(cluster::Bye{});
  link_.stop();
  // Without our heartbeat the other nodes (or this one restarted) end the graces of the
  // connections we closed on time, instead of waiting for the heartbeat to go stale.
  try {
    db_.with([&](store::Connection& c) { call_repo::forget_heartbeat(c, link_.node()); });
  } catch (const std::exception& e) {
    spdlog::warn("call node shutdown: {}", e.what());
  }
}

std::uint64_t Hub::open(std::shared_ptr<http::WsPeer> peer, const auth::Principal& who) {
  // Only what authorization and presence read: no password hash or contact details kept per
  // connection (20,000 of them).
  pass::Account kept;
  kept.id = who.account.id;
  kept.family_name = who.account.family_name;
  kept.given_name = who.account.given_name;
  kept.is_operator = who.account.is_operator;
  auto account = std::make_shared<const pass::Account>(std::move(kept));
  const auto& s = who.session;
  constexpr auto kNever = std::numeric_limits<core::UnixSeconds>::max();
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    clients_.emplace(id, Client{std::move(peer), account, 0, s.id,
                                s.id ? s.last_seen_at + s.idle_timeout : kNever,
                                s.id ? s.absolute_expires_at : kNever});
  }
  try {
    ring_on_open(id, account->id);
  } catch (const std::exception& e) {
    spdlog::warn("call ring on open: {}", e.what());  // the socket works; only the ring is missed
  }
  return id;
}

void Hub::refuse(std::uint64_t id, const core::ErrorCode& code) {
  send(id, protocol::error_message(code, ""));
}

// ---- decode, authorize, dispatch

void Hub::message(std::uint64_t id, const std::string& text) {
  json msg = json::parse(text, nullptr, false);
  const std::string type = protocol::type_name(msg);
  try {
    if (type.empty()) throw Error(codes::kBadMessage);
    dispatch(id, std::move(msg));
  } catch (const Error& e) {
    send(id, protocol::error_message(core::error_code(e.code()), type));
  } catch (const std::exception& e) {
    spdlog::error("call signaling: {}", e.what());
    send(id, protocol::error_message(codes::kInternal, type));
  }
}

// Decode, authorize, handle: no handler runs for a message that authorize() refused.
void Hub::dispatch(std::uint64_t conn, json msg) {
  std::shared_ptr<const pass::Account> account;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(conn);
    if (it == clients_.end()) return;
    account = it->second.account;
  }
  const protocol::Request req = protocol::decode(std::move(msg));
  const Access access = authorize(conn, *account, req);
  const Handler handler = handler_for(req.type);
  if (!handler) throw Error(codes::kBadMessage);
  (this->*handler)({conn, *account, req, access});
}

Hub::Access Hub::authorize(std::uint64_t conn, const pass::Account& who,
                           const protocol::Request& req) {
  using protocol::Type;
  // A signal stays inside the sender's call, which start, join or resume let them into.
  if (req.type == Type::signal) return signal_access(conn, who, req.to);
  if (req.type == Type::watch_facility || req.type == Type::unwatch_facility)
    return facility_access(who, req.facility_id);
  // Checked against the store for every message: a link removed meanwhile stops working.
  Access access = resident_access(who, req.resident_id);
  if ((req.type == Type::start || req.type == Type::end) && access.role != Role::staff)
    throw Error(codes::kForbidden);
  return access;
}

// Staff of the resident's facility, else family or care worker linked to the resident with
// the newest terms agreed (FamilyService::home throws forbidden or terms_required).
Hub::Access Hub::resident_access(const pass::Account& who, std::int64_t resident_id) {
  auto staff = db_.with([&](store::Connection& c) -> std::optional<std::int64_t> {
    auto resident = live::repo::find_resident(c, resident_id);
    if (!resident || resident->discharged_at) throw Error(codes::kForbidden);
    try {
      live::require_facility(c, who, resident->facility_id, live::Need::staff);
      return resident->facility_id;
    } catch (const Error&) {
      return std::nullopt;
    }
  });
  if (staff) return {resident_id, Role::staff, *staff, "staff"};
  auto home = family_.home(who.id, resident_id);
  return {resident_id, Role::family, home.current.facility.id, home.current.link.kind};
}

// Staff of the facility (FacilityService's rule; forbidden otherwise).
Hub::Access Hub::facility_access(const pass::Account& who, std::int64_t facility_id) {
  db_.with([&](store::Connection& c) {
    live::require_facility(c, who, facility_id, live::Need::staff);
  });
  Access access;
  access.role = Role::staff;
  access.facility_id = facility_id;
  access.kind = "staff";
  return access;
}

// The sender's connection speaks for them in a call known here, and `to` is someone else in it.
Hub::Access Hub::signal_access(std::uint64_t conn, const pass::Account& who, std::int64_t to) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(conn);
  const std::int64_t resident_id = it == clients_.end() ? 0 : it->second.in_call;
  auto v = views_.find(resident_id);
  if (!resident_id || v == views_.end()) throw Error(codes::kNotInCall);
  const Participant* self = v->second.find(who.id);
  if (!self || self->node != link_.node() || self->conn != conn || !v->second.find(to) ||
      to == who.id)
    throw Error(codes::kNotInCall);
  Access access;
  access.resident_id = resident_id;
  access.facility_id = v->second.facility_id;
  return access;
}

// ---- the call state

Call Hub::change(std::int64_t resident_id, const Change& fn,
                 const std::function<void(const Call&)>& before_push) {
  std::lock_guard serial(shard(resident_id));
  bool changed = false;
  CallState before = CallState::idle;
  Call after = db_.transaction([&](store::Connection& c) {
    Call call = call_repo::load_open(c, resident_id, true);
    before = call.state;
    changed = fn(c, call);
    if (!changed) return call;
    call_repo::bump_seq(c, call.id);
    return call_repo::load_call(c, call.id);
  });
  if (!changed) return after;
  if (before_push) before_push(after);
  apply(after);
  link_.broadcast(cluster::CallChanged{after});
  if (options_.on_call) {
    try {
      if (!open_state(before) && after.state == CallState::ringing)
        options_.on_call(after, CallEvent::started);
      else if (open_state(before) && !open_state(after.state))
        options_.on_call(after, before == CallState::ringing ? CallEvent::ended_unanswered
                                                             : CallEvent::ended_answered);
    } catch (const std::exception& e) {
      spdlog::warn("call news: {}", e.what());  // the call itself went through
    }
  }
  return after;
}

Participant Hub::here(std::int64_t account_id, std::uint64_t conn) const {
  Participant p;
  p.account_id = account_id;
  p.joined_at = clock_.now();
  p.node = link_.node();
  p.conn = conn;
  return p;
}

// The store is the authority: a node that never saw this call learns it here. `conn` is
// answered by the caller rather than pushed to.
Call Hub::screen_call(std::int64_t resident_id, std::uint64_t conn) {
  Call loaded =
      db_.with([&](store::Connection& c) { return call_repo::load_open(c, resident_id, false); });
  apply(loaded, conn);
  Call answer = loaded;
  {
    std::lock_guard lock(mutex_);
    auto v = views_.find(resident_id);
    if (v != views_.end() && newer(v->second, loaded)) answer = v->second;
  }
  if (!open_state(answer.state)) {
    answer = Call{};
    answer.resident_id = resident_id;
  }
  return answer;
}

void Hub::apply(const Call& call, std::uint64_t except) {
  Peers peers;
  {
    std::lock_guard lock(mutex_);
    auto v = views_.find(call.resident_id);
    if (v == views_.end()) {
      if (call.id == 0) return;
      v = views_.emplace(call.resident_id, Call{}).first;
    }
    Call& view = v->second;
    if (!newer(call, view)) return;
    // Which local connection speaks for each participant follows the call state: one that
    // was taken over (resume elsewhere) or left is no longer in the call.
    const std::string& me = link_.node();
    for (const auto& p : view.participants) {
      if (p.node != me) continue;
      auto it = clients_.find(p.conn);
      if (it == clients_.end() || it->second.in_call != call.resident_id) continue;
      const Participant* q = call.find(p.account_id);
      if (!q || q->node != me || q->conn != p.conn) it->second.in_call = 0;
    }
    for (const auto& p : call.participants) {
      if (p.node != me) continue;
      auto it = clients_.find(p.conn);
      if (it != clients_.end() && it->second.account->id == p.account_id)
        it->second.in_call = call.resident_id;
    }
    view = call;
    peers = watchers_locked(call.resident_id, false, except);
  }
  send_all(peers, protocol::call_message(call).dump());
  ring(call);
}

// ---- ringing

std::shared_ptr<const Hub::RingList> Hub::ring_list(const Call& call) {
  {
    std::lock_guard lock(mutex_);
    auto it = rings_.find(call.resident_id);
    if (it != rings_.end() && it->second->call_id == call.id) return it->second;
  }
  if (!open_state(call.state)) return nullptr;  // an end this process never rang
  auto list = std::make_shared<RingList>();
  list->call_id = call.id;
  db_.with([&](store::Connection& c) {
    list->accounts = live::repo::linked_account_ids(c, call.resident_id);
    if (auto r = live::repo::find_resident(c, call.resident_id)) {
      list->names.resident_name = r->display_name();  // as the home screen shows it
      if (auto f = live::repo::find_facility(c, r->facility_id))
        list->names.facility_name = f->name;
    }
  });
  std::lock_guard lock(mutex_);
  auto& slot = rings_[call.resident_id];
  if (!slot || slot->call_id <= call.id) slot = list;
  return slot;
}

void Hub::ring(const Call& call) {
  if (call.id == 0) return;
  std::shared_ptr<const RingList> list;
  try {
    list = ring_list(call);
  } catch (const std::exception& e) {
    spdlog::warn("call ring: {}", e.what());  // the call goes on; only the ring is missed
    return;
  }
  if (!list || list->call_id != call.id) return;
  std::vector<std::pair<std::shared_ptr<http::WsPeer>, std::int64_t>> to;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, client] : clients_) {
      const auto& people = list->accounts;
      if (std::find(people.begin(), people.end(), client.account->id) != people.end())
        to.emplace_back(client.peer, client.account->id);
    }
    if (!open_state(call.state)) {
      auto it = rings_.find(call.resident_id);
      if (it != rings_.end() && it->second->call_id == call.id) rings_.erase(it);
    }
  }
  for (const auto& [peer, account] : to)
    peer->send(protocol::ring_message(call, account, list->names).dump());
}

void Hub::ring_on_open(std::uint64_t conn, std::int64_t account_id) {
  auto residents = db_.with([&](store::Connection& c) {
    std::vector<Call> open;
    for (const auto& link : live::repo::linked_residents(c, account_id)) {
      Call call = call_repo::load_open(c, link.resident.id, false);
      if (call.id != 0 && open_state(call.state)) open.push_back(std::move(call));
    }
    return open;
  });
  for (const auto& loaded : residents) {
    Call call = loaded;
    {
      std::lock_guard lock(mutex_);
      auto v = views_.find(call.resident_id);
      if (v != views_.end() && newer(v->second, call)) call = v->second;
    }
    if (!open_state(call.state)) continue;
    auto list = ring_list(call);
    if (list) send(conn, protocol::ring_message(call, account_id, list->names));
  }
}

void Hub::close(std::uint64_t id) {
  Client gone;
  std::vector<std::int64_t> changed;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    stop_facility_watch_locked(id);
    gone = std::move(it->second);
    clients_.erase(it);
    changed = presence_.close(id);
  }
  if (gone.in_call) {
    try {
      leave_on_close(id, *gone.account, gone.in_call);
    } catch (const std::exception& e) {
      spdlog::warn("call grace on close: {}", e.what());
    }
  }
  presence_changed(changed);
}

void Hub::leave_on_close(std::uint64_t id, const pass::Account& who, std::int64_t resident_id) {
  const std::string& me = link_.node();
  change(resident_id, [&](store::Connection& c, Call& call) {
    Participant* p = call.find(who.id);
    // Already taken over by a newer connection (resume), or gone: nothing to do.
    if (call.id == 0 || !p || p->node != me || p->conn != id || !p->connected()) return false;
    if (options_.reconnect_grace_seconds <= 0) {
      CallMachine m(clock_);
      m.restore(call);
      call_repo::record_leave(c, m.leave(resident_id, who.id), clock_.now());
      return true;
    }
    p->grace_until = clock_.now() + options_.reconnect_grace_seconds;
    call_repo::place_participant(c, call.id, *p);
    return true;
  });
}

void Hub::expire(std::int64_t resident_id, std::int64_t account_id) {
  change(resident_id, [&](store::Connection& c, Call& call) {
    const Participant* p = call.find(account_id);
    if (call.id == 0 || !p || !p->grace_until || *p->grace_until > clock_.now()) return false;
    CallMachine m(clock_);
    m.restore(call);
    call_repo::record_leave(c, m.leave(resident_id, account_id),
                            clock_.now());  // exactly as `leave`
    return true;
  });
}

void Hub::mark_gone(std::int64_t resident_id, std::int64_t account_id, const std::string& node) {
  change(resident_id, [&](store::Connection& c, Call& call) {
    Participant* p = call.find(account_id);
    if (call.id == 0 || !p || p->node != node || !p->connected()) return false;
    // As if its connection had closed: the person may still resume on a node that runs.
    p->grace_until = clock_.now() + std::max<std::int64_t>(options_.reconnect_grace_seconds, 0);
    call_repo::place_participant(c, call.id, *p);
    return true;
  });
}

void Hub::remove_from_call(std::int64_t resident_id, std::int64_t account_id) {
  change(resident_id, [&](store::Connection& c, Call& call) {
    if (call.id == 0 || !call.find(account_id)) return false;
    CallMachine m(clock_);
    m.restore(call);
    call_repo::record_leave(c, m.leave(resident_id, account_id), clock_.now());
    return true;
  });
}

void Hub::end_call(std::int64_t resident_id) {
  change(resident_id, [&](store::Connection& c, Call& call) {
    if (call.id == 0) return false;
    CallMachine m(clock_);
    m.restore(call);
    call_repo::record_leave(c, m.end(resident_id), clock_.now());
    return true;
  });
}

// ---- connections whose access ended

void Hub::revoke(const auth::AccessEnded& access) {
  if (access.why == auth::AccessEnded::Why::access_changed && access.resident) {
    try {
      // Media flows browser to browser: the others drop their connections to whoever is no
      // longer in the call's state, so the state changes first.
      if (access.account)
        remove_from_call(access.resident, access.account);
      else
        end_call(access.resident);
    } catch (const std::exception& e) {
      spdlog::warn("call: taking a participant out after their access ended: {}", e.what());
    }
  }
  close_matching(access);
  link_.broadcast(cluster::Revoked{access});
}

void Hub::close_matching(const auth::AccessEnded& a) {
  const bool session = a.why == auth::AccessEnded::Why::session_ended;
  Peers closing;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, client] : clients_) {
      if (a.account && client.account->id != a.account) continue;
      if (session) {
        if (a.session && client.session_id != a.session) continue;
        if (a.keep_session && client.session_id == a.keep_session) continue;
      } else if (a.resident && client.in_call != a.resident &&
                 !presence_.watching(id, a.resident)) {
        continue;
      }
      closing.push_back(client.peer);
    }
  }
  const auto code = session ? protocol::kCloseSessionEnded : protocol::kCloseAccessChanged;
  for (const auto& peer : closing) peer->end(code);
}

void Hub::check_sessions(core::UnixSeconds now) {
  if (!options_.session_check) return;
  struct Due {
    std::uint64_t conn;
    std::int64_t session_id;
    bool in_call;
  };
  std::vector<Due> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, client] : clients_) {
      const bool limit_came = std::min(client.idle_until, client.absolute_until) <= now;
      const bool call_uses_it = client.in_call && client.idle_until - now <= kCallUseAhead &&
                                client.idle_until < client.absolute_until;
      if (limit_came || call_uses_it) due.push_back({id, client.session_id, client.in_call != 0});
    }
  }
  for (const auto& d : due) {
    std::optional<auth::Session> s;
    try {
      s = options_.session_check(d.session_id, d.in_call);
    } catch (const std::exception& e) {
      spdlog::warn("call: checking a connection's session: {}", e.what());
      continue;  // the store is away: ask again at the next tick
    }
    std::shared_ptr<http::WsPeer> peer;
    {
      std::lock_guard lock(mutex_);
      auto it = clients_.find(d.conn);
      if (it == clients_.end()) continue;
      if (s) {
        it->second.idle_until = s->last_seen_at + s->idle_timeout;
        it->second.absolute_until = s->absolute_expires_at;
        continue;
      }
      it->second.idle_until = it->second.absolute_until =
          std::numeric_limits<core::UnixSeconds>::max();
      peer = it->second.peer;
    }
    peer->end(protocol::kCloseSessionEnded);
  }
}

void Hub::tick() {
  const auto now = clock_.now();
  cluster::Heartbeat::Due due;
  std::vector<std::int64_t> forgotten;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    due = heartbeat_.due(now, link_.clustered());
    forgotten = presence_.expire();
  }
  auto found = db_.with(
      [&](store::Connection& c) { return cluster::sweep(c, link_.node(), now, due.beat); });
  for (const auto& seat : found.graces_over) {
    try {
      expire(seat.resident_id, seat.account_id);
    } catch (const std::exception& e) {
      spdlog::warn("call grace expiry: {}", e.what());
    }
  }
  for (const auto& seat : found.orphaned) {
    try {
      spdlog::info("call: node {} stopped; its participant {} waits for a resume", seat.node,
                   seat.account_id);
      mark_gone(seat.resident_id, seat.account_id, seat.node);
    } catch (const std::exception& e) {
      spdlog::warn("call participant of a stopped node: {}", e.what());
    }
  }
  if (due.snapshot) link_.broadcast(snapshot());
  push_presence(forgotten);
  check_sessions(now);
}

// ---- other nodes

void Hub::receive(const std::string& node, const cluster::Event& event) {
  if (const auto* e = std::get_if<cluster::CallChanged>(&event)) {
    apply(e->call);
  } else if (const auto* e = std::get_if<cluster::Signal>(&event)) {
    deliver(*e);
  } else if (const auto* e = std::get_if<cluster::PresenceChanged>(&event)) {
    {
      std::lock_guard lock(mutex_);
      presence_.update(node, e->resident_id, e->people);
    }
    push_presence({e->resident_id});
  } else if (const auto* e = std::get_if<cluster::Snapshot>(&event)) {
    std::vector<std::int64_t> residents;
    {
      std::lock_guard lock(mutex_);
      residents = presence_.replace(node, e->presence);
    }
    push_presence(residents);
  } else if (std::holds_alternative<cluster::Hello>(event)) {
    // A node (re)started or reconnected: it knows nobody's presence.
    link_.broadcast(snapshot());
  } else if (const auto* e = std::get_if<cluster::Revoked>(&event)) {
    close_matching(e->access);
  } else if (std::holds_alternative<cluster::Bye>(event)) {
    std::vector<std::int64_t> residents;
    {
      std::lock_guard lock(mutex_);
      residents = presence_.forget(node);
    }
    push_presence(residents);
  }
}

// A signal from another node for a connection here, if it still speaks for the target in
// that call.
void Hub::deliver(const cluster::Signal& signal) {
  std::shared_ptr<http::WsPeer> peer;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(signal.conn);
    if (it == clients_.end() || it->second.account->id != signal.to ||
        it->second.in_call != signal.resident_id)
      return;
    peer = it->second.peer;
  }
  peer->send(protocol::signal_message(signal.from, signal.data).dump());
}

void Hub::on_link_connected() {
  link_.broadcast(cluster::Hello{});
  link_.broadcast(snapshot());
  resync();
}

// After a (re)connection call events may have been missed: the store says what is current
// for every resident watched here.
void Hub::resync() {
  std::vector<std::int64_t> residents;
  {
    std::lock_guard lock(mutex_);
    residents = presence_.residents();
  }
  for (auto rid : residents) {
    try {
      Call loaded =
          db_.with([&](store::Connection& c) { return call_repo::load_open(c, rid, false); });
      Call stale;
      {
        std::lock_guard lock(mutex_);
        auto v = views_.find(rid);
        if (loaded.id == 0 && v != views_.end() && open_state(v->second.state)) {
          // The call we know ended while we were not listening.
          stale = v->second;
          stale.seq += 1;
          stale.state = CallState::ended;
          stale.participants.clear();
        }
      }
      apply(stale.id ? stale : loaded);
    } catch (const std::exception& e) {
      spdlog::warn("call resync: {}", e.what());
    }
  }
}

// ---- presence and sends

void Hub::send(std::uint64_t id, const json& msg) {
  std::shared_ptr<http::WsPeer> peer;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    peer = it->second.peer;
  }
  peer->send(msg.dump());
}

void Hub::send_all(const Peers& peers, const std::string& text) {
  for (const auto& p : peers) p->send(text);
}

Hub::Peers Hub::watchers_locked(std::int64_t resident_id, bool staff_only,
                                std::uint64_t except) const {
  Peers peers;
  for (auto conn : presence_.watchers(resident_id, staff_only, except)) {
    auto it = clients_.find(conn);
    if (it != clients_.end()) peers.push_back(it->second.peer);
  }
  return peers;
}

void Hub::presence_changed(const std::vector<std::int64_t>& residents) {
  for (auto rid : residents) {
    std::vector<Person> people;
    {
      std::lock_guard lock(mutex_);
      people = presence_.local(rid);
    }
    link_.broadcast(cluster::PresenceChanged{rid, std::move(people)});
  }
  push_presence(residents);
}

void Hub::push_presence(const std::vector<std::int64_t>& residents) {
  std::set<std::int64_t> done;
  for (auto rid : residents) {
    if (!done.insert(rid).second) continue;
    Peers peers;
    std::string text;
    {
      std::lock_guard lock(mutex_);
      peers = watchers_locked(rid, true);
      if (peers.empty()) continue;
      text = protocol::presence_message(rid, presence_.people(rid)).dump();
    }
    send_all(peers, text);
  }
  push_waiting(residents);
}

void Hub::push_waiting(const std::vector<std::int64_t>& residents) {
  {
    std::lock_guard lock(mutex_);
    if (facility_watchers_.empty()) return;
  }
  std::map<std::int64_t, std::set<std::int64_t>> by_facility;
  for (auto rid : residents) {
    try {
      if (auto fid = facility_of(rid)) by_facility[fid].insert(rid);
    } catch (const std::exception& e) {
      spdlog::warn("call waiting list: {}", e.what());  // only this update is missed
    }
  }
  for (const auto& [fid, rids] : by_facility) {
    Peers peers;
    protocol::Waiting list;
    {
      std::lock_guard lock(mutex_);
      auto w = facility_watchers_.find(fid);
      if (w == facility_watchers_.end()) continue;
      for (auto conn : w->second)
        if (auto it = clients_.find(conn); it != clients_.end()) peers.push_back(it->second.peer);
      for (auto rid : rids) list.emplace_back(rid, presence_.people(rid));
    }
    send_all(peers, protocol::waiting_message(fid, list, false).dump());
  }
}

protocol::Waiting Hub::waiting(std::int64_t facility_id) {
  std::vector<std::int64_t> residents;
  {
    std::lock_guard lock(mutex_);
    residents = presence_.present_residents();
  }
  std::erase_if(residents, [&](std::int64_t rid) { return facility_of(rid) != facility_id; });
  protocol::Waiting list;
  std::lock_guard lock(mutex_);
  for (auto rid : residents) {
    auto people = presence_.people(rid);
    if (!people.empty()) list.emplace_back(rid, std::move(people));
  }
  return list;
}

std::int64_t Hub::facility_of(std::int64_t resident_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = facility_of_.find(resident_id); it != facility_of_.end()) return it->second;
  }
  auto resident =
      db_.with([&](store::Connection& c) { return live::repo::find_resident(c, resident_id); });
  if (!resident) return 0;
  std::lock_guard lock(mutex_);
  facility_of_[resident_id] = resident->facility_id;
  return resident->facility_id;
}

void Hub::stop_facility_watch_locked(std::uint64_t conn) {
  auto it = clients_.find(conn);
  if (it == clients_.end() || !it->second.facility_watch) return;
  auto w = facility_watchers_.find(it->second.facility_watch);
  if (w != facility_watchers_.end()) {
    std::erase(w->second, conn);
    if (w->second.empty()) facility_watchers_.erase(w);
  }
  it->second.facility_watch = 0;
}

cluster::Snapshot Hub::snapshot() {
  std::lock_guard lock(mutex_);
  return {presence_.snapshot()};
}

}  // namespace carelive::calls
