// PassService: passkeys (SPEC 15). The WebAuthn checks are Passkeys' and webauthn.cpp's; here are
// the sessions, the policy, throttling, the audit log and the notices around them.

#include <algorithm>

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/second_factor_repo.hpp"
#include "pass/service.hpp"

namespace carelive::pass {

namespace codes = core::codes;

using auth::SessionStage;
using core::Error;

namespace {

// A sign-in with a passkey from the login page has no account until it is verified: it is
// throttled by the client's address.
std::string passkey_key(const RequestMeta& meta) { return "passkey:" + address_group(meta.ip); }

}  // namespace

bool PassService::passkeys_available() const { return passkeys_.available(); }

nlohmann::json PassService::passkey_registration_options(const Principal& p) {
  if (p.session.stage == SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  return db_.with([&](store::Connection& c) {
    return passkeys_.registration_options(c, p.account, p.session.id, clock_.now());
  });
}

SecondFactorAdded PassService::add_passkey(const Principal& p, const nlohmann::json& response,
                                           const RequestMeta& meta) {
  if (p.session.stage == SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  const auto now = clock_.now();
  SecondFactorAdded added;
  try {
    added.recovery_codes = db_.transaction([&](store::Connection& c) {
      const bool first = !factors_.has_second_factor(c, p.account.id);
      const auto info =
          passkeys_.add(c, p.account.id, p.session.id, response, meta.user_agent, now);
      // The first second factor comes with recovery codes, as the app's does: a lost phone must
      // not lock the person out.
      std::vector<std::string> shown;
      if (first) shown = factors_.renew_recovery_codes(c, p.account.id, now);
      tell_second_factor(c, p.account, notify::SecondFactorChange::passkey_added, now);
      audit::record(c, now, audit::Actor::of(p, meta), "second_factor_added",
                    {{"kind", "passkey"}, {"passkey_id", info.id}});
      return shown;
    });
  } catch (const webauthn::Refused& e) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, audit::Actor::of(p, meta), "passkey_refused",
                    {{"reason", webauthn::name(e.reason())}, {"ceremony", "registration"}});
    });
    throw Error(codes::kPasskeyNotRegistered);
  }
  notify_queued();
  if (p.session.stage == SessionStage::setup)
    added.signed_in = finish_sign_in(p, meta, {{"second_factor", "passkey_set_up"}});
  return added;
}

void PassService::remove_passkey(const Principal& p, std::int64_t id, const std::string& current,
                                 const RequestMeta& meta) {
  if (current.empty()) throw Error::field("current_password", "required");
  check_current_password(p, current, meta);
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    const auto passkeys = passkeys_.list(c, p.account.id);
    const bool known = std::any_of(passkeys.begin(), passkeys.end(),
                                   [&](const PasskeyInfo& k) { return k.id == id; });
    if (!known) throw Error(codes::kNotFound);
    const auto status = factors_.status(c, p.account.id);
    // The last second factor: removing it turns two-step sign-in off, which the policy may forbid.
    if (!status.totp && status.passkeys == 1) {
      if (security_.staff_mfa_required && is_staff(c, p.account))
        throw Error(codes::kSecondFactorRequired);
      factors_.remove(c, p.account.id);
      tell_second_factor(c, p.account, notify::SecondFactorChange::turned_off, now);
    } else {
      second_factor_repo::delete_passkey(c, p.account.id, id);
      tell_second_factor(c, p.account, notify::SecondFactorChange::passkey_removed, now);
    }
    audit::record(c, now, audit::Actor::of(p, meta), "passkey_removed", {{"passkey_id", id}});
  });
  notify_queued();
}

nlohmann::json PassService::passkey_sign_in_options() {
  return passkeys_.request_options(Ceremony::sign_in, 0, {}, clock_.now());
}

LoginResult PassService::sign_in_with_passkey(const nlohmann::json& response,
                                              const RequestMeta& meta) {
  if (!passkeys_.available()) throw Error(codes::kPasskeysUnavailable);
  const auto admission = throttle_.admit(passkey_key(meta), address_key_of(meta));
  const auto now = clock_.now();
  if (!admission.allowed) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, audit::Actor::anonymous(meta.ip), "login_throttled",
                    {{"passkey", true}});
    });
    if (login_failed_) login_failed_("throttled");
    throw Error(codes::kLoginThrottled, {}, std::max<std::int64_t>(1, admission.retry_after));
  }
  std::optional<webauthn::Refusal> refused;
  std::string token;
  std::optional<Account> account;
  std::optional<Session> session;
  try {
    db_.transaction([&](store::Connection& c) {
      const auto id = passkeys_.verify(c, Ceremony::sign_in, 0, response, now);
      account = repo::find_account(c, id);
      if (!account) throw webauthn::Refused(webauthn::Refusal::unknown_credential);
      session = create_session(c, *account, meta, token);
      audit::record(c, now, audit::Actor::account_at(account->id, meta.ip), "login_ok",
                    {{"passkey", true}});
    });
  } catch (const webauthn::Refused& e) {
    refused = e.reason();
  }
  if (refused) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, audit::Actor::anonymous(meta.ip), "login_failed",
                    {{"passkey", true}, {"reason", webauthn::name(*refused)}});
    });
    if (login_failed_) login_failed_("passkey");
    throw Error(codes::kPasskeyRefused);
  }
  throttle_.succeeded(passkey_key(meta), address_key_of(meta));
  return {*account, token, session->absolute_expires_at - now, session->stage};
}

nlohmann::json PassService::second_step_passkey_options(const Principal& waiting) {
  if (waiting.session.stage != SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  if (!passkeys_.available()) throw Error(codes::kPasskeysUnavailable);
  return db_.with([&](store::Connection& c) {
    const auto ids = passkeys_.credential_ids(c, waiting.account.id);
    if (ids.empty()) throw Error(codes::kNotFound);
    return passkeys_.request_options(Ceremony::second_step, waiting.session.id, ids, clock_.now());
  });
}

LoginResult PassService::second_step_with_passkey(const Principal& waiting,
                                                  const nlohmann::json& response,
                                                  const RequestMeta& meta) {
  if (waiting.session.stage != SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  const auto admission = admit_code(waiting, meta, "second_factor");
  std::optional<webauthn::Refusal> refused;
  try {
    db_.transaction([&](store::Connection& c) {
      const auto id =
          passkeys_.verify(c, Ceremony::second_step, waiting.session.id, response, clock_.now());
      if (id != waiting.account.id) throw webauthn::Refused(webauthn::Refusal::unknown_credential);
    });
  } catch (const webauthn::Refused& e) {
    refused = e.reason();
  }
  if (refused) {
    code_failed(waiting, meta, admission, "second_factor");
    db_.with([&](store::Connection& c) {
      audit::record(c, clock_.now(), audit::Actor::of(waiting, meta), "passkey_refused",
                    {{"reason", webauthn::name(*refused)}, {"ceremony", "second_step"}});
    });
    throw Error(codes::kPasskeyRefused);
  }
  throttle_.succeeded(code_key(waiting), address_key_of(meta));
  return finish_sign_in(waiting, meta, {{"second_factor", "passkey"}});
}

}  // namespace carelive::pass
