#pragma once

#include <cstdint>

#include "core/clock.hpp"
#include "store/database.hpp"

// Retention (SPEC 15, `[retention]`): what is kept no longer than it is needed. A periodic purge
// in serve() (every `interval_seconds`, safe with several processes: each statement deletes or
// blanks what is past its day) removes sessions that ended, links that were used or expired,
// the bodies of messages that were sent or given up, and, when `audit_days` is set, audit rows.
namespace carelive::retention {

struct Settings {
  std::int64_t ended_sessions_days = 30;  // sessions past their idle or absolute limit
  std::int64_t spent_links_days = 30;     // reset / contact-change links, sign-ups: used or expired
  std::int64_t message_bodies_days = 90;  // emails and SMS sent or given up: the body is blanked
  std::int64_t audit_days = 0;            // 0: audit rows are kept
  std::int64_t interval_seconds = 3600;
};

struct Purged {
  std::int64_t sessions = 0, links = 0, message_bodies = 0, audit_rows = 0;
  std::int64_t total() const { return sessions + links + message_bodies + audit_rows; }
};

// One purge at `now`, in one transaction; audited as `retention_purged` with the counts when
// anything went.
Purged purge(store::Database& db, const Settings& s, core::UnixSeconds now);

}  // namespace carelive::retention
