#include "pass/second_factor.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "auth/totp.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/qr.hpp"
#include "core/text.hpp"
#include "pass/second_factor_repo.hpp"

namespace carelive::pass {

namespace repo = second_factor_repo;
namespace codes = core::codes;

namespace {

// Letters and digits no one mistakes for another when copying from paper (no 0/o, 1/l/i, u/v).
constexpr std::string_view kCodeAlphabet = "23456789abcdefghjkmnpqrstwxyz";
constexpr std::size_t kCodeLength = 10;  // 29^10: about 48 bits, in two groups of five

std::string new_recovery_code() {
  std::string code;
  for (std::size_t i = 0; i < kCodeLength; ++i)
    code += kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))];
  return code;
}

}  // namespace

SecondFactors::SecondFactors(std::string_view server_secret, std::string issuer)
    : sealer_(server_secret, "carelive:second-factor:v1"),
      code_key_(core::derive_key(server_secret, "carelive:recovery-code:v1")),
      issuer_(std::move(issuer)) {}

std::string SecondFactors::normalized_code(std::string_view typed) {
  std::string out;
  for (char ch : core::nfkc(typed)) {
    if (ch == ' ' || ch == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

std::string SecondFactors::recovery_hash(std::string_view normalized) const {
  return core::keyed_hash(code_key_, normalized);
}

SecondFactorStatus SecondFactors::status(store::Connection& c, std::int64_t account_id) const {
  const auto totp = repo::find_totp(c, account_id);
  return {totp && totp->confirmed_at.has_value(), repo::count_passkeys(c, account_id),
          repo::unused_recovery_codes(c, account_id)};
}

// At every login: the app's row and the passkeys, not the recovery codes' count.
bool SecondFactors::has_second_factor(store::Connection& c, std::int64_t account_id) const {
  const auto totp = repo::find_totp(c, account_id);
  return (totp && totp->confirmed_at.has_value()) || repo::count_passkeys(c, account_id) > 0;
}

TotpSetup SecondFactors::begin_totp(store::Connection& c, const Account& account,
                                    core::UnixSeconds now) const {
  const auto existing = repo::find_totp(c, account.id);
  if (existing && existing->confirmed_at) throw core::Error(codes::kSecondFactorExists);
  const auto secret = auth::totp::generate_secret();
  repo::put_totp(c, account.id, sealer_.seal(secret), now);
  const auto uri = auth::totp::uri(issuer_, account.primary_login_id(), secret);
  return {auth::totp::base32(secret), uri, core::qr_svg(uri).svg};
}

std::vector<std::string> SecondFactors::confirm_totp(store::Connection& c, std::int64_t account_id,
                                                     std::string_view code,
                                                     core::UnixSeconds now) const {
  const auto typed = normalized_code(code);  // 「１２３ ４５６」 → "123456"
  if (typed.empty()) throw core::Error::field("code", "required");
  const auto totp = repo::find_totp(c, account_id);
  if (!totp || totp->confirmed_at) throw core::Error::field("code", "code_wrong");
  const auto step = auth::totp::step_of(sealer_.open(totp->secret_sealed), typed, now);
  if (!step || !repo::take_step(c, account_id, static_cast<std::int64_t>(*step)))
    throw core::Error::field("code", "code_wrong");
  repo::confirm_totp(c, account_id, now);
  return renew_recovery_codes(c, account_id, now);
}

std::optional<SecondFactorUsed> SecondFactors::accept(store::Connection& c, std::int64_t account_id,
                                                      std::string_view code,
                                                      core::UnixSeconds now) const {
  const auto typed = normalized_code(code);  // 「１２３ ４５６」 → "123456"
  const auto totp = repo::find_totp(c, account_id);
  if (totp && totp->confirmed_at && typed.size() == auth::totp::kDigits) {
    const auto step = auth::totp::step_of(sealer_.open(totp->secret_sealed), typed, now);
    // A step at or before the last one taken is a replay: the same answer as a wrong code.
    if (step && repo::take_step(c, account_id, static_cast<std::int64_t>(*step)))
      return SecondFactorUsed::totp;
    return std::nullopt;
  }
  if (typed.size() == kCodeLength &&
      repo::use_recovery_code(c, account_id, recovery_hash(typed), now))
    return SecondFactorUsed::recovery_code;
  return std::nullopt;
}

std::vector<std::string> SecondFactors::renew_recovery_codes(store::Connection& c,
                                                             std::int64_t account_id,
                                                             core::UnixSeconds now) const {
  std::vector<std::string> shown, hashes;
  while (shown.size() < kRecoveryCodes) {
    auto code = new_recovery_code();
    auto hash = recovery_hash(code);
    if (std::find(hashes.begin(), hashes.end(), hash) != hashes.end()) continue;
    hashes.push_back(std::move(hash));
    shown.push_back(code.substr(0, kCodeLength / 2) + "-" + code.substr(kCodeLength / 2));
  }
  repo::replace_recovery_codes(c, account_id, hashes, now);
  return shown;
}

void SecondFactors::remove(store::Connection& c, std::int64_t account_id) const {
  repo::delete_totp(c, account_id);
  repo::delete_recovery_codes(c, account_id);
  repo::delete_passkeys(c, account_id);
}

}  // namespace carelive::pass
