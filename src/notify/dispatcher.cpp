#include "notify/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "notify/mime.hpp"
#include "notify/repo.hpp"

namespace carelive::notify {
namespace {

// A claim outlives the longest send (transport timeouts are 30 s by default); if a process
// dies holding one, the message is sent by someone else once it runs out (at-least-once), or
// at once by a dispatcher on the same host that sees the process is gone.
constexpr std::int64_t kClaimSeconds = 120;
// Links in messages are valid 24 hours (SPEC 2, 6, 9): a link message not delivered by then is
// of no use, and keeping its sealed body would only keep a token around.
constexpr std::int64_t kLinkLifetime = core::kDay;
constexpr std::int64_t kFirstRetry = 30;
constexpr std::int64_t kMaxRetry = core::kHour;
constexpr int kBatch = 50;
constexpr std::size_t kMaxErrorBytes = 500;
// Real time between looks at the table when nobody calls wake(): another process may have
// queued something, or a retry may have come due.
constexpr auto kPollInterval = std::chrono::seconds(2);

// 30 s, 1 min, 2 min, 4 min … capped at 1 hour, by the number of failed attempts so far.
std::int64_t retry_delay(int failures) {
  const int doublings = std::clamp(failures - 1, 0, 20);
  return std::min(kMaxRetry, kFirstRetry << doublings);
}

}  // namespace

Dispatcher::Dispatcher(store::Database& db, const core::Clock& clock,
                       std::unique_ptr<Transport> email, std::unique_ptr<Transport> sms,
                       DispatcherIdentity identity)
    : db_(db),
      clock_(clock),
      email_(std::move(email)),
      sms_(std::move(sms)),
      identity_(std::move(identity)),
      owner_(identity_.owner.to_string()) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  {
    // Set under the mutex, so the loop cannot miss it between its check and its wait.
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::loop() {
  while (!stopping_) {
    try {
      run_once();
    } catch (const std::exception& e) {
      spdlog::error("notify: dispatcher pass failed: {}", e.what());
    } catch (...) {
      spdlog::error("notify: dispatcher pass failed with an unknown exception");
    }
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, kPollInterval, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

void Dispatcher::release_stale_claims(core::UnixSeconds now) {
  const auto owners =
      db_.with([&](store::Connection& c) { return repo::claim_owners(c, now, owner_); });
  for (const auto& text : owners) {
    const auto other = ClaimOwner::parse(text);
    if (!other || !certainly_gone(identity_.owner, *other)) continue;
    const auto n = db_.with([&](store::Connection& c) { return repo::release_claims(c, text); });
    if (n > 0) spdlog::info("notify: released {} message(s) claimed by a gone process", n);
  }
}

Dispatcher::Outcome Dispatcher::deliver(Message& m, const std::string& channel) {
  try {
    Transport* transport = channel == "email"  ? email_.get()
                           : channel == "sms"  ? sms_.get()
                           : channel == "push" ? push_.get()
                                               : nullptr;
    if (!transport) throw std::runtime_error("no transport for channel '" + channel + "'");
    if (!m.sealed.empty()) m.body = identity_.sealer.open(m.sealed);
    m.installation = identity_.installation;
    transport->send(m);
    return {};
  } catch (const GiveUp& e) {
    return {e.what()[0] ? e.what() : "given up", true, 0};
  } catch (const RetryAfter& e) {
    return {e.what()[0] ? e.what() : "asked to wait", false, e.seconds};
  } catch (const std::exception& e) {
    return {e.what()[0] ? e.what() : "send failed"};
  } catch (...) {
    return {"send failed with an unknown exception"};
  }
}

int Dispatcher::run_once() {
  // One time for the whole pass: a message that fails now is due again only after `now`, so
  // the pass ends even when every send fails.
  const core::UnixSeconds now = clock_.now();
  release_stale_claims(now);
  int delivered = 0;
  for (;;) {
    const auto ids = db_.with([&](store::Connection& c) { return repo::due_ids(c, now, kBatch); });
    int claimed = 0;
    for (const std::int64_t id : ids) {
      if (stopping_) return delivered;
      // The claim's own time: a long pass must not hand out claims that are already over.
      const core::UnixSeconds at = std::max(now, clock_.now());
      auto stored = db_.with([&](store::Connection& c) {
        return repo::claim(c, id, now, at + kClaimSeconds, owner_);
      });
      if (!stored) continue;  // another dispatcher was first
      ++claimed;
      if (!stored->message.sealed.empty() && at >= stored->created_at + kLinkLifetime) {
        db_.with([&](store::Connection& c) {
          repo::mark_abandoned(c, id, "the link expired before the message was delivered", at);
        });
        spdlog::warn("notify: {} message {} given up: its link expired", stored->channel, id);
        continue;
      }
      // Sent outside any transaction: a slow server holds no lock on the table.
      const Outcome outcome = deliver(stored->message, stored->channel);
      const std::string& error = outcome.error;
      const core::UnixSeconds done = clock_.now();
      try {
        if (error.empty()) {
          db_.with([&](store::Connection& c) { repo::mark_sent(c, id, done); });
          ++delivered;
          spdlog::debug("notify: {} message {} sent", stored->channel, id);
        } else if (outcome.give_up) {
          db_.with([&](store::Connection& c) {
            repo::mark_abandoned(c, id, mime::truncate_utf8(error, kMaxErrorBytes), done);
          });
          spdlog::info("notify: {} message {} given up: {}", stored->channel, id, error);
        } else {
          const int failures = stored->attempts + 1;
          const std::int64_t delay = std::max(retry_delay(failures), outcome.retry_after);
          db_.with([&](store::Connection& c) {
            repo::mark_failed(c, id, mime::truncate_utf8(error, kMaxErrorBytes), done + delay);
          });
          // Id and reason only: recipients are personal data and bodies hold links.
          spdlog::warn("notify: {} message {} failed (attempt {}), next try in {} s: {}",
                       stored->channel, id, failures, delay, error);
        }
      } catch (const std::exception& e) {
        // The claim runs out and the message is tried again (at-least-once delivery).
        spdlog::error("notify: cannot record the outcome of message {}: {}", id, e.what());
        if (error.empty()) ++delivered;
      }
    }
    if (claimed == 0 || ids.size() < static_cast<std::size_t>(kBatch)) break;
  }
  return delivered;
}

}  // namespace carelive::notify
