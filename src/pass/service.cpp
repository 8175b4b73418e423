#include "pass/service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "core/phone.hpp"
#include "core/text.hpp"
#include "notify/message.hpp"
#include "pass/password_policy.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

namespace carelive::pass {

namespace codes = core::codes;

using core::Error;
using core::FieldErrorSet;

namespace {

constexpr const char* kPurposeReset = "password_reset";
constexpr const char* kPurposeContact = "contact_";  // contact_email | contact_phone

// The audit actor of a request: the account concerned (when known) from the request's address.
audit::Actor actor_of(std::optional<std::int64_t> account, const RequestMeta& meta) {
  return {account, meta.ip};
}

// After the password or a login id changed, no older link may change them again: every pending
// reset and contact-change link of the account stops working.
void retire_pending_links(store::Connection& c, std::int64_t account_id, core::UnixSeconds now) {
  for (const char* purpose : {kPurposeReset, "contact_email", "contact_phone"})
    repo::retire_tokens(c, account_id, purpose, now);
}

std::string id_key(const std::optional<Account>& account, const std::string& login_id) {
  return account ? "account:" + std::to_string(account->id) : "login:" + login_id;
}

// Where a message about `login_id` goes and how it is shown on screen.
std::string display_login(const std::string& login_id) {
  return login_id.find('@') != std::string::npos ? login_id : core::phone_display(login_id);
}

}  // namespace

PassService::PassService(store::Database& db, const core::Clock& clock, std::string public_url,
                         const SessionSettings& sessions, const ThrottleSettings& throttle,
                         const SecuritySettings& security, const SecondFactors& factors,
                         const Passkeys& passkeys, const core::PasswordHasher& hasher,
                         const notify::Templates& templates, std::function<void()> messages_queued)
    : db_(db),
      clock_(clock),
      public_url_(std::move(public_url)),
      sessions_(sessions),
      limits_(throttle),
      security_(security),
      factors_(factors),
      passkeys_(passkeys),
      hasher_(hasher),
      templates_(templates),
      messages_queued_(std::move(messages_queued)),
      throttle_(db, clock, throttle),
      // Checked against when a login id is unknown, so both answers take one hash's time.
      dummy_hash_(hasher.hash(core::random_token())) {}

std::string PassService::url(const std::string& path, const std::string& token) const {
  return public_url_ + path + (token.empty() ? "" : "?token=" + token);
}

bool PassService::link_quota(std::int64_t account_id) {
  return throttle_.take_quota("links:account:" + std::to_string(account_id),
                              limits_.links_per_account, limits_.message_window);
}

void PassService::notify_queued() const {
  if (messages_queued_) messages_queued_();
}

NormalizedSignup PassService::validate_signup(const SignupInput& in) const {
  FieldErrorSet errors;
  NormalizedSignup out;
  out.family_name = check_name("family_name", in.family_name, errors);
  out.given_name = check_name("given_name", in.given_name, errors);
  out.family_name_kana = check_kana("family_name_kana", in.family_name_kana, errors);
  out.given_name_kana = check_kana("given_name_kana", in.given_name_kana, errors);
  out.contact_kind = in.contact_kind;
  if (in.contact_kind == "email") {
    out.login_id = check_email("email", in.email, errors);
    if (core::trim(in.email_confirm).empty()) {
      errors.add("email_confirm", "required");
    } else if (!errors.has("email")) {
      auto confirm = normalize_email(in.email_confirm);
      if (!confirm || *confirm != out.login_id) errors.add("email_confirm", "email_mismatch");
    }
  } else if (in.contact_kind == "phone") {
    if (core::trim(in.phone).empty()) {
      errors.add("phone", "required");
    } else {
      auto parsed = core::parse_mobile_jp(in.phone);
      if (parsed.number) {
        out.login_id = parsed.number->e164;
        out.phone_display = parsed.number->display;
      } else {
        errors.add("phone", parsed.problem == core::PhoneProblem::not_mobile ? "phone_not_mobile"
                                                                             : "phone_invalid");
      }
    }
  } else {
    errors.add("contact_kind", "contact_kind_invalid");
  }
  for (const auto& code : check_new_password(in.password)) errors.add("password", code);
  if (in.password_confirm.empty())
    errors.add("password_confirm", "required");
  else if (in.password_confirm != in.password)
    errors.add("password_confirm", "password_mismatch");
  errors.throw_if_any();
  return out;
}

void PassService::signup(const SignupInput& in, const RequestMeta& meta) {
  NormalizedSignup s = validate_signup(in);
  const auto& limits = limits_;
  if (!throttle_.take_quota("signup:" + address_group(meta.ip), limits.signups_per_address,
                            limits.message_window))
    throw Error(codes::kRateLimited);
  // Whoever asks, from however many addresses: one inbox or phone gets only a few messages an
  // hour. Counted before the account is looked up, so the answer says nothing about it. The key
  // holds the address's hash, not the address.
  if (!throttle_.take_quota("signup:to:" + core::token_hash(s.login_id),
                            limits.signups_per_destination, limits.message_window))
    throw Error(codes::kDestinationLimited);
  // Hashed whether or not the address is taken, so both answers cost the same.
  std::string password_hash = hasher_.hash(in.password);
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    if (auto existing = repo::find_account_by_login(c, s.login_id)) {
      notify::enqueue(
          c,
          templates_.signup_account_exists(s.login_id, url("/password/forgot"), url("/login"), now),
          now);
      audit::record(c, now, actor_of(existing->id, meta), "signup_existing_account");
      return;
    }
    repo::delete_open_signups(c, s.login_id);
    std::string token = core::random_token();
    Signup row;
    row.login_id = s.login_id;
    row.login_kind = s.contact_kind;
    row.family_name = s.family_name;
    row.given_name = s.given_name;
    row.family_name_kana = s.family_name_kana;
    row.given_name_kana = s.given_name_kana;
    row.password_hash = password_hash;
    row.created_at = now;
    row.expires_at = now + kLinkLifetime;
    row.after_confirm = in.after_confirm;
    auto id = repo::insert_signup(c, row, core::token_hash(token));
    notify::enqueue(c, templates_.signup_provisional(s.login_id, url("/pass/confirm", token), now),
                    now);
    audit::record(c, now, actor_of(std::nullopt, meta), "signup",
                  {{"signup_id", std::to_string(id)}, {"kind", s.contact_kind}});
  });
  notify_queued();
}

ConfirmOutcome PassService::confirm_signup(const std::string& token, const RequestMeta& meta,
                                           std::int64_t* account_id, nlohmann::json* awaiting) {
  const auto now = clock_.now();
  const std::string hash = core::token_hash(token);
  std::optional<std::string> after_confirm;
  std::int64_t new_account = 0;
  const auto confirm = [&] {
    after_confirm.reset();
    return db_.transaction([&](store::Connection& c) {
      auto s = repo::find_signup_by_token(c, hash);
      if (!s) throw Error(codes::kTokenInvalid);
      // A second tap on the link is not an error: the job is done (SPEC 2).
      if (s->completed_at) return ConfirmOutcome::already_completed;
      if (now >= s->expires_at) throw Error(codes::kTokenExpired);
      if (auto taken = repo::find_account_by_login(c, s->login_id)) {
        repo::complete_signup(c, s->id, taken->id, now);
        return ConfirmOutcome::already_completed;
      }
      Account a;
      a.family_name = s->family_name;
      a.given_name = s->given_name;
      a.family_name_kana = s->family_name_kana;
      a.given_name_kana = s->given_name_kana;
      if (s->login_kind == "email")
        a.email = s->login_id;
      else
        a.phone = s->login_id;
      a.password_hash = s->password_hash;
      a.id = repo::insert_account(c, a, now);
      repo::add_password_history(c, a.id, a.password_hash, now);
      repo::complete_signup(c, s->id, a.id, now);
      notify::enqueue(c, templates_.signup_completed(s->login_id, url("/login")), now);
      audit::record(c, now, actor_of(a.id, meta), "signup_confirmed");
      if (account_id) *account_id = a.id;
      new_account = a.id;
      after_confirm = s->after_confirm;
      return ConfirmOutcome::completed;
    });
  };
  ConfirmOutcome outcome;
  try {
    outcome = confirm();
  } catch (const store::DbError& e) {
    // A double tap sends two requests at once (SPEC 2: never an error for a done job). On
    // PostgreSQL both may find the sign-up open; the later account insert then breaks the
    // email/phone UNIQUE once the first commits. Run again: the sign-up is completed by now.
    if (e.kind() != store::DbError::Kind::unique_violation) throw;
    outcome = confirm();
  }
  if (outcome == ConfirmOutcome::completed && after_confirm && confirmed_hook_) {
    auto next = confirmed_hook_(audit::Actor::account_at(new_account, meta.ip), *after_confirm);
    if (awaiting) *awaiting = std::move(next);
  }
  notify_queued();
  return outcome;
}

Session PassService::create_session(store::Connection& c, const Account& a, const RequestMeta& meta,
                                    std::string& token, auth::SessionStage stage) {
  const auto now = clock_.now();
  const bool staff = is_staff(c, a);
  Session s;
  s.account_id = a.id;
  s.created_at = now;
  s.last_seen_at = now;
  s.stage = stage;
  s.absolute_expires_at = now + (staff ? sessions_.staff_absolute : sessions_.family_absolute);
  s.idle_timeout = staff ? sessions_.staff_idle : sessions_.family_idle;
  if (stage != auth::SessionStage::full) {  // minutes for the second step, no more
    s.absolute_expires_at = now + security_.second_step_seconds;
    s.idle_timeout = security_.second_step_seconds;
  }
  s.user_agent = meta.user_agent.substr(0, 300);
  s.ip = meta.ip;
  token = core::random_token();
  s.id = repo::insert_session(c, s, core::token_hash(token));
  return s;
}

// The current password, asked again before a change: counted by the login throttle (the same
// per-account and per-address counters), so a left-open session cannot be used to guess it.
void PassService::check_current_password(const Principal& p, const std::string& current,
                                         const RequestMeta& meta) {
  const std::string key = "account:" + std::to_string(p.account.id);
  const std::string address_key = "address:" + address_group(meta.ip);
  const auto admission = throttle_.admit(key, address_key);
  const auto now = clock_.now();
  if (!admission.allowed) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(p.account.id, meta), "current_password_throttled");
    });
    throw Error(codes::kLoginThrottled, {}, std::max<std::int64_t>(1, admission.retry_after));
  }
  if (!hasher_.verify(p.account.password_hash, current) || current.size() > 1024) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(p.account.id, meta), "current_password_failed");
      if (admission.locks_now) {
        int minutes = static_cast<int>(limits_.lock_duration / 60);
        notify::enqueue(c, templates_.login_locked(p.account.primary_login_id(), minutes, now),
                        now);
        audit::record(c, now, actor_of(p.account.id, meta), "login_locked");
      }
    });
    if (admission.locks_now) notify_queued();
    throw Error::field("current_password", "password_wrong");
  }
  throttle_.succeeded(key, address_key);
}

LoginResult PassService::login(const std::string& login_input, const std::string& password,
                               const RequestMeta& meta) {
  FieldErrorSet errors;
  if (core::trim(login_input).empty()) errors.add("login_id", "required");
  if (password.empty()) errors.add("password", "required");
  errors.throw_if_any();

  const auto login = normalize_login_id(login_input);
  auto account =
      db_.with([&](store::Connection& c) { return repo::find_account_by_login(c, login.value); });
  const std::string key = id_key(account, login.value);
  const std::string address_key = "address:" + address_group(meta.ip);
  auto admission = throttle_.admit(key, address_key);
  const auto now = clock_.now();
  if (!admission.allowed) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(account ? std::optional(account->id) : std::nullopt, meta),
                    "login_throttled");
    });
    if (login_failed_) login_failed_("throttled");
    throw Error(codes::kLoginThrottled, {}, std::max<std::int64_t>(1, admission.retry_after));
  }
  const bool ok = hasher_.verify(account ? account->password_hash : dummy_hash_, password) &&
                  account.has_value() && password.size() <= 1024;
  if (!ok) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(account ? std::optional(account->id) : std::nullopt, meta),
                    "login_failed");
      if (admission.locks_now && account) {
        int minutes = static_cast<int>(limits_.lock_duration / 60);
        notify::enqueue(c, templates_.login_locked(account->primary_login_id(), minutes, now), now);
        audit::record(c, now, actor_of(account->id, meta), "login_locked");
      }
    });
    if (admission.locks_now && account) notify_queued();
    if (login_failed_) login_failed_("password");
    throw Error(codes::kLoginFailed);
  }
  throttle_.succeeded(key, address_key);
  std::string token;
  auto session = db_.transaction([&](store::Connection& c) {
    auto s = create_session(c, *account, meta, token, stage_after_password(c, *account));
    audit::record(c, now, actor_of(account->id, meta),
                  s.stage == auth::SessionStage::full ? "login_ok" : "login_password_ok");
    return s;
  });
  return {*account, token, session.absolute_expires_at - now, session.stage};
}

bool PassService::is_staff(store::Connection& c, const Account& a) const {
  return a.is_operator || (staff_check_ && staff_check_(c, a));
}

// The session while it lasts (SPEC: idle and absolute limits); an expired one is deleted. `used`
// refreshes "last use", at most once a minute to keep reads cheap. The limits follow the
// account's current role: a session begun as a family member's is held to the staff limits
// once the account is staff or operator (12 hours from its start, 30 minutes idle), so a
// promotion does not leave a month-long session with staff rights.
std::optional<Session> PassService::lasting(store::Connection& c, std::optional<Session> s,
                                            const std::optional<Account>& a, core::UnixSeconds now,
                                            bool used) {
  if (!s) return std::nullopt;
  const auto staff_end = std::min(s->absolute_expires_at, s->created_at + sessions_.staff_absolute);
  const auto staff_idle = std::min(s->idle_timeout, sessions_.staff_idle);
  const bool limits_change = staff_end != s->absolute_expires_at || staff_idle != s->idle_timeout;
  // Promotions tighten the sessions at once (hold_to_staff_limits); asking the store on every
  // request of every family session would cost the read path, so this safety net asks only
  // when the session's last use is written anyway, at most once a minute.
  const bool promoted = limits_change && a && now - s->last_seen_at >= 60 && is_staff(c, *a);
  if (promoted) {
    s->absolute_expires_at = staff_end;
    s->idle_timeout = staff_idle;
  }
  if (now >= s->absolute_expires_at || now - s->last_seen_at >= s->idle_timeout) {
    repo::delete_session(c, s->id);
    return std::nullopt;
  }
  if (promoted) repo::limit_session(c, s->id, s->absolute_expires_at, s->idle_timeout);
  if (used && now - s->last_seen_at >= 60) {
    repo::touch_session(c, s->id, now);
    s->last_seen_at = now;
  }
  return s;
}

void PassService::hold_to_staff_limits(store::Connection& c, std::int64_t account_id) {
  repo::limit_sessions_of(c, account_id, sessions_.staff_absolute, sessions_.staff_idle);
}

std::optional<Principal> PassService::authenticate(const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 128) return std::nullopt;
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) -> std::optional<Principal> {
    auto found = repo::find_session(c, core::token_hash(session_token));
    if (!found) return std::nullopt;
    auto a = repo::find_account(c, found->account_id);
    auto s = lasting(c, found, a, now, true);
    if (!s || !a) return std::nullopt;
    return Principal{*a, *s};
  });
}

std::optional<Session> PassService::live_session(std::int64_t session_id, bool in_use) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) -> std::optional<Session> {
    auto found = repo::find_session_by_id(c, session_id);
    if (!found) return std::nullopt;
    return lasting(c, found, repo::find_account(c, found->account_id), now, in_use);
  });
}

void PassService::logout(const Principal& p, const RequestMeta& meta) {
  db_.with([&](store::Connection& c) {
    repo::delete_session(c, p.session.id);
    audit::record(c, clock_.now(), actor_of(p.account.id, meta), "logout");
  });
  auth::tell(access_ended_, auth::AccessEnded::session_of(p.account.id, p.session.id));
}

// No enumeration by timing (OWASP Forgot Password Cheat Sheet: "return a consistent message for
// both existent and non-existent accounts" and "ensure that responses return in a consistent
// amount of time"): an unknown id goes through the same steps as a known one — the quota's
// compare-and-set, a link made and hashed, its message built and sealed, one transaction that
// retires older links — and only the last rows written differ (nothing is sent, of course).
void PassService::request_password_reset(const std::string& login_input, const RequestMeta& meta) {
  if (core::trim(login_input).empty()) throw Error::field("login_id", "required");
  const auto login = normalize_login_id(login_input);
  const auto now = clock_.now();
  auto account =
      db_.with([&](store::Connection& c) { return repo::find_account_by_login(c, login.value); });
  const std::optional<std::int64_t> account_id =
      account ? std::optional(account->id) : std::nullopt;
  // Checked outside the transaction: the quota writes on its own connection.
  const std::string quota_key = account ? "links:account:" + std::to_string(account->id)
                                        : "links:login:" + core::token_hash(login.value);
  if (!throttle_.take_quota(quota_key, limits_.links_per_account, limits_.message_window)) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(account_id, meta),
                    account ? "password_reset_suppressed" : "password_reset_unknown_id");
    });
    return;
  }
  const std::string token = core::random_token();
  AccountToken t;
  t.account_id = account_id.value_or(0);
  t.purpose = kPurposeReset;
  t.new_value = login.value;  // the id the message went to, shown on the reset page
  t.created_at = now;
  t.expires_at = now + kLinkLifetime;
  const std::string hash = core::token_hash(token);
  const auto message = templates_.password_reset(login.value, url("/password/reset", token), now);
  reset_links_built_.fetch_add(1, std::memory_order_relaxed);
  db_.transaction([&](store::Connection& c) {
    repo::retire_tokens(c, t.account_id, kPurposeReset, now);
    if (!account) {
      audit::record(c, now, actor_of(std::nullopt, meta), "password_reset_unknown_id");
      return;
    }
    repo::insert_token(c, t, hash);
    notify::enqueue(c, message, now);
    audit::record(c, now, actor_of(account->id, meta), "password_reset_requested");
  });
  if (account) notify_queued();
}

namespace {
AccountToken usable_token(store::Connection& c, const std::string& token, const char* purpose,
                          core::UnixSeconds now) {
  auto t = repo::find_token(c, core::token_hash(token), purpose);
  if (!t) throw Error(codes::kTokenInvalid);
  if (t->used_at) throw Error(codes::kTokenUsed);
  if (now >= t->expires_at) throw Error(codes::kTokenExpired);
  return *t;
}
}  // namespace

ResetInfo PassService::inspect_password_reset(const std::string& token) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) {
    auto t = usable_token(c, token, kPurposeReset, now);
    auto a = repo::find_account(c, t.account_id);
    if (!a) throw Error(codes::kTokenInvalid);
    std::string login_id = t.new_value.value_or(a->primary_login_id());
    return ResetInfo{a->display_name(), display_login(login_id),
                     login_id.find('@') != std::string::npos ? "email" : "phone"};
  });
}

std::string PassService::hash_checked_password(const std::string& field,
                                               const std::string& password,
                                               const std::string& confirm_field,
                                               const std::string& confirm,
                                               const std::vector<std::string>& history) const {
  FieldErrorSet errors;
  for (const auto& code : check_new_password(password)) errors.add(field, code);
  if (confirm.empty())
    errors.add(confirm_field, "required");
  else if (confirm != password)
    errors.add(confirm_field, "password_mismatch");
  errors.throw_if_any();
  // SPEC 6/9: every password the account has had is refused, not just the current one.
  for (const auto& old : history)
    if (hasher_.verify(old, password)) throw Error::field(field, "password_reused");
  return hasher_.hash(password);
}

void PassService::complete_password_reset(const std::string& token, const std::string& password,
                                          const std::string& password_confirm,
                                          const RequestMeta& meta) {
  const auto now = clock_.now();
  auto [t, history] = db_.with([&](store::Connection& c) {
    auto t = usable_token(c, token, kPurposeReset, now);
    return std::pair(t, repo::password_history(c, t.account_id));
  });
  std::string hash =
      hash_checked_password("password", password, "password_confirm", password_confirm, history);
  // `&t = t`: clang before 16 cannot capture a structured binding by default (fuzz build).
  auto account = db_.transaction([&, &t = t](store::Connection& c) {
    if (!repo::use_token(c, t.id, now)) throw Error(codes::kTokenUsed);
    auto a = repo::find_account(c, t.account_id);
    if (!a) throw Error(codes::kTokenInvalid);
    repo::update_password(c, a->id, hash, now);
    repo::add_password_history(c, a->id, hash, now);
    repo::delete_sessions_except(c, a->id, 0);
    retire_pending_links(c, a->id, now);
    notify::enqueue(
        c, templates_.password_changed(t.new_value.value_or(a->primary_login_id()), now), now);
    audit::record(c, now, actor_of(a->id, meta), "password_reset_completed");
    if (password_link_hook_) password_link_hook_(c, actor_of(a->id, meta), now);
    return *a;
  });
  throttle_.clear("account:" + std::to_string(account.id));
  auth::tell(access_ended_, auth::AccessEnded::sessions_of(account.id));
  notify_queued();
}

Account PassService::change_names(const Principal& p, const std::string& family,
                                  const std::string& given, const RequestMeta& meta) {
  FieldErrorSet errors;
  auto f = check_name("family_name", family, errors);
  auto g = check_name("given_name", given, errors);
  errors.throw_if_any();
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    repo::update_names(c, p.account.id, f, g, now);
    audit::record(c, now, actor_of(p.account.id, meta), "account_name_changed");
    return *repo::find_account(c, p.account.id);
  });
}

Account PassService::change_kana(const Principal& p, const std::string& family,
                                 const std::string& given, const RequestMeta& meta) {
  FieldErrorSet errors;
  auto f = check_kana("family_name_kana", family, errors);
  auto g = check_kana("given_name_kana", given, errors);
  errors.throw_if_any();
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    repo::update_kana(c, p.account.id, f, g, now);
    audit::record(c, now, actor_of(p.account.id, meta), "account_kana_changed");
    return *repo::find_account(c, p.account.id);
  });
}

void PassService::request_contact_change(const Principal& p, const std::string& kind,
                                         const std::string& value,
                                         const std::string& current_password,
                                         const RequestMeta& meta) {
  FieldErrorSet errors;
  std::string normalized;
  if (kind == "email") {
    normalized = check_email("value", value, errors);
    if (!errors.has("value") && p.account.email == normalized)
      errors.add("value", "contact_unchanged");
  } else if (kind == "phone") {
    if (core::trim(value).empty()) {
      errors.add("value", "required");
    } else {
      auto parsed = core::parse_mobile_jp(value);
      if (!parsed.number) {
        errors.add("value", parsed.problem == core::PhoneProblem::not_mobile ? "phone_not_mobile"
                                                                             : "phone_invalid");
      } else {
        normalized = parsed.number->e164;
        if (p.account.phone == normalized) errors.add("value", "contact_unchanged");
      }
    }
  } else {
    errors.add("kind", "contact_kind_invalid");
  }
  if (current_password.empty()) errors.add("current_password", "required");
  errors.throw_if_any();
  check_current_password(p, current_password, meta);

  const auto now = clock_.now();
  const std::string purpose = std::string(kPurposeContact) + kind;
  if (!link_quota(p.account.id)) {
    db_.with([&](store::Connection& c) {
      audit::record(c, now, actor_of(p.account.id, meta), "contact_change_suppressed");
    });
    return;
  }
  db_.transaction([&](store::Connection& c) {
    if (auto other = repo::find_account_by_login(c, normalized);
        other && other->id != p.account.id) {
      // Same answer on screen; the owner of the address learns it is already in use.
      notify::enqueue(c, templates_.contact_taken(normalized, now), now);
      audit::record(c, now, actor_of(p.account.id, meta), "contact_change_taken", {{"kind", kind}});
      return;
    }
    repo::retire_tokens(c, p.account.id, purpose, now);
    std::string token = core::random_token();
    AccountToken t;
    t.account_id = p.account.id;
    t.purpose = purpose;
    t.new_value = normalized;
    t.created_at = now;
    t.expires_at = now + kLinkLifetime;
    repo::insert_token(c, t, core::token_hash(token));
    notify::enqueue(
        c, templates_.contact_verify(normalized, url("/account/contact/confirm", token), now), now);
    audit::record(c, now, actor_of(p.account.id, meta), "contact_change_requested",
                  {{"kind", kind}});
  });
  notify_queued();
}

ContactChange PassService::confirm_contact_change(const std::string& token,
                                                  const RequestMeta& meta) {
  const auto now = clock_.now();
  auto change = db_.transaction([&](store::Connection& c) {
    auto t = usable_token(c, token, kPurposeContact, now);
    auto a = repo::find_account(c, t.account_id);
    if (!a || !t.new_value) throw Error(codes::kTokenInvalid);
    const bool email = t.purpose == "contact_email";
    if (auto other = repo::find_account_by_login(c, *t.new_value); other && other->id != a->id)
      throw Error(codes::kTokenInvalid);
    if (!repo::use_token(c, t.id, now)) throw Error(codes::kTokenUsed);
    std::optional<std::string> old = email ? a->email : a->phone;
    if (email)
      repo::update_email(c, a->id, *t.new_value, now);
    else
      repo::update_phone(c, a->id, *t.new_value, now);
    retire_pending_links(c, a->id, now);
    ContactChange out{email ? "email" : "phone", *t.new_value, display_login(*t.new_value)};
    // SPEC 9: the old address is told that it changed.
    if (old && *old != *t.new_value)
      notify::enqueue(c, templates_.contact_changed(*old, out.display, now), now);
    audit::record(c, now, actor_of(a->id, meta), "contact_changed", {{"kind", out.kind}});
    return out;
  });
  notify_queued();
  return change;
}

void PassService::change_password(const Principal& p, const std::string& current,
                                  const std::string& password, const std::string& password_confirm,
                                  const RequestMeta& meta) {
  if (current.empty()) throw Error::field("current_password", "required");
  check_current_password(p, current, meta);
  auto history =
      db_.with([&](store::Connection& c) { return repo::password_history(c, p.account.id); });
  std::string hash =
      hash_checked_password("password", password, "password_confirm", password_confirm, history);
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    repo::update_password(c, p.account.id, hash, now);
    repo::add_password_history(c, p.account.id, hash, now);
    repo::delete_sessions_except(c, p.account.id, p.session.id);
    retire_pending_links(c, p.account.id, now);
    notify::enqueue(c, templates_.password_changed(p.account.primary_login_id(), now), now);
    audit::record(c, now, actor_of(p.account.id, meta), "password_changed");
  });
  auth::tell(access_ended_, auth::AccessEnded::sessions_of(p.account.id, p.session.id));
  notify_queued();
}

std::vector<Session> PassService::sessions(const Principal& p) {
  return db_.with([&](store::Connection& c) { return repo::list_sessions(c, p.account.id); });
}

std::int64_t PassService::end_other_sessions(const Principal& p, const RequestMeta& meta) {
  const auto n = db_.with([&](store::Connection& c) {
    auto n = repo::delete_sessions_except(c, p.account.id, p.session.id);
    audit::record(c, clock_.now(), actor_of(p.account.id, meta), "sessions_ended",
                  {{"count", std::to_string(n)}});
    return n;
  });
  auth::tell(access_ended_, auth::AccessEnded::sessions_of(p.account.id, p.session.id));
  return n;
}

void PassService::end_session(const Principal& p, std::int64_t session_id,
                              const RequestMeta& meta) {
  db_.with([&](store::Connection& c) {
    if (!repo::delete_account_session(c, p.account.id, session_id)) throw Error(codes::kNotFound);
    audit::record(c, clock_.now(), actor_of(p.account.id, meta), "session_ended");
  });
  auth::tell(access_ended_, auth::AccessEnded::session_of(p.account.id, session_id));
}

std::int64_t PassService::create_confirmed_account(const NormalizedSignup& s,
                                                   const std::optional<std::string>& password,
                                                   const audit::Actor& by) {
  FieldErrorSet errors;
  if (password)
    for (const auto& code : check_new_password(*password)) errors.add("password", code);
  errors.throw_if_any();
  const auto now = clock_.now();
  // No password yet: the hash of a random secret nobody knows.
  std::string hash = hasher_.hash(password ? *password : core::random_token());
  return db_.transaction([&](store::Connection& c) {
    if (repo::find_account_by_login(c, s.login_id))
      throw Error::field(s.contact_kind == "email" ? "email" : "phone", "contact_taken");
    Account a;
    a.family_name = s.family_name;
    a.given_name = s.given_name;
    a.family_name_kana = s.family_name_kana;
    a.given_name_kana = s.given_name_kana;
    if (s.contact_kind == "email")
      a.email = s.login_id;
    else
      a.phone = s.login_id;
    a.password_hash = hash;
    a.id = repo::insert_account(c, a, now);
    repo::add_password_history(c, a.id, hash, now);
    audit::record(c, now, by.with_account(a.id), "account_created_by_admin");
    return a.id;
  });
}

AccountFor PassService::account_for(const NormalizedSignup& s,
                                    const std::optional<std::string>& password,
                                    const audit::Actor& by) {
  auto existing =
      db_.with([&](store::Connection& c) { return repo::find_account_by_login(c, s.login_id); });
  if (!existing) return {create_confirmed_account(s, password, by), true};
  hasher_.hash(password ? *password : core::random_token());  // as long as making one
  return {existing->id, false};
}

std::string PassService::issue_password_link(store::Connection& c, std::int64_t account_id,
                                             const std::string& login_id) {
  const auto now = clock_.now();
  repo::retire_tokens(c, account_id, kPurposeReset, now);
  std::string token = core::random_token();
  AccountToken t;
  t.account_id = account_id;
  t.purpose = kPurposeReset;
  t.new_value = login_id;
  t.created_at = now;
  t.expires_at = now + kLinkLifetime;
  repo::insert_token(c, t, core::token_hash(token));
  return url("/password/reset", token);
}

}  // namespace carelive::pass
