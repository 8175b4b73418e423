#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // What it concerns, for the facility's search (SPEC 15): from the detail's "facility_id" and
  // "resident_id".
  std::optional<std::int64_t> facility;
  std::optional<std::int64_t> resident;
  std::int64_t id = 0;  // when read
};

// Writes `event` by `actor` inside the caller's transaction `c`; `detail` is a JSON object
// naming what the change concerns (ids, kinds — never secrets or free text). Its
// "facility_id" and "resident_id", when given, also go to the row's own columns: the facility
// admin finds the row by them.
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const nlohmann::json& detail = nlohmann::json::object());
// A detail is built as JSON, never as text (which would be stored as one JSON string).
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const std::string& detail) = delete;
void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const char* detail) = delete;

// The newest `limit` entries, newest first.
std::vector<Entry> newest(store::Connection& c, std::int64_t limit);

// Where a page of a search ends: the next page starts after this row (newest first).
struct Cursor {
  core::UnixSeconds at = 0;
  std::int64_t id = 0;

  std::string text() const;  // "<at>.<id>", for the next page's link
  static std::optional<Cursor> parse(std::string_view text);
};

// A search of the log (SPEC 15): every filter optional; newest first, a page at a time. Each
// page is one walk down an index from its cursor, however deep: 1,000,000 rows stay fast.
struct Query {
  std::optional<std::int64_t> facility;               // none: every facility (the operator)
  std::optional<std::vector<std::int64_t>> accounts;  // the person; empty: nobody matches
  std::optional<std::int64_t> resident;
  std::vector<std::string> events;                // empty: any event
  std::optional<core::UnixSeconds> since, until;  // [since, until)
  std::optional<Cursor> after;                    // the previous page's end
  std::int64_t limit = 50;
};

struct Page {
  std::vector<Entry> entries;
  std::optional<Cursor> next;  // none: this was the last page
};

Page search(store::Connection& c, const Query& q);

// Retention (`[retention] audit_days`): the entries older than `before` go; returns how many.
std::int64_t purge_before(store::Connection& c, core::UnixSeconds before);

}  // namespace carelive::audit
