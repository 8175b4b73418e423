#include "notify/push.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>

#include "notify/message.hpp"
#include "push/base64url.hpp"
#include "push/encrypt.hpp"
#include "push/subscriptions.hpp"
#include "store/settings.hpp"

namespace carelive::notify {
namespace {

using nlohmann::json;

constexpr const char* kVapidSetting = "push.vapid_private_key";
// A token is made for 12 hours and used for 11, so none that goes out is about to expire.
constexpr std::int64_t kTokenLifetime = 12 * core::kHour;
constexpr std::int64_t kTokenReuse = 11 * core::kHour;

class PushTransport final : public Transport {
 public:
  PushTransport(store::Database& db, const core::Clock& clock, push::VapidKey key,
                PushSettings settings)
      : db_(db),
        clock_(clock),
        key_(std::move(key)),
        settings_(std::move(settings)),
        sender_(settings_.sender) {}

  void send(const Message& m) override {
    const json notice = json::parse(m.body);
    const core::UnixSeconds now = clock_.now();
    const std::int64_t ttl = notice.at("ttl").get<std::int64_t>() - (now - m.created_at);
    if (ttl <= 0) {
      told("expired");
      throw GiveUp("past its TTL before it could be sent");
    }
    const auto id = std::stoll(m.to);
    auto device = db_.with([&](store::Connection& c) { return push::repo::find(c, id); });
    if (!device) throw GiveUp("the device turned notifications off");

    const json payload = {{"title", notice.at("title")},
                          {"body", notice.at("body")},
                          {"url", notice.at("url")},
                          {"tag", m.subject}};
    push::PushRequest request;
    request.endpoint = device->endpoint;
    request.body = push::encrypt(payload.dump(), *push::base64url_decode(device->p256dh),
                                 *push::base64url_decode(device->auth));
    // The token is judged by the push service against real time, whatever clock runs here.
    request.authorization = authorization(device->endpoint, push::system_unix_now());
    request.ttl_seconds = static_cast<int>(ttl);
    request.urgency = notice.at("urgency").get<std::string>();
    request.topic = m.subject;
    const auto outcome = sender_.send(request);
    using Kind = push::PushOutcome::Kind;
    switch (outcome.kind) {
      case Kind::delivered:
        told("sent");
        return;
      case Kind::gone:
        told("gone");
        db_.with([&](store::Connection& c) { push::repo::remove_id(c, id); });
        throw GiveUp("the push service no longer knows the device (" + outcome.detail + ")");
      case Kind::retry:
        told("retry");
        throw RetryAfter(outcome.detail, outcome.retry_after_seconds);
      case Kind::rejected:
        told("rejected");
        throw GiveUp("refused by the push service (" + outcome.detail + ")");
    }
  }

 private:
  void told(std::string_view result) const {
    if (settings_.on_result) settings_.on_result(result);
  }

  // The Authorization header for the endpoint's push service, its token reused for 11 hours.
  std::string authorization(const std::string& endpoint, core::UnixSeconds now) {
    auto origin = push::endpoint_origin(endpoint);
    if (!origin) throw GiveUp("the device's endpoint is not a URL");
    auto& token = tokens_[*origin];
    if (token.header.empty() || now >= token.made_at + kTokenReuse) {
      token.header = push::vapid_authorization(
          key_, push::vapid_jwt(key_, *origin, settings_.contact, now + kTokenLifetime, now));
      token.made_at = now;
    }
    return token.header;
  }

  struct Token {
    std::string header;
    core::UnixSeconds made_at = 0;
  };
  store::Database& db_;
  const core::Clock& clock_;
  push::VapidKey key_;
  PushSettings settings_;
  push::PushSender sender_;
  std::map<std::string, Token> tokens_;  // push service origin → its token
};

}  // namespace

Message push_message(std::int64_t subscription_id, const PushNotice& notice) {
  return Message{Channel::push, std::to_string(subscription_id), notice.topic,
                 json{{"title", notice.title},
                      {"body", notice.body},
                      {"url", notice.url},
                      {"urgency", notice.urgency},
                      {"ttl", notice.ttl_seconds}}
                     .dump()};
}

int enqueue_push(store::Connection& c, const std::vector<std::int64_t>& subscriptions,
                 const PushNotice& notice, core::UnixSeconds now) {
  for (auto id : subscriptions) enqueue(c, push_message(id, notice), now);
  return static_cast<int>(subscriptions.size());
}

push::VapidKey vapid_key(store::Database& db, const Sealer& sealer) {
  for (;;) {
    auto stored =
        db.with([&](store::Connection& c) { return store::read_setting(c, kVapidSetting); });
    const auto offer = sealer.seal(push::VapidKey::generate().private_bytes());
    if (!stored) {
      // Each process that finds none offers a new one; the first to write it is everyone's.
      if (db.with([&](store::Connection& c) {
            return store::setting_once(c, kVapidSetting, offer);
          }) == offer)
        spdlog::info("push: made the installation's VAPID key");
      continue;
    }
    try {
      return push::VapidKey::from_private(sealer.open(*stored));
    } catch (const std::exception&) {
      // Sealed under an earlier server secret (rotated, docs/backup.md): a new key, and the
      // devices subscribed under the old one cannot be reached any more — their browsers
      // subscribe again (the app compares the key). One process makes the change.
      db.transaction([&](store::Connection& c) {
        if (!store::replace_setting(c, kVapidSetting, *stored, offer)) return;
        const auto dropped = push::repo::remove_all(c);
        spdlog::warn(
            "push: the server secret changed, so the VAPID key was made anew; {} device(s) must "
            "turn notifications on again (the app does it when it is next opened)",
            dropped);
      });
    }
  }
}

std::unique_ptr<Transport> make_push_transport(store::Database& db, const core::Clock& clock,
                                               push::VapidKey key, PushSettings settings) {
  return std::make_unique<PushTransport>(db, clock, std::move(key), std::move(settings));
}

}  // namespace carelive::notify
