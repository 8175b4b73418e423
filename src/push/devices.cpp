#include "push/devices.hpp"

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "push/endpoint.hpp"

namespace carelive::push {

Devices::Devices(store::Database& db, const core::Clock& clock, PushSettings settings)
    : db_(db), clock_(clock), settings_(std::move(settings)) {
  if (settings_.allowed_hosts.empty()) settings_.allowed_hosts = default_allowed_hosts();
}

std::int64_t Devices::subscribe(const audit::Actor& by, std::int64_t session_id,
                                const std::string& user_agent, const nlohmann::json& subscription) {
  if (!by.account) throw core::Error(core::codes::kUnauthenticated);
  Subscription s = parse_subscription(subscription, settings_.allowed_hosts, settings_.allow_http);
  s.account_id = *by.account;
  if (session_id) s.session_id = session_id;
  s.user_agent = user_agent.substr(0, 512);
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    const auto id = repo::save(c, s);
    audit::record(c, now, by, "push_subscribed", {{"subscription_id", id}});
    return id;
  });
}

bool Devices::unsubscribe(const audit::Actor& by, const std::string& endpoint) {
  if (!by.account) throw core::Error(core::codes::kUnauthenticated);
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    if (!repo::remove(c, *by.account, endpoint)) return false;
    audit::record(c, now, by, "push_unsubscribed");
    return true;
  });
}

std::vector<Subscription> Devices::of(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) { return repo::of_account(c, account_id); });
}

}  // namespace carelive::push
