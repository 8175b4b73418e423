// The handlers of the browser's messages (protocol.hpp), one per type. Each runs only after
// Hub::authorize() let its message through, on the worker pool, in order per connection.
#include <array>
#include <utility>

#include "calls/call_repo.hpp"
#include "calls/hub.hpp"
#include "core/error.hpp"

namespace carelive::calls {

using core::Error;
namespace codes = core::codes;

Hub::Handler Hub::handler_for(protocol::Type type) {
  using protocol::Type;
  static constexpr std::array<std::pair<Type, Handler>, 11> kHandlers{{
      {Type::watch, &Hub::on_watch},
      {Type::unwatch, &Hub::on_unwatch},
      {Type::start, &Hub::on_start},
      {Type::join, &Hub::on_join},
      {Type::resume, &Hub::on_resume},
      {Type::leave, &Hub::on_leave},
      {Type::end, &Hub::on_end},
      {Type::signal, &Hub::on_signal},
      {Type::media, &Hub::on_media},
      {Type::watch_facility, &Hub::on_watch_facility},
      {Type::unwatch_facility, &Hub::on_unwatch_facility},
  }};
  for (const auto& [t, handler] : kHandlers)
    if (t == type) return handler;
  return nullptr;
}

// The call screen opened: staff get the presence, everyone the call as it is.
void Hub::on_watch(const Context& ctx) {
  const auto resident_id = ctx.access.resident_id;
  const bool changed = watch(ctx);
  if (ctx.access.role == Role::staff) {
    nlohmann::json presence;
    {
      std::lock_guard lock(mutex_);
      presence = protocol::presence_message(resident_id, presence_.people(resident_id));
    }
    send(ctx.conn, presence);
  }
  if (changed) presence_changed({resident_id});
  send(ctx.conn, protocol::call_message(screen_call(resident_id, ctx.conn)));
}

void Hub::on_unwatch(const Context& ctx) {
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    if (!clients_.count(ctx.conn)) return;
    changed = presence_.unwatch(ctx.conn, ctx.access.resident_id);
  }
  if (changed) presence_changed({ctx.access.resident_id});
}

// Staff start a call and are its first participant.
void Hub::on_start(const Context& ctx) {
  if (in_call(ctx.conn)) throw Error(codes::kAlreadyInCall);
  watch(ctx);
  const auto resident_id = ctx.access.resident_id;
  change(
      resident_id,
      [&](store::Connection& c, Call& call) {
        CallMachine m(clock_);
        if (call.id) m.restore(call);
        auto t = m.start(ctx.access.facility_id, resident_id, ctx.who.id);  // call_in_progress
        // Another process started one at the same moment: the unique index decided.
        auto call_id = call_repo::insert_call(c, t.call);
        if (!call_id) throw Error(codes::kCallInProgress);
        call.id = *call_id;
        call_repo::insert_participant(c, call.id, here(ctx.who.id, ctx.conn));
        return true;
      },
      [&](const Call& after) { joined(ctx, after, {}, false); });
}

void Hub::on_join(const Context& ctx) { take_place(ctx, 0); }

void Hub::on_resume(const Context& ctx) {
  if (!ctx.req.call_id) throw Error(codes::kBadMessage);
  take_place(ctx, *ctx.req.call_id);
}

void Hub::take_place(const Context& ctx, std::int64_t resume_call_id) {
  const bool resume = resume_call_id != 0;
  const auto resident_id = ctx.access.resident_id;
  if (auto r = in_call(ctx.conn); r && r != resident_id) throw Error(codes::kAlreadyInCall);
  std::vector<std::int64_t> peers;
  change(
      resident_id,
      [&](store::Connection& c, Call& call) {
        Participant* p = call.find(ctx.who.id);
        if (resume && (call.id == 0 || call.id != resume_call_id || !p))
          throw Error(codes::kNoCall);
        CallMachine m(clock_);
        if (call.id) m.restore(call);
        if (p) {
          // Resume, or join by an account already inside (a reloaded page): this
          // connection takes the account's place; the open participant row stays.
          peers = m.rejoin(resident_id, ctx.who.id).peers;
          p->node = node();
          p->conn = ctx.conn;
          p->grace_until.reset();
          call_repo::place_participant(c, call.id, *p);
        } else {
          peers = m.join(resident_id, ctx.who.id).peers;  // no_call
          call_repo::insert_participant(c, call.id, here(ctx.who.id, ctx.conn));
        }
        return true;
      },
      [&](const Call& after) {
        watch(ctx);
        joined(ctx, after, peers, resume);
      });
}

void Hub::on_leave(const Context& ctx) {
  const auto resident_id = ctx.access.resident_id;
  if (in_call(ctx.conn) != resident_id) throw Error(codes::kNotInCall);
  change(resident_id, [&](store::Connection& c, Call& call) {
    const Participant* p = call.find(ctx.who.id);
    if (call.id == 0 || !p || p->node != node() || p->conn != ctx.conn)
      throw Error(codes::kNotInCall);
    CallMachine m(clock_);
    m.restore(call);
    call_repo::record_leave(c, m.leave(resident_id, ctx.who.id), clock_.now());
    return true;
  });
}

// Staff end the call for everyone.
void Hub::on_end(const Context& ctx) {
  const auto resident_id = ctx.access.resident_id;
  change(resident_id, [&](store::Connection& c, Call& call) {
    if (call.id == 0) throw Error(codes::kNoCall);
    CallMachine m(clock_);
    m.restore(call);
    call_repo::record_leave(c, m.end(resident_id), clock_.now());
    return true;
  });
}

// Relays an offer, answer or ICE candidate to the target's connection, here or on its node.
void Hub::on_signal(const Context& ctx) {
  const auto resident_id = ctx.access.resident_id;
  std::shared_ptr<http::WsPeer> local;
  std::string remote_node;
  std::uint64_t remote_conn = 0;
  {
    std::lock_guard lock(mutex_);
    auto v = views_.find(resident_id);
    const Participant* target = v == views_.end() ? nullptr : v->second.find(ctx.req.to);
    // In grace the target has no connection: nothing to relay to. Its client restarts ICE
    // after `resume`, which brings new offers.
    if (!target || !target->connected()) return;
    if (target->node == node()) {
      auto t = clients_.find(target->conn);
      if (t == clients_.end() || t->second.in_call != resident_id) return;
      local = t->second.peer;
    } else {
      remote_node = target->node;
      remote_conn = target->conn;
    }
  }
  if (local) {
    local->send(protocol::signal_message(ctx.who.id, ctx.req.data).dump());
  } else {
    link_.direct(remote_node,
                 cluster::Signal{remote_conn, ctx.req.to, resident_id, ctx.who.id, ctx.req.data});
  }
}

// A family member's call screen says whether their camera and microphone opened (SPEC 13: staff
// see why nobody joins yet). Staff's own devices are nobody's business but theirs.
void Hub::on_media(const Context& ctx) {
  if (ctx.access.role == Role::staff) return;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = presence_.set_media(ctx.conn, ctx.access.resident_id, ctx.req.problem);
  }
  if (changed) presence_changed({ctx.access.resident_id});
}

// Staff see who waits on a call screen, for every resident of the facility: the whole list
// now, then each change. A connection watches one facility's list at a time.
void Hub::on_watch_facility(const Context& ctx) {
  const auto fid = ctx.access.facility_id;
  {
    std::lock_guard lock(mutex_);
    stop_facility_watch_locked(ctx.conn);
    auto it = clients_.find(ctx.conn);
    if (it == clients_.end()) return;
    it->second.facility_watch = fid;
    facility_watchers_[fid].push_back(ctx.conn);
  }
  send(ctx.conn, protocol::waiting_message(fid, waiting(fid), true));
}

void Hub::on_unwatch_facility(const Context& ctx) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(ctx.conn);
  if (it != clients_.end() && it->second.facility_watch == ctx.access.facility_id)
    stop_facility_watch_locked(ctx.conn);
}

bool Hub::watch(const Context& ctx) {
  std::lock_guard lock(mutex_);
  if (!clients_.count(ctx.conn)) return false;
  facility_of_[ctx.access.resident_id] = ctx.access.facility_id;
  return presence_.watch(ctx.conn, ctx.access.resident_id,
                         {ctx.who.id, ctx.who.display_name(), ctx.access.kind, ""},
                         ctx.access.role == Role::staff);
}

void Hub::joined(const Context& ctx, const Call& call, const std::vector<std::int64_t>& peers,
                 bool resumed) {
  send(ctx.conn,
       protocol::joined_message(ctx.access.resident_id, call.id, ctx.who.id, peers, resumed));
}

std::int64_t Hub::in_call(std::uint64_t conn) const {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(conn);
  return it == clients_.end() ? 0 : it->second.in_call;
}

}  // namespace carelive::calls
