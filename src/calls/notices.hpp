#pragma once

#include <functional>

#include "calls/machine.hpp"
#include "core/clock.hpp"
#include "notify/templates.hpp"
#include "store/database.hpp"

namespace carelive::calls {

// Tells the resident's people by Web Push that a call started (「<facility>からビデオ通話です」,
// high urgency, one minute) and, when nobody answered, that it ended — the same topic, so the
// notice on their phones is replaced (SPEC 13). Queued as messages: never in the call's way.
class CallNotices {
 public:
  CallNotices(store::Database& db, const core::Clock& clock, const notify::Templates& templates,
              std::function<void()> notify_queued);
  // Returns how many devices were told.
  int tell(const Call& call, CallEvent event);

 private:
  store::Database& db_;
  const core::Clock& clock_;
  const notify::Templates& templates_;
  std::function<void()> notify_queued_;
};

}  // namespace carelive::calls
