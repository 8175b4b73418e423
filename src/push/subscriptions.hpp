#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/database.hpp"

// The devices that turned on 「通知を受け取る」 (SPEC 13): one browser PushSubscription per row
// of `push_subscriptions` (migration 0008), several per account.
namespace carelive::push {

struct Subscription {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::optional<std::int64_t> session_id;
  std::string endpoint;
  std::string p256dh;  // base64url of the browser's 65-byte P-256 public key
  std::string auth;    // base64url of its 16-byte auth secret
  std::string user_agent;
  core::UnixSeconds created_at = 0;
};

// A browser's PushSubscription.toJSON() (`{"endpoint", "keys": {"p256dh", "auth"}}`), checked:
// bad_request when a field is missing or the keys are not a P-256 point and a 16-byte secret in
// base64url; push_service_not_allowed when the endpoint is not https:// on an allowed host
// (endpoint_allowed). Only the subscription's fields are set.
Subscription parse_subscription(const nlohmann::json& body,
                                const std::vector<std::string>& allowed_hosts, bool allow_http);

namespace repo {
using store::Connection;

// Stores the subscription for its account; the same endpoint again (the browser subscribed
// anew, perhaps after another person logged in on it) replaces the old row. Returns its id.
std::int64_t save(Connection& c, const Subscription& s);
// Removes the account's subscription with that endpoint; false when there was none.
bool remove(Connection& c, std::int64_t account_id, const std::string& endpoint);
// Removes a subscription the push service no longer knows (404/410).
void remove_id(Connection& c, std::int64_t id);
// Removes every subscription (they were made for a VAPID key that is gone); how many.
std::int64_t remove_all(Connection& c);
std::optional<Subscription> find(Connection& c, std::int64_t id);
std::vector<Subscription> of_account(Connection& c, std::int64_t account_id);
// The ids of every subscription of these accounts (the people a notice goes to).
std::vector<std::int64_t> ids_of(Connection& c, const std::vector<std::int64_t>& accounts);
// The ids of every subscription of family and care-worker accounts (a new 案内).
std::vector<std::int64_t> ids_of_linked_accounts(Connection& c);
}  // namespace repo

}  // namespace carelive::push
