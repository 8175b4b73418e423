#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "calls/machine.hpp"
#include "core/clock.hpp"
#include "notify/templates.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::calls {

// How far a call reached one of the resident's people (SPEC 13 "Staff see the reach").
struct ReachPerson {
  std::int64_t account_id = 0;
  std::string name;  // display name
  std::string kind;  // family | care_worker
  int devices = 0;   // devices that receive notices now (「通知を受け取る」 turned on)
  // The open call's notice: devices it went to, delivered to the push service, given up.
  int notified = 0, delivered = 0, failed = 0;
};

struct Reach {
  std::optional<Call> call;  // the resident's open call (ringing or active)
  std::vector<ReachPerson> people;
};

// Tells the resident's people by Web Push that a call started (「<facility>からビデオ通話です」,
// high urgency, one minute) and, when nobody answered, that it ended — the same topic, so the
// notice on their phones is replaced (SPEC 13). Queued as messages: never in the call's way.
// Which device was told of which call is kept (call_notices) so that staff see the reach.
class CallNotices {
 public:
  CallNotices(store::Database& db, const core::Clock& clock, const notify::Templates& templates,
              std::function<void()> notify_queued);
  // Returns how many devices were told.
  int tell(const Call& call, CallEvent event);
  // For staff of the facility (forbidden otherwise; not_found: not its resident): each of the
  // resident's people, the devices they receive notices on, and how the open call's notice went.
  Reach reach(const pass::Account& who, std::int64_t facility_id, std::int64_t resident_id);

 private:
  store::Database& db_;
  const core::Clock& clock_;
  const notify::Templates& templates_;
  std::function<void()> notify_queued_;
};

}  // namespace carelive::calls
