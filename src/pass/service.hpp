#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/actor.hpp"
#include "auth/access.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "notify/templates.hpp"
#include "pass/model.hpp"
#include "pass/passkeys.hpp"
#include "pass/second_factor.hpp"
#include "pass/settings.hpp"
#include "pass/throttle.hpp"
#include "store/database.hpp"

namespace carelive::pass {

struct SignupInput {
  std::string family_name, given_name, family_name_kana, given_name_kana;
  std::string contact_kind;  // "email" | "phone"
  std::string email, email_confirm, phone;
  std::string password, password_confirm;
  std::optional<std::string> after_confirm;  // set by the Live application flow
};

struct NormalizedSignup {
  std::string family_name, given_name, family_name_kana, given_name_kana;
  std::string contact_kind;
  std::string login_id;       // lower-case email or E.164
  std::string phone_display;  // national format, phone sign-ups only
};

enum class ConfirmOutcome { completed, already_completed };

struct AccountFor {
  std::int64_t id = 0;
  bool created = false;
};

struct LoginResult {
  Account account;
  std::string session_token;
  std::int64_t cookie_max_age = 0;  // seconds until the session's absolute end
  // full: signed in. second_factor / setup: the password was right and the session is good for
  // the second step only (SPEC 15): the code, or setting up a second factor first.
  auth::SessionStage stage = auth::SessionStage::full;
};

// A second factor set up: the recovery codes to show once, and, when it completed a sign-in
// that waited for it (the policy's set-up after the password), the full session.
struct SecondFactorAdded {
  std::vector<std::string> recovery_codes;
  std::optional<LoginResult> signed_in;
};

struct SecondFactorState {
  SecondFactorStatus factors;
  std::vector<PasskeyInfo> passkeys;
  bool required = false;  // the policy asks it of this account (staff or operator)
};

struct ResetInfo {
  std::string account_name;
  std::string login_id;  // as the message was sent: email, or the number's display form
  std::string login_kind;
};

struct ContactChange {
  std::string kind;  // "email" | "phone"
  std::string value;
  std::string display;
};

// Whether an account is staff (the staff table lives in live/, above pass/): staff and operator
// sessions are short (SPEC), a new one from the start and an open one from the next use.
using StaffCheck = std::function<bool(store::Connection&, const Account&)>;
// Runs after a sign-up that carried `after_confirm` made its account (SPEC 1.2: the Live
// application is submitted once the new Pass is confirmed). `account`: the new account, from
// the address of the request that confirmed it. Returns what the person waits for next (SPEC 14:
// the applications the facility approves next), handed back by confirm_signup; null for nothing.
// Runs inside the transaction that sets a password through a password link (reset, or the
// welcome link of an account made for someone): the person has shown they hold the login id.
// App sets it to StaffInvitations::accept_for_new_account.
using PasswordLinkHook =
    std::function<void(store::Connection&, const audit::Actor& account, core::UnixSeconds now)>;
using ConfirmedHook =
    std::function<nlohmann::json(const audit::Actor& account, const std::string& after_confirm)>;

// CareLive Pass: sign-up, confirmation, login, sessions, reset, account changes (SPEC 2, 3, 6, 9).
// Every function blocks (database, Argon2id): call them from the worker pool.
class PassService {
 public:
  // `sessions` and `throttle` are read on every use (they belong to the caller and outlive this).
  PassService(store::Database& db, const core::Clock& clock, std::string public_url,
              const SessionSettings& sessions, const ThrottleSettings& throttle,
              const SecuritySettings& security, const SecondFactors& factors,
              const Passkeys& passkeys, const core::PasswordHasher& hasher,
              const notify::Templates& templates, std::function<void()> messages_queued = {});

  NormalizedSignup validate_signup(const SignupInput& in) const;
  // Always the same answer (no enumeration): a taken address is told so by message instead.
  void signup(const SignupInput& in, const RequestMeta& meta);
  // `awaiting`, when given: what the confirmed-hook returned (null when it did not run).
  ConfirmOutcome confirm_signup(const std::string& token, const RequestMeta& meta,
                                std::int64_t* account_id = nullptr,
                                nlohmann::json* awaiting = nullptr);

  LoginResult login(const std::string& login_id, const std::string& password,
                    const RequestMeta& meta);
  // The session of the token, at whatever stage (the router lets only full ones past its
  // authenticated routes).
  std::optional<Principal> authenticate(const std::string& session_token);

  // Two-step sign-in (SPEC 15; service_second_factor.cpp). The second step of a sign-in whose
  // password was right: the authenticator app's code or a recovery code. Throttled like
  // passwords; a new full session replaces the waiting one.
  LoginResult second_step(const Principal& waiting, const std::string& code,
                          const RequestMeta& meta);
  SecondFactorState second_factor_state(const Principal& p);
  // Setting up an authenticator app, from a full session or one the policy holds at set-up.
  TotpSetup begin_totp(const Principal& p, const RequestMeta& meta);
  SecondFactorAdded confirm_totp(const Principal& p, const std::string& code,
                                 const RequestMeta& meta);
  // After the current password: new recovery codes; or the second factor off (not where the
  // policy requires one: second_factor_required).
  std::vector<std::string> renew_recovery_codes(const Principal& p, const std::string& current,
                                                const RequestMeta& meta);
  void turn_off_second_factor(const Principal& p, const std::string& current,
                              const RequestMeta& meta);
  // A facility admin's reset of a staff member's second factor, in the caller's transaction:
  // the factors go, the person's sessions end (they set one up again at the next login), the
  // person is told. `by` did it (audited). Tell the access listener after the commit
  // (sessions_ended).
  // `facility_id`: the facility whose admin reset it (the row's scope in the audit log).
  void reset_second_factor(store::Connection& c, const Account& account, const audit::Actor& by,
                           std::optional<std::int64_t> facility_id = std::nullopt);

  // Deleting the Pass (SPEC 15; service_delete.cpp): after the current password and, when the
  // account has a second factor, its code (app or recovery) or a passkey (`passkey`: the answer
  // to confirm_passkey_options). Refused for staff and operators (hand_over_first). `others`
  // runs in the deletion's transaction before the account's own data goes: the other domains'
  // part. Every session ends.
  struct Deletion {
    std::string current_password;
    std::string code;
    nlohmann::json passkey;  // null: none
  };
  using DeletionHook = std::function<void(store::Connection&, const Account&, core::UnixSeconds)>;
  void delete_account(const Principal& p, const Deletion& d, const RequestMeta& meta,
                      const DeletionHook& others);
  nlohmann::json confirm_passkey_options(const Principal& p);

  // Passkeys (SPEC 15; service_passkey.cpp). Registering one, from a full session or one the
  // policy holds at set-up: the options for navigator.credentials.create, then its answer (the
  // first second factor comes with recovery codes). Removing one needs the current password;
  // the last one turns two-step sign-in off, where the policy allows it.
  bool passkeys_available() const;
  nlohmann::json passkey_registration_options(const Principal& p);
  SecondFactorAdded add_passkey(const Principal& p, const nlohmann::json& response,
                                const RequestMeta& meta);
  void remove_passkey(const Principal& p, std::int64_t id, const std::string& current,
                      const RequestMeta& meta);
  // Signing in with a passkey instead of password and code (it verified the person: PIN or
  // fingerprint), throttled by client address; or as the second step after the password.
  nlohmann::json passkey_sign_in_options();
  LoginResult sign_in_with_passkey(const nlohmann::json& response, const RequestMeta& meta);
  nlohmann::json second_step_passkey_options(const Principal& waiting);
  LoginResult second_step_with_passkey(const Principal& waiting, const nlohmann::json& response,
                                       const RequestMeta& meta);
  void sessions_ended(std::int64_t account_id) const;
  void logout(const Principal& p, const RequestMeta& meta);

  void request_password_reset(const std::string& login_id, const RequestMeta& meta);
  ResetInfo inspect_password_reset(const std::string& token);
  void complete_password_reset(const std::string& token, const std::string& password,
                               const std::string& password_confirm, const RequestMeta& meta);

  Account change_names(const Principal& p, const std::string& family, const std::string& given,
                       const RequestMeta& meta);
  Account change_kana(const Principal& p, const std::string& family, const std::string& given,
                      const RequestMeta& meta);
  void request_contact_change(const Principal& p, const std::string& kind, const std::string& value,
                              const std::string& current_password, const RequestMeta& meta);
  ContactChange confirm_contact_change(const std::string& token, const RequestMeta& meta);
  void change_password(const Principal& p, const std::string& current, const std::string& password,
                       const std::string& password_confirm, const RequestMeta& meta);

  // The session behind an open connection, while it lasts (the rules of authenticate()); an
  // ended or expired one is deleted and nullopt. `in_use`: the connection is busy (a call), which
  // counts as use like a request does.
  std::optional<Session> live_session(std::int64_t session_id, bool in_use);

  std::vector<Session> sessions(const Principal& p);
  std::int64_t end_other_sessions(const Principal& p, const RequestMeta& meta);
  void end_session(const Principal& p, std::int64_t session_id, const RequestMeta& meta);

  // For the admin command line and the Live layer: an account without a confirmation link.
  // Without a password the account cannot log in until a password link is used.
  // `by` made it: the audit entry names the new account and `by`'s address.
  std::int64_t create_confirmed_account(const NormalizedSignup& s,
                                        const std::optional<std::string>& password,
                                        const audit::Actor& by);
  // The account of `s.login_id`, made as create_confirmed_account makes it when there is none.
  // It costs the same either way (a password hash is computed for an existing account too), so
  // the time of an answer built on it does not tell whether the account existed.
  AccountFor account_for(const NormalizedSignup& s, const std::optional<std::string>& password,
                         const audit::Actor& by);
  // A 24-hour single-use password link (the reset page) for `login_id`, inside the caller's
  // transaction; returns the URL for the caller's own message (e.g. new staff).
  std::string issue_password_link(store::Connection& c, std::int64_t account_id,
                                  const std::string& login_id);
  // The account just became staff or operator: its open sessions get the staff limits now, in
  // the caller's transaction (lasting() also notices, at most a minute late, when this was
  // missed).
  void hold_to_staff_limits(store::Connection& c, std::int64_t account_id);
  void set_staff_check(StaffCheck check) { staff_check_ = std::move(check); }
  void set_confirmed_hook(ConfirmedHook hook) { confirmed_hook_ = std::move(hook); }
  void set_password_link_hook(PasswordLinkHook hook) { password_link_hook_ = std::move(hook); }
  // Told of every refused login: "password" (wrong id or password) or "throttled" (the
  // metric carelive_login_failures_total; serve() sets it).
  void set_login_failure_hook(std::function<void(std::string_view reason)> hook) {
    login_failed_ = std::move(hook);
  }
  // Told after logout, a password change or reset and ended sessions (open sockets close).
  void set_access_listener(auth::AccessListener listener) { access_ended_ = std::move(listener); }

  // Reset links made so far, for known and unknown ids alike (both take the same steps: tests).
  std::uint64_t reset_links_built() const { return reset_links_built_.load(); }

  static constexpr std::int64_t kLinkLifetime = 24 * 3600;  // SPEC: every link 24 hours

 private:
  std::string url(const std::string& path, const std::string& token = "") const;
  void notify_queued() const;
  bool link_quota(std::int64_t account_id);
  std::string hash_checked_password(const std::string& field, const std::string& password,
                                    const std::string& confirm_field, const std::string& confirm,
                                    const std::vector<std::string>& history) const;
  void check_current_password(const Principal& p, const std::string& current,
                              const RequestMeta& meta);
  Session create_session(store::Connection& c, const Account& a, const RequestMeta& meta,
                         std::string& token, auth::SessionStage stage = auth::SessionStage::full);
  // Where a right password leads: the second step when the account has a second factor, its
  // set-up when the policy requires one, else straight in.
  auth::SessionStage stage_after_password(store::Connection& c, const Account& a) const;
  // The waiting session ends and a full one begins (a fresh token: the one that waited never
  // signs in).
  LoginResult finish_sign_in(const Principal& waiting, const RequestMeta& meta,
                             const nlohmann::json& how);
  // The throttle's keys of a second step: its account, and the client's address.
  static std::string code_key(const Principal& p);
  static std::string address_key_of(const RequestMeta& meta);
  // Throttles a code guess like a password; the refused guess is audited as `event`_throttled.
  LoginThrottle::Admission admit_code(const Principal& p, const RequestMeta& meta,
                                      const char* event);
  void code_failed(const Principal& p, const RequestMeta& meta,
                   const LoginThrottle::Admission& admission, const char* event);
  void tell_second_factor(store::Connection& c, const Account& a, notify::SecondFactorChange what,
                          core::UnixSeconds now);
  // Staff anywhere or operator now: such sessions get the short limits.
  bool is_staff(store::Connection& c, const Account& a) const;
  std::optional<Session> lasting(store::Connection& c, std::optional<Session> s,
                                 const std::optional<Account>& a, core::UnixSeconds now, bool used);

  store::Database& db_;
  const core::Clock& clock_;
  const std::string public_url_;
  const SessionSettings& sessions_;
  const ThrottleSettings& limits_;
  const SecuritySettings& security_;
  const SecondFactors& factors_;
  const Passkeys& passkeys_;
  const core::PasswordHasher& hasher_;
  const notify::Templates& templates_;
  std::function<void()> messages_queued_;
  LoginThrottle throttle_;
  std::string dummy_hash_;
  StaffCheck staff_check_;
  ConfirmedHook confirmed_hook_;
  PasswordLinkHook password_link_hook_;
  auth::AccessListener access_ended_;
  std::function<void(std::string_view)> login_failed_;
  std::atomic<std::uint64_t> reset_links_built_{0};
};

}  // namespace carelive::pass
