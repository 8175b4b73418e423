#include "retention.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "notify/repo.hpp"
#include "pass/repo.hpp"

namespace carelive::retention {

Purged purge(store::Database& db, const Settings& s, core::UnixSeconds now) {
  const auto before = [now](std::int64_t days) { return now - days * core::kDay; };
  return db.transaction([&](store::Connection& c) {
    Purged p;
    p.sessions = pass::repo::purge_ended_sessions(c, before(s.ended_sessions_days));
    p.links = pass::repo::purge_spent_links(c, before(s.spent_links_days));
    p.message_bodies = notify::repo::purge_bodies(c, before(s.message_bodies_days));
    if (s.audit_days > 0) p.audit_rows = audit::purge_before(c, before(s.audit_days));
    if (p.total() > 0)
      audit::record(c, now, audit::Actor::command_line(), "retention_purged",
                    {{"sessions", p.sessions},
                     {"links", p.links},
                     {"message_bodies", p.message_bodies},
                     {"audit_rows", p.audit_rows}});
    return p;
  });
}

}  // namespace carelive::retention
