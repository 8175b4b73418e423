#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/access_log.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::live {

// Access records (SPEC 15, MHLW guideline 6.0): the audit log as a facility admin searches it —
// by person, resident, event and period, newest first, a page at a time — and downloads it as
// CSV; the operator does the same across facilities, and `carelive admin audit` on the command
// line. Each search is itself recorded.

// An event the search offers, with what the console and the CSV call it.
struct AccessEvent {
  const char* code;
  const char* ja;
  const char* en;
  bool read;  // a read of a resident's data (the rest are changes and sign-ins)
};
const std::vector<AccessEvent>& access_events();
// The Japanese name of `event` (the CSV's), or the code itself for one not in the list.
std::string access_event_ja(const std::string& event);

struct AccessFilter {
  std::string person;  // part of a name, furigana, email or phone; empty: anyone
  std::optional<std::int64_t> resident;
  std::string event;  // one code; "read" / "change": every read / every other event; empty: any
  std::optional<core::UnixSeconds> since, until;
  std::optional<audit::Cursor> after;
  std::int64_t limit = 50;
};

struct AccessRow {
  audit::Entry entry;
  std::string person_name;  // empty: none (the command line, an anonymous request)
  std::string person_login;
  bool person_left = false;  // the account was deleted (「退会したユーザー」)
  std::string resident_name;
  std::string facility_name;
};

struct AccessPage {
  std::vector<AccessRow> rows;
  std::optional<audit::Cursor> next;
};

// What a CSV download holds: the file, and whether it stopped at kCsvRows.
struct AccessCsv {
  std::string body;
  std::int64_t rows = 0;
  bool truncated = false;
};

class AccessRecords {
 public:
  static constexpr std::int64_t kCsvRows = 100'000;

  AccessRecords(store::Database& db, const core::Clock& clock, audit::AccessLog& log);

  // `facility_id`: that facility's rows, for its admins (and the operator); `operator_console`:
  // the operator's search, of every facility when `facility_id` is none. The search is recorded
  // as `access_records_viewed`, the download as `access_records_downloaded`.
  AccessPage search(const pass::Account& who, std::optional<std::int64_t> facility_id,
                    const AccessFilter& filter, const audit::Actor& by,
                    bool operator_console = false);
  AccessCsv csv(const pass::Account& who, std::optional<std::int64_t> facility_id,
                const AccessFilter& filter, const audit::Actor& by, bool operator_console = false);
  core::UnixSeconds now() const { return clock_.now(); }
  // `carelive admin audit --csv`: no account, every row the filter takes.
  AccessCsv csv_for_command_line(std::optional<std::int64_t> facility_id,
                                 const AccessFilter& filter);
  // The same rows, for the command line's tab-separated lines.
  AccessPage page_for_command_line(std::optional<std::int64_t> facility_id,
                                   const AccessFilter& filter);

 private:
  void authorize(const pass::Account& who, std::optional<std::int64_t> facility_id,
                 bool operator_console);
  AccessPage page(std::optional<std::int64_t> facility_id, const AccessFilter& filter);
  AccessCsv render_csv(std::optional<std::int64_t> facility_id, AccessFilter filter);

  store::Database& db_;
  const core::Clock& clock_;
  audit::AccessLog& log_;
};

// A staff read of residents' data (SPEC 15): one access record per resident it showed (so that
// the search by resident finds every read), none when it showed none.
void viewed(audit::AccessLog& log, const audit::Actor& by, const char* event,
            std::int64_t facility_id, const std::set<std::int64_t>& residents);
// A read of the facility's own lists (residents, staff): one record for the facility.
void viewed(audit::AccessLog& log, const audit::Actor& by, const char* event,
            std::int64_t facility_id);

// "2026-12-04" as the start of that day in Japan (UTC+9, no daylight saving); nullopt when it is
// no such date. The search's period takes days, both ends included.
std::optional<core::UnixSeconds> jst_day_start(const std::string& text);

// One CSV field (RFC 4180), safe to open in a spreadsheet: quoted when needed, and a leading
// =, +, -, @, tab or carriage return made text (OWASP "CSV injection").
std::string csv_field(const std::string& text);

}  // namespace carelive::live
