#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "notify/claim_owner.hpp"
#include "notify/message.hpp"
#include "notify/seal.hpp"
#include "store/database.hpp"

namespace carelive::notify {

// Delivers one message or throws std::runtime_error with the reason (tried again later with
// growing pauses), GiveUp or RetryAfter.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void send(const Message& m) = 0;
};

// Sending again cannot help (a push subscription the service no longer knows, a notice past
// its lifetime): the message is given up.
class GiveUp : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The receiver asked to wait (HTTP 429 with Retry-After): tried again after `seconds` at the
// earliest (the usual pause when that is longer).
class RetryAfter : public std::runtime_error {
 public:
  RetryAfter(const std::string& what, std::int64_t seconds)
      : std::runtime_error(what), seconds(seconds) {}
  std::int64_t seconds;
};

struct SmtpSettings {
  std::string url;       // smtp://host:587 or smtps://host:465
  std::string username;  // empty: no AUTH
  std::string password;
  std::string from;      // "CareLive <no-reply@example.jp>"
  bool starttls = true;  // require STARTTLS on smtp:// (CURLUSESSL_ALL)
  std::string ca_file;   // extra CA bundle (tests use a self-signed certificate)
  bool verify_peer = true;
  long timeout_seconds = 30;
};

struct SmsSettings {
  std::string url;    // gateway endpoint, POST JSON {"to": "+81…", "body": "…"}
  std::string token;  // sent as "Authorization: Bearer <token>"
  long timeout_seconds = 30;
};

// RFC 5322 file per email (`*.eml`), `To:` line + blank line + body per SMS (`*.sms`),
// written atomically (temp file, then rename) into `dir`. A stored message's file is named by
// its id (`000000000042.eml`), so writing it again after a crash replaces it; temp files left
// by a killed process are removed when the transport is made (at start).
std::unique_ptr<Transport> make_outbox_transport(const std::string& dir, const std::string& from);
std::unique_ptr<Transport> make_smtp_transport(SmtpSettings settings);
std::unique_ptr<Transport> make_sms_transport(SmsSettings settings);

// Renders an email as RFC 5322 text (UTF-8 body, encoded-word Subject when `encode_headers`).
// The Message-ID of a stored message is derived from its id and installation, so every
// attempt carries the same one (receivers drop a repeat); others get a random one.
std::string render_email(const Message& m, const std::string& from, core::UnixSeconds at,
                         bool encode_headers);

// What a Dispatcher needs of its installation and process: the key that opens sealed bodies,
// the installation's tag (Message-IDs) and who it claims messages as.
struct DispatcherIdentity {
  Sealer sealer;
  std::string installation;
  ClaimOwner owner = ClaimOwner::self();
};

// Sends stored messages in the background: claims due rows (so several processes never send
// one at the same time), sends through the transport of its channel, marks them sent, or
// schedules a retry with growing backoff (30 s, 1 min, 2 min … capped at 1 hour). Never blocks
// a request. Delivery is at least once: a process killed between sending and marking sends
// again, which the transports make harmless (same outbox file, same Message-ID). Each pass
// first releases the claims of dispatchers on this host that are gone, so a restart resends
// at once instead of after the claim time. A link message that could not be delivered while
// its link is valid (24 hours) is given up and its sealed body wiped.
class Dispatcher {
 public:
  Dispatcher(store::Database& db, const core::Clock& clock, std::unique_ptr<Transport> email,
             std::unique_ptr<Transport> sms, DispatcherIdentity identity = {});
  ~Dispatcher();
  void start();
  void stop();
  // Wakes the loop after a request enqueued something.
  void wake();
  // The transport of push messages (notify/push.hpp); without one they wait. Before start().
  void set_push_transport(std::unique_ptr<Transport> push) { push_ = std::move(push); }
  // Sends everything due now, in the calling thread; returns how many were delivered.
  int run_once();

 private:
  void loop();
  void release_stale_claims(core::UnixSeconds now);
  // What became of one claimed message.
  struct Outcome {
    std::string error;  // empty: delivered
    bool give_up = false;
    std::int64_t retry_after = 0;
  };
  Outcome deliver(Message& m, const std::string& channel);
  store::Database& db_;
  const core::Clock& clock_;
  std::unique_ptr<Transport> email_;
  std::unique_ptr<Transport> sms_;
  std::unique_ptr<Transport> push_;
  DispatcherIdentity identity_;
  std::string owner_;  // identity_.owner as stored in messages.claimed_by
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace carelive::notify
