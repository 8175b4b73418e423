#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calls/machine.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"

// The hub's rows in the store (migrations 0003 and 0005): the call log (`calls`,
// `call_participants`), which is the authority for a resident's call, and the heartbeats of the
// server processes (`call_nodes`). All of the hub's SQL is here; the hub calls these inside
// its transactions.
namespace carelive::calls::call_repo {

using store::Connection;

// The resident's open call with its open participants, in join order; an idle call (id 0)
// when there is none. `lock`: concurrent changes of this call, from any process, wait for this
// transaction (PostgreSQL `FOR UPDATE`; SQLite's BEGIN IMMEDIATE already holds the one write
// lock).
Call load_open(Connection& c, std::int64_t resident_id, bool lock);
// The call with this id; its open participants unless it has ended.
Call load_call(Connection& c, std::int64_t call_id);

// Calls started and not ended, of every resident (ringing or in progress): the metric
// carelive_calls_active.
std::int64_t count_open(Connection& c);

// Records a started call; nullopt when the resident already has an open one (the partial
// unique index decided, even against another process).
std::optional<std::int64_t> insert_call(Connection& c, const Call& call);
void insert_participant(Connection& c, std::int64_t call_id, const Participant& p);
// Writes where the participant's connection is now (node, conn) and its reconnect grace.
void place_participant(Connection& c, std::int64_t call_id, const Participant& p);
// Writes what a leave or an end did: who left at `now`, and the end of the call.
void record_leave(Connection& c, const Transition& t, core::UnixSeconds now);
// Every recorded change bumps the call's seq, which orders its events between processes.
void bump_seq(Connection& c, std::int64_t call_id);

// A participant's place as the heartbeat sweep sees it.
struct Seat {
  std::int64_t resident_id = 0;
  std::int64_t account_id = 0;
  std::string node;  // only for seats_of_silent_nodes
};

// This node is alive at `now`.
void write_heartbeat(Connection& c, const std::string& node, core::UnixSeconds now);
// Forgets the heartbeats older than `before` (nodes long gone).
void forget_heartbeats(Connection& c, core::UnixSeconds before);
// A node that stops cleanly forgets its own heartbeat.
void forget_heartbeat(Connection& c, const std::string& node);
// Graces that ran out by `now`: those of `node`'s participants, and those of nodes without a
// heartbeat since `stale_before`.
std::vector<Seat> graces_over(Connection& c, const std::string& node, core::UnixSeconds now,
                              core::UnixSeconds stale_before);
// Connected participants held by other nodes without a heartbeat since `stale_before`
// (crashed, killed).
std::vector<Seat> seats_of_silent_nodes(Connection& c, const std::string& node,
                                        core::UnixSeconds stale_before);

// Personal data (SPEC 15): the calls `account_id` took part in, oldest first, as JSON
// ({"resident", "facility", "started_at", "ended_at", "joined_at", "left_at"}).
nlohmann::json participations(Connection& c, std::int64_t account_id);

}  // namespace carelive::calls::call_repo
