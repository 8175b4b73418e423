#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "notify/dispatcher.hpp"
#include "notify/seal.hpp"
#include "push/sender.hpp"
#include "push/vapid.hpp"
#include "store/database.hpp"

// Web Push notices (SPEC 13) as messages of the `push` channel: queued in the transaction of
// the change that caused them, one per device, and sent by the Dispatcher like emails — with
// retries, and never in the way of a request.
namespace carelive::notify {

// What a device shows: the notification's title and text, the page a tap opens, and its topic
// (RFC 8030 Topic: a pending notice with the same topic is replaced at the push service, and
// the service worker replaces a shown one with the same tag).
struct PushNotice {
  std::string title;
  std::string body;
  std::string url;    // a path of the web app: /live/residents/7/call
  std::string topic;  // ≤ 32 characters of the base64url alphabet; empty: none
  std::string urgency = "normal";
  std::int64_t ttl_seconds = 24 * 60 * 60;
};

// The `push` channel's message carrying `notice` to one subscription (what enqueue_push stores).
Message push_message(std::int64_t subscription_id, const PushNotice& notice);

// Queues `notice` for each of these subscriptions (push/subscriptions.hpp) on the caller's
// connection; returns how many were queued.
int enqueue_push(store::Connection& c, const std::vector<std::int64_t>& subscriptions,
                 const PushNotice& notice, core::UnixSeconds now);

// The installation's VAPID key pair: made by the first process that needs it, stored in the
// `settings` table sealed with the key derived from the server secret (so it is backed up with
// the store and useless without the secret), the same for every process.
push::VapidKey vapid_key(store::Database& db, const Sealer& sealer);

struct PushSettings {
  std::string contact;  // the VAPID `sub`: "mailto:…" or "https://…"
  push::SenderSettings sender;
  // Told each outcome: sent, gone, retry, rejected, expired (the metrics).
  std::function<void(std::string_view result)> on_result;
};

// The push channel's transport: encrypts each notice for its device (RFC 8291), signs a VAPID
// token per push service (RFC 8292, kept 12 hours), POSTs it (push::PushSender) with the TTL
// left, and removes a subscription the service answers 404/410 for. A notice past its TTL or
// for a device that turned notifications off is given up.
std::unique_ptr<Transport> make_push_transport(store::Database& db, const core::Clock& clock,
                                               push::VapidKey key, PushSettings settings);

}  // namespace carelive::notify
