#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "push/subscriptions.hpp"
#include "store/database.hpp"

namespace carelive::push {

// Where push messages may go (config `[push]`, docs/operations.md).
struct PushSettings {
  std::string contact;  // VAPID `sub`: "mailto:…" or "https://…"; default from the public URL
  std::vector<std::string> allowed_hosts;  // push services; default: default_allowed_hosts()
  bool allow_http = false;                 // tests with a local push service only
};

// The devices of an account that receive notices (「通知を受け取る」, SPEC 13): each browser
// subscribes with its PushSubscription and may unsubscribe; every change is audited.
class Devices {
 public:
  Devices(store::Database& db, const core::Clock& clock, PushSettings settings);

  // Stores the browser's PushSubscription.toJSON() for the account (parse_subscription's
  // errors); the same endpoint again replaces the old one. Returns the subscription's id.
  std::int64_t subscribe(const audit::Actor& by, std::int64_t session_id,
                         const std::string& user_agent, const nlohmann::json& subscription);
  // Removes the account's subscription with that endpoint; false when it had none.
  bool unsubscribe(const audit::Actor& by, const std::string& endpoint);
  std::vector<Subscription> of(std::int64_t account_id);

  const PushSettings& settings() const { return settings_; }

 private:
  store::Database& db_;
  const core::Clock& clock_;
  PushSettings settings_;
};

}  // namespace carelive::push
