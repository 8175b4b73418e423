#include "calls/notices.hpp"

#include <map>

#include "calls/call_repo.hpp"
#include "core/error.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "notify/push.hpp"
#include "push/subscriptions.hpp"
#include "store/rows.hpp"

namespace carelive::calls {

namespace sql {

constexpr const char* kInsertNotice =
    "INSERT INTO call_notices (call_id, account_id, message_id) VALUES (?, ?, ?)";
// Per linked account: the devices that receive notices now.
constexpr const char* kDevices =
    "SELECT s.account_id, COUNT(*) FROM push_subscriptions s "
    "JOIN links l ON l.account_id = s.account_id WHERE l.resident_id = ? GROUP BY s.account_id";
// Per account told of the call: devices told, delivered to their push service, given up.
constexpr const char* kNotices =
    "SELECT n.account_id, COUNT(*), "
    "SUM(CASE WHEN m.sent_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN m.abandoned_at IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM call_notices n LEFT JOIN messages m ON m.id = n.message_id "
    "WHERE n.call_id = ? GROUP BY n.account_id";

}  // namespace sql

using store::Columns;

CallNotices::CallNotices(store::Database& db, const core::Clock& clock,
                         const notify::Templates& templates, std::function<void()> notify_queued)
    : db_(db), clock_(clock), templates_(templates), notify_queued_(std::move(notify_queued)) {}

int CallNotices::tell(const Call& call, CallEvent event) {
  if (event == CallEvent::ended_answered) return 0;
  const auto now = clock_.now();
  const int told = db_.transaction([&](store::Connection& c) {
    auto resident = live::repo::find_resident(c, call.resident_id);
    auto facility = live::repo::find_facility(c, call.facility_id);
    if (!resident || !facility) return 0;
    const auto people = live::repo::linked_account_ids(c, call.resident_id);
    if (event == CallEvent::ended_unanswered) {
      return notify::enqueue_push(
          c, push::repo::ids_of(c, people),
          templates_.push_call_ended(facility->name, resident->display_name(), resident->id), now);
    }
    const auto notice =
        templates_.push_call_started(facility->name, resident->display_name(), resident->id);
    int n = 0;
    for (auto account : people) {
      for (auto device : push::repo::ids_of(c, {account})) {
        auto message = notify::enqueue(c, notify::push_message(device, notice), now);
        c.exec(sql::kInsertNotice, {call.id, account, message});
        ++n;
      }
    }
    return n;
  });
  if (told > 0 && notify_queued_) notify_queued_();
  return told;
}

Reach CallNotices::reach(const pass::Account& who, std::int64_t facility_id,
                         std::int64_t resident_id) {
  return db_.with([&](store::Connection& c) {
    live::require_facility(c, who, facility_id, live::Need::staff);
    auto resident = live::repo::find_resident(c, resident_id);
    if (!resident || resident->facility_id != facility_id)
      throw core::Error(core::codes::kNotFound);
    Reach out;
    Call open = call_repo::load_open(c, resident_id, false);
    if (open.id != 0) out.call = open;
    std::map<std::int64_t, int> devices;
    for (auto [account, n] : store::all_of(c.exec(sql::kDevices, {resident_id}), [](Columns& r) {
           auto account = r.integer();
           return std::pair{account, static_cast<int>(r.integer())};
         }))
      devices[account] = n;
    struct Told {
      int notified = 0, delivered = 0, failed = 0;
    };
    std::map<std::int64_t, Told> told;
    if (out.call) {
      for (const auto& [account, t] :
           store::all_of(c.exec(sql::kNotices, {open.id}), [](Columns& r) {
             auto account = r.integer();
             Told t;
             t.notified = static_cast<int>(r.integer());
             t.delivered = static_cast<int>(r.integer());
             t.failed = static_cast<int>(r.integer());
             return std::pair{account, t};
           }))
        told[account] = t;
    }
    for (const auto& p : live::repo::linked_people(c, resident_id)) {
      ReachPerson person;
      person.account_id = p.link.account_id;
      person.name = p.name;
      person.kind = p.link.kind;
      person.devices = devices[person.account_id];
      const Told& t = told[person.account_id];
      person.notified = t.notified;
      person.delivered = t.delivered;
      person.failed = t.failed;
      out.people.push_back(std::move(person));
    }
    return out;
  });
}

}  // namespace carelive::calls
