#include "calls/call_repo.hpp"

#include "core/time_text.hpp"
#include "store/rows.hpp"

namespace carelive::calls::call_repo {

namespace sql {

constexpr const char* kSelectOpenCall =
    "SELECT id, facility_id, started_by, started_at, seq, ended_at, resident_id FROM calls "
    "WHERE resident_id = ? AND ended_at IS NULL";
// PostgreSQL: concurrent changes of this call (from any process) wait here.
constexpr const char* kSelectOpenCallForUpdate =
    "SELECT id, facility_id, started_by, started_at, seq, ended_at, resident_id FROM calls "
    "WHERE resident_id = ? AND ended_at IS NULL FOR UPDATE";
constexpr const char* kSelectCall =
    "SELECT id, facility_id, started_by, started_at, seq, ended_at, resident_id FROM calls "
    "WHERE id = ?";
constexpr const char* kSelectOpenParticipants =
    "SELECT p.account_id, p.joined_at, p.node, p.conn, p.grace_until, a.family_name, "
    "a.given_name FROM call_participants p JOIN accounts a ON a.id = p.account_id "
    "WHERE p.call_id = ? AND p.left_at IS NULL ORDER BY p.joined_at, p.id";

constexpr const char* kInsertCall =
    "INSERT INTO calls (facility_id, resident_id, started_by, started_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
constexpr const char* kInsertParticipant =
    "INSERT INTO call_participants (call_id, account_id, joined_at, node, conn) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kPlaceParticipant =
    "UPDATE call_participants SET node = ?, conn = ?, grace_until = ? "
    "WHERE call_id = ? AND account_id = ? AND left_at IS NULL";
constexpr const char* kLeaveParticipant =
    "UPDATE call_participants SET left_at = ? "
    "WHERE call_id = ? AND account_id = ? AND left_at IS NULL";
constexpr const char* kEndCall = "UPDATE calls SET ended_at = ? WHERE id = ?";
constexpr const char* kBumpSeq = "UPDATE calls SET seq = seq + 1 WHERE id = ?";

constexpr const char* kUpsertHeartbeat =
    "INSERT INTO call_nodes (node, seen_at) VALUES (?, ?) "
    "ON CONFLICT (node) DO UPDATE SET seen_at = excluded.seen_at";
constexpr const char* kDeleteHeartbeatsBefore = "DELETE FROM call_nodes WHERE seen_at < ?";
constexpr const char* kDeleteHeartbeat = "DELETE FROM call_nodes WHERE node = ?";
// Graces that ran out: ours, and those of nodes that stopped beating.
constexpr const char* kSelectGracesOver =
    "SELECT c.resident_id, p.account_id FROM call_participants p "
    "JOIN calls c ON c.id = p.call_id "
    "WHERE p.left_at IS NULL AND c.ended_at IS NULL AND p.grace_until IS NOT NULL "
    "AND p.grace_until <= ? AND (p.node = ? OR NOT EXISTS "
    "(SELECT 1 FROM call_nodes n WHERE n.node = p.node AND n.seen_at >= ?))";
// Connected participants held by a node that stopped beating (crashed, killed).
constexpr const char* kSelectSeatsOfSilentNodes =
    "SELECT c.resident_id, p.account_id, p.node FROM call_participants p "
    "JOIN calls c ON c.id = p.call_id "
    "WHERE p.left_at IS NULL AND c.ended_at IS NULL AND p.grace_until IS NULL "
    "AND p.node <> ? AND NOT EXISTS "
    "(SELECT 1 FROM call_nodes n WHERE n.node = p.node AND n.seen_at >= ?)";

// The partial unique index on calls(resident_id) WHERE ended_at IS NULL keeps this small.
constexpr const char* kCountOpen = "SELECT COUNT(*) FROM calls WHERE ended_at IS NULL";

constexpr const char* kParticipations =
    "SELECT r.family_name, r.given_name, f.name, c.started_at, c.ended_at, p.joined_at, "
    "p.left_at FROM call_participants p JOIN calls c ON c.id = p.call_id JOIN residents r ON "
    "r.id = c.resident_id JOIN facilities f ON f.id = c.facility_id WHERE p.account_id = ? "
    "ORDER BY p.id";

}  // namespace sql

namespace {

// Row of kSelectOpenParticipants.
Participant participant_from(const store::Row& row) {
  Participant p;
  p.account_id = row.integer(0);
  p.joined_at = row.integer(1);
  p.node = row.opt_text(2).value_or("");
  p.conn = static_cast<std::uint64_t>(row.opt_integer(3).value_or(0));
  p.grace_until = row.opt_integer(4);
  p.name = row.text(5) + " " + row.text(6);
  return p;
}

// Row of kSelectCall or kSelectOpenCall, without its participants.
Call call_from(const store::Row& row) {
  Call call;
  call.id = row.integer(0);
  call.facility_id = row.integer(1);
  call.started_by = row.integer(2);
  call.started_at = row.integer(3);
  call.seq = row.integer(4);
  call.ended_at = row.opt_integer(5);
  call.resident_id = row.integer(6);
  return call;
}

// The state follows from the row and, while the call is open, from its participants.
Call with_participants(Connection& c, Call call) {
  if (call.ended_at) {
    call.state = CallState::ended;
    return call;
  }
  for (const auto& row : c.exec(sql::kSelectOpenParticipants, {call.id}).rows)
    call.participants.push_back(participant_from(row));
  call.state = call.participants.size() >= 2 ? CallState::active : CallState::ringing;
  return call;
}

}  // namespace

Call load_open(Connection& c, std::int64_t resident_id, bool lock) {
  const bool for_update = lock && c.dialect() == store::Dialect::postgres;
  auto r = c.exec(for_update ? sql::kSelectOpenCallForUpdate : sql::kSelectOpenCall, {resident_id});
  if (r.empty()) {
    Call idle;
    idle.resident_id = resident_id;
    return idle;
  }
  return with_participants(c, call_from(r.first()));
}

Call load_call(Connection& c, std::int64_t call_id) {
  return with_participants(c, call_from(c.exec(sql::kSelectCall, {call_id}).first()));
}

std::optional<std::int64_t> insert_call(Connection& c, const Call& call) {
  try {
    return c
        .exec(sql::kInsertCall,
              {call.facility_id, call.resident_id, call.started_by, call.started_at})
        .first()
        .integer(0);
  } catch (const store::DbError& e) {
    if (e.kind() == store::DbError::Kind::unique_violation) return std::nullopt;
    throw;
  }
}

void insert_participant(Connection& c, std::int64_t call_id, const Participant& p) {
  c.exec(sql::kInsertParticipant,
         {call_id, p.account_id, p.joined_at, p.node, static_cast<std::int64_t>(p.conn)});
}

void place_participant(Connection& c, std::int64_t call_id, const Participant& p) {
  c.exec(sql::kPlaceParticipant, {p.node, static_cast<std::int64_t>(p.conn),
                                  store::nullable(p.grace_until), call_id, p.account_id});
}

void record_leave(Connection& c, const Transition& t, core::UnixSeconds now) {
  for (auto account : t.left) c.exec(sql::kLeaveParticipant, {now, t.call.id, account});
  if (t.ended) c.exec(sql::kEndCall, {*t.call.ended_at, t.call.id});
}

void bump_seq(Connection& c, std::int64_t call_id) { c.exec(sql::kBumpSeq, {call_id}); }

void write_heartbeat(Connection& c, const std::string& node, core::UnixSeconds now) {
  c.exec(sql::kUpsertHeartbeat, {node, now});
}

void forget_heartbeats(Connection& c, core::UnixSeconds before) {
  c.exec(sql::kDeleteHeartbeatsBefore, {before});
}

void forget_heartbeat(Connection& c, const std::string& node) {
  c.exec(sql::kDeleteHeartbeat, {node});
}

std::vector<Seat> graces_over(Connection& c, const std::string& node, core::UnixSeconds now,
                              core::UnixSeconds stale_before) {
  std::vector<Seat> seats;
  for (const auto& row : c.exec(sql::kSelectGracesOver, {now, node, stale_before}).rows)
    seats.push_back({row.integer(0), row.integer(1), {}});
  return seats;
}

std::vector<Seat> seats_of_silent_nodes(Connection& c, const std::string& node,
                                        core::UnixSeconds stale_before) {
  std::vector<Seat> seats;
  for (const auto& row : c.exec(sql::kSelectSeatsOfSilentNodes, {node, stale_before}).rows)
    seats.push_back({row.integer(0), row.integer(1), row.text(2)});
  return seats;
}

std::int64_t count_open(Connection& c) { return c.exec(sql::kCountOpen).first().integer(0); }

namespace {

nlohmann::json when(const std::optional<core::UnixSeconds>& t) {
  return t ? nlohmann::json(core::iso8601(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json participations(Connection& c, std::int64_t account_id) {
  return store::all_of(c.exec(sql::kParticipations, {account_id}), [](store::Columns& r) {
    auto family = r.text();
    const auto resident = family + " " + r.text();
    return nlohmann::json{{"resident", resident},
                          {"facility", r.text()},
                          {"started_at", core::iso8601(r.integer())},
                          {"ended_at", when(r.opt_integer())},
                          {"joined_at", core::iso8601(r.integer())},
                          {"left_at", when(r.opt_integer())}};
  });
}

}  // namespace carelive::calls::call_repo
