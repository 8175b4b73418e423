#include "push/subscriptions.hpp"

#include "core/error.hpp"
#include "push/base64url.hpp"
#include "push/endpoint.hpp"
#include "store/rows.hpp"

namespace carelive::push {
namespace {

using store::Columns;

// A JSON string field, or bad_request.
std::string text_field(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) throw core::Error(core::codes::kBadRequest);
  return it->get<std::string>();
}

// `text` is base64url of exactly `bytes` bytes (and, for a public key, an uncompressed point).
void check_key(const std::string& text, std::size_t bytes, bool point) {
  auto raw = base64url_decode(text);
  if (!raw || raw->size() != bytes || (point && (*raw)[0] != '\x04'))
    throw core::Error(core::codes::kBadRequest);
}

constexpr std::size_t kMaxEndpointBytes = 2048;

}  // namespace

Subscription parse_subscription(const nlohmann::json& body,
                                const std::vector<std::string>& allowed_hosts, bool allow_http) {
  if (!body.is_object()) throw core::Error(core::codes::kBadRequest);
  Subscription s;
  s.endpoint = text_field(body, "endpoint");
  auto keys = body.find("keys");
  if (keys == body.end() || !keys->is_object()) throw core::Error(core::codes::kBadRequest);
  s.p256dh = text_field(*keys, "p256dh");
  s.auth = text_field(*keys, "auth");
  if (s.endpoint.size() > kMaxEndpointBytes) throw core::Error(core::codes::kBadRequest);
  check_key(s.p256dh, 65, true);
  check_key(s.auth, 16, false);
  if (!endpoint_allowed(s.endpoint, allowed_hosts, allow_http))
    throw core::Error(core::codes::kPushServiceNotAllowed);
  return s;
}

namespace repo {
namespace sql {

constexpr const char* kDeleteEndpoint = "DELETE FROM push_subscriptions WHERE endpoint = ?";
constexpr const char* kInsert =
    "INSERT INTO push_subscriptions (account_id, session_id, endpoint, p256dh, auth, user_agent, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kRemove =
    "DELETE FROM push_subscriptions WHERE account_id = ? AND endpoint = ?";
constexpr const char* kRemoveId = "DELETE FROM push_subscriptions WHERE id = ?";
constexpr const char* kRemoveAll = "DELETE FROM push_subscriptions";
constexpr const char* kFind =
    "SELECT id, account_id, session_id, endpoint, p256dh, auth, user_agent, created_at "
    "FROM push_subscriptions WHERE id = ?";
constexpr const char* kOfAccount =
    "SELECT id, account_id, session_id, endpoint, p256dh, auth, user_agent, created_at "
    "FROM push_subscriptions WHERE account_id = ? ORDER BY id";
constexpr const char* kIdsOfAccount =
    "SELECT id FROM push_subscriptions WHERE account_id = ? ORDER BY id";
constexpr const char* kIdsOfLinkedAccounts =
    "SELECT s.id FROM push_subscriptions s "
    "WHERE EXISTS (SELECT 1 FROM links l WHERE l.account_id = s.account_id) ORDER BY s.id";

}  // namespace sql

namespace {
Subscription read_subscription(Columns& r) {
  Subscription s;
  s.id = r.integer();
  s.account_id = r.integer();
  s.session_id = r.opt_integer();
  s.endpoint = r.text();
  s.p256dh = r.text();
  s.auth = r.text();
  s.user_agent = r.text();
  s.created_at = r.integer();
  return s;
}
}  // namespace

std::int64_t save(Connection& c, const Subscription& s) {
  c.exec(sql::kDeleteEndpoint, {s.endpoint});
  return c
      .exec(sql::kInsert, {s.account_id, store::nullable(s.session_id), s.endpoint, s.p256dh,
                           s.auth, s.user_agent, s.created_at})
      .first()
      .integer(0);
}

bool remove(Connection& c, std::int64_t account_id, const std::string& endpoint) {
  return c.exec(sql::kRemove, {account_id, endpoint}).affected > 0;
}

void remove_id(Connection& c, std::int64_t id) { c.exec(sql::kRemoveId, {id}); }

std::int64_t remove_all(Connection& c) { return c.exec(sql::kRemoveAll).affected; }

std::optional<Subscription> find(Connection& c, std::int64_t id) {
  return store::first_of(c.exec(sql::kFind, {id}), read_subscription);
}

std::vector<Subscription> of_account(Connection& c, std::int64_t account_id) {
  return store::all_of(c.exec(sql::kOfAccount, {account_id}), read_subscription);
}

std::vector<std::int64_t> ids_of(Connection& c, const std::vector<std::int64_t>& accounts) {
  std::vector<std::int64_t> ids;
  for (auto account : accounts)
    for (auto id : store::all_of(c.exec(sql::kIdsOfAccount, {account}),
                                 [](Columns& r) { return r.integer(); }))
      ids.push_back(id);
  return ids;
}

std::vector<std::int64_t> ids_of_linked_accounts(Connection& c) {
  return store::all_of(c.exec(sql::kIdsOfLinkedAccounts), [](Columns& r) { return r.integer(); });
}

}  // namespace repo
}  // namespace carelive::push
