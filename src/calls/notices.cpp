#include "calls/notices.hpp"

#include "live/repo.hpp"
#include "notify/push.hpp"
#include "push/subscriptions.hpp"

namespace carelive::calls {

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
    const auto devices = push::repo::ids_of(c, live::repo::linked_account_ids(c, call.resident_id));
    const auto notice =
        event == CallEvent::started
            ? templates_.push_call_started(facility->name, resident->display_name(), resident->id)
            : templates_.push_call_ended(facility->name, resident->display_name(), resident->id);
    return notify::enqueue_push(c, devices, notice, now);
  });
  if (told > 0 && notify_queued_) notify_queued_();
  return told;
}

}  // namespace carelive::calls
