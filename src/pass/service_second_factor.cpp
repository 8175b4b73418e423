// PassService: two-step sign-in (SPEC 15). The codes themselves are SecondFactors' business;
// here are the sessions, the policy, throttling, the audit log and the notices.

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/service.hpp"

namespace carelive::pass {

namespace codes = core::codes;

using auth::SessionStage;
using core::Error;

namespace {

audit::Actor actor_of(std::int64_t account, const RequestMeta& meta) { return {account, meta.ip}; }

}  // namespace

std::string PassService::code_key(const Principal& p) {
  return "second_factor:" + std::to_string(p.account.id);
}

std::string PassService::address_key_of(const RequestMeta& meta) {
  return "address:" + address_group(meta.ip);
}

SessionStage PassService::stage_after_password(store::Connection& c, const Account& a) const {
  if (factors_.has_second_factor(c, a.id)) return SessionStage::second_factor;
  if (security_.staff_mfa_required && is_staff(c, a)) return SessionStage::setup;
  return SessionStage::full;
}

LoginResult PassService::finish_sign_in(const Principal& waiting, const RequestMeta& meta,
                                        const nlohmann::json& how) {
  const auto now = clock_.now();
  std::string token;
  auto session = db_.transaction([&](store::Connection& c) {
    repo::delete_session(c, waiting.session.id);
    auto s = create_session(c, waiting.account, meta, token);
    audit::record(c, now, actor_of(waiting.account.id, meta), "login_ok", how);
    return s;
  });
  return {waiting.account, token, session.absolute_expires_at - now, session.stage};
}

LoginThrottle::Admission PassService::admit_code(const Principal& p, const RequestMeta& meta,
                                                 const char* event) {
  auto admission = throttle_.admit(code_key(p), address_key_of(meta));
  if (!admission.allowed) {
    db_.with([&](store::Connection& c) {
      audit::record(c, clock_.now(), actor_of(p.account.id, meta),
                    std::string(event) + "_throttled");
    });
    if (login_failed_) login_failed_("throttled");
    throw Error(codes::kLoginThrottled, {}, std::max<std::int64_t>(1, admission.retry_after));
  }
  return admission;
}

void PassService::code_failed(const Principal& p, const RequestMeta& meta,
                              const LoginThrottle::Admission& admission, const char* event) {
  const auto now = clock_.now();
  db_.with([&](store::Connection& c) {
    audit::record(c, now, actor_of(p.account.id, meta), std::string(event) + "_failed");
    if (admission.locks_now) {
      const int minutes = static_cast<int>(limits_.lock_duration / 60);
      notify::enqueue(c, templates_.login_locked(p.account.primary_login_id(), minutes, now), now);
      audit::record(c, now, actor_of(p.account.id, meta), "login_locked");
    }
  });
  if (admission.locks_now) notify_queued();
  if (login_failed_) login_failed_("second_factor");
}

void PassService::tell_second_factor(store::Connection& c, const Account& a,
                                     notify::SecondFactorChange what, core::UnixSeconds now) {
  notify::enqueue(c, templates_.second_factor_changed(a.primary_login_id(), what, now), now);
}

LoginResult PassService::second_step(const Principal& waiting, const std::string& code,
                                     const RequestMeta& meta) {
  if (waiting.session.stage != SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  if (code.empty()) throw Error::field("code", "required");
  const auto admission = admit_code(waiting, meta, "second_factor");
  const auto now = clock_.now();
  const auto used = db_.transaction([&](store::Connection& c) {
    auto used = factors_.accept(c, waiting.account.id, code.substr(0, 64), now);
    if (used == SecondFactorUsed::recovery_code)
      tell_second_factor(c, waiting.account, notify::SecondFactorChange::recovery_code_used, now);
    return used;
  });
  if (!used) {
    code_failed(waiting, meta, admission, "second_factor");
    throw Error::field("code", "code_wrong");
  }
  throttle_.succeeded(code_key(waiting), address_key_of(meta));
  if (used == SecondFactorUsed::recovery_code) notify_queued();
  return finish_sign_in(
      waiting, meta,
      {{"second_factor", used == SecondFactorUsed::totp ? "totp" : "recovery_code"}});
}

SecondFactorState PassService::second_factor_state(const Principal& p) {
  return db_.with([&](store::Connection& c) {
    return SecondFactorState{factors_.status(c, p.account.id), passkeys_.list(c, p.account.id),
                             security_.staff_mfa_required && is_staff(c, p.account)};
  });
}

TotpSetup PassService::begin_totp(const Principal& p, const RequestMeta& meta) {
  if (p.session.stage == SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    auto setup = factors_.begin_totp(c, p.account, now);
    audit::record(c, now, actor_of(p.account.id, meta), "totp_setup_started");
    return setup;
  });
}

SecondFactorAdded PassService::confirm_totp(const Principal& p, const std::string& code,
                                            const RequestMeta& meta) {
  if (p.session.stage == SessionStage::second_factor) throw Error(codes::kSecondStepRequired);
  if (code.empty()) throw Error::field("code", "required");
  const auto admission = admit_code(p, meta, "totp_setup");
  const auto now = clock_.now();
  SecondFactorAdded added;
  try {
    added.recovery_codes = db_.transaction([&](store::Connection& c) {
      auto codes = factors_.confirm_totp(c, p.account.id, code.substr(0, 64), now);
      tell_second_factor(c, p.account, notify::SecondFactorChange::turned_on, now);
      audit::record(c, now, actor_of(p.account.id, meta), "second_factor_added",
                    {{"kind", "totp"}});
      return codes;
    });
  } catch (const Error& e) {
    if (e.code() == codes::kValidationFailed.name) code_failed(p, meta, admission, "totp_setup");
    throw;
  }
  throttle_.succeeded(code_key(p), address_key_of(meta));
  notify_queued();
  if (p.session.stage == SessionStage::setup)
    added.signed_in = finish_sign_in(p, meta, {{"second_factor", "totp_set_up"}});
  return added;
}

std::vector<std::string> PassService::renew_recovery_codes(const Principal& p,
                                                           const std::string& current,
                                                           const RequestMeta& meta) {
  if (current.empty()) throw Error::field("current_password", "required");
  check_current_password(p, current, meta);
  const auto now = clock_.now();
  auto shown = db_.transaction([&](store::Connection& c) {
    if (!factors_.has_second_factor(c, p.account.id)) throw Error(codes::kNotFound);
    auto shown = factors_.renew_recovery_codes(c, p.account.id, now);
    tell_second_factor(c, p.account, notify::SecondFactorChange::recovery_codes_renewed, now);
    audit::record(c, now, actor_of(p.account.id, meta), "recovery_codes_renewed");
    return shown;
  });
  notify_queued();
  return shown;
}

void PassService::turn_off_second_factor(const Principal& p, const std::string& current,
                                         const RequestMeta& meta) {
  if (current.empty()) throw Error::field("current_password", "required");
  check_current_password(p, current, meta);
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    if (security_.staff_mfa_required && is_staff(c, p.account))
      throw Error(codes::kSecondFactorRequired);
    if (!factors_.has_second_factor(c, p.account.id)) throw Error(codes::kNotFound);
    factors_.remove(c, p.account.id);
    tell_second_factor(c, p.account, notify::SecondFactorChange::turned_off, now);
    audit::record(c, now, actor_of(p.account.id, meta), "second_factor_removed");
  });
  notify_queued();
}

void PassService::reset_second_factor(store::Connection& c, const Account& account,
                                      const audit::Actor& by,
                                      std::optional<std::int64_t> facility_id) {
  const auto now = clock_.now();
  factors_.remove(c, account.id);
  repo::delete_sessions_except(c, account.id, 0);
  tell_second_factor(c, account, notify::SecondFactorChange::reset_by_facility, now);
  nlohmann::json detail{{"account_id", account.id}};
  if (facility_id) detail["facility_id"] = *facility_id;
  audit::record(c, now, by, "second_factor_reset", detail);
}

void PassService::sessions_ended(std::int64_t account_id) const {
  auth::tell(access_ended_, auth::AccessEnded::sessions_of(account_id));
  notify_queued();
}

}  // namespace carelive::pass
