#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"

// The audit log (DESIGN.md "Security baseline": sign-ins, approvals, relationship and account
// changes): one row per change, written in the change's own transaction so that the log holds a
// change exactly when the change happened.

namespace carelive::audit {

// One row of the log, newest first when read.
struct Entry {
  core::UnixSeconds at = 0;
  std::optional<std::int64_t> account;
  std::string event;
  std::string address;
  std::string detail;  // JSON object
};

// Writes `event` by `actor` inside the caller's transaction `c`; `detail` is a JSON object
// naming what the change concerns (ids, kinds — never secrets or free text).
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const nlohmann::json& detail = nlohmann::json::object());
// A detail is built as JSON, never as text (which would be stored as one JSON string).
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const std::string& detail) = delete;
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const char* detail) = delete;

// The newest `limit` entries, newest first (`carelive admin audit`).
std::vector<Entry> newest(store::Connection& c, std::int64_t limit);

// Retention (`[retention] audit_days`): the entries older than `before` go; returns how many.
std::int64_t purge_before(store::Connection& c, core::UnixSeconds before);

}  // namespace carelive::audit
