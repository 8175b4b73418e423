#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "notify/seal.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::pass {

// What the set-up page shows: the QR code of the otpauth:// URI and the secret as text.
struct TotpSetup {
  std::string secret_base32;
  std::string uri;
  std::string qr_svg;
};

struct SecondFactorStatus {
  bool totp = false;  // an authenticator app is set up (confirmed)
  std::int64_t passkeys = 0;
  std::int64_t recovery_codes_left = 0;
};

// How a second step was passed.
enum class SecondFactorUsed { totp, recovery_code };

// The second factors of accounts (SPEC 15): authenticator apps (TOTP, RFC 6238) and single-use
// recovery codes; passkeys (Passkeys, passkeys.hpp) count as one here too. Each function works in
// the caller's connection (a transaction when it writes) and checks the codes only; who may do
// what, throttling and the audit log are the caller's (PassService).
class SecondFactors {
 public:
  static constexpr std::size_t kRecoveryCodes = 10;

  // `server_secret` gives the keys (sealing TOTP secrets, hashing recovery codes); `issuer`
  // names the service in the authenticator app.
  SecondFactors(std::string_view server_secret, std::string issuer);

  SecondFactorStatus status(store::Connection& c, std::int64_t account_id) const;
  bool has_second_factor(store::Connection& c, std::int64_t account_id) const;

  // A new secret for `account` (the app's label: its login id), replacing one not yet confirmed.
  // core::Error second_factor_exists when an app is set up already.
  TotpSetup begin_totp(store::Connection& c, const Account& account, core::UnixSeconds now) const;
  // The first code from the app confirms the secret; returns the new recovery codes (shown
  // once). A field error on `code` when it is wrong or no set-up was begun.
  std::vector<std::string> confirm_totp(store::Connection& c, std::int64_t account_id,
                                        std::string_view code, core::UnixSeconds now) const;
  // A code at sign-in: the app's current code (each time step once) or an unused recovery code
  // (then used up). nullopt when neither.
  std::optional<SecondFactorUsed> accept(store::Connection& c, std::int64_t account_id,
                                         std::string_view code, core::UnixSeconds now) const;
  // Ten new recovery codes; the earlier ones stop working.
  std::vector<std::string> renew_recovery_codes(store::Connection& c, std::int64_t account_id,
                                                core::UnixSeconds now) const;
  // The app, the recovery codes and the passkeys go.
  void remove(store::Connection& c, std::int64_t account_id) const;

  // "ab3k7-x9mqp" → "ab3k7x9mqp": what a typed recovery code is compared as (case, spaces,
  // hyphens and 全角 do not matter).
  static std::string normalized_code(std::string_view typed);

 private:
  std::string recovery_hash(std::string_view normalized) const;

  notify::Sealer sealer_;
  std::string code_key_;
  std::string issuer_;
};

}  // namespace carelive::pass
