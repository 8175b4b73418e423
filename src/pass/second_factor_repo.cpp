#include "pass/second_factor_repo.hpp"

#include "store/rows.hpp"

namespace carelive::pass::second_factor_repo {
namespace sql {

constexpr const char* kSelectTotp =
    "SELECT secret_sealed, created_at, confirmed_at, last_step FROM totp_factors "
    "WHERE account_id = ?";
constexpr const char* kDeleteTotp = "DELETE FROM totp_factors WHERE account_id = ?";
constexpr const char* kInsertTotp =
    "INSERT INTO totp_factors (account_id, secret_sealed, created_at) VALUES (?, ?, ?)";
constexpr const char* kConfirmTotp =
    "UPDATE totp_factors SET confirmed_at = ? WHERE account_id = ?";
constexpr const char* kTakeStep =
    "UPDATE totp_factors SET last_step = ? WHERE account_id = ? AND last_step < ?";

constexpr const char* kDeleteRecoveryCodes = "DELETE FROM recovery_codes WHERE account_id = ?";
constexpr const char* kInsertRecoveryCode =
    "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?, ?, ?)";
constexpr const char* kUseRecoveryCode =
    "UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? "
    "AND used_at IS NULL";
constexpr const char* kCountUnusedRecoveryCodes =
    "SELECT COUNT(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL";

}  // namespace sql

std::optional<TotpFactor> find_totp(Connection& c, std::int64_t account_id) {
  return store::first_of(c.exec(sql::kSelectTotp, {account_id}), [](store::Columns& r) {
    return TotpFactor{r.text(), r.integer(), r.opt_integer(), r.integer()};
  });
}

void put_totp(Connection& c, std::int64_t account_id, const std::string& secret_sealed,
              core::UnixSeconds now) {
  c.exec(sql::kDeleteTotp, {account_id});
  c.exec(sql::kInsertTotp, {account_id, secret_sealed, now});
}

void confirm_totp(Connection& c, std::int64_t account_id, core::UnixSeconds now) {
  c.exec(sql::kConfirmTotp, {now, account_id});
}

bool take_step(Connection& c, std::int64_t account_id, std::int64_t step) {
  return c.exec(sql::kTakeStep, {step, account_id, step}).affected == 1;
}

void delete_totp(Connection& c, std::int64_t account_id) { c.exec(sql::kDeleteTotp, {account_id}); }

void replace_recovery_codes(Connection& c, std::int64_t account_id,
                            const std::vector<std::string>& hashes, core::UnixSeconds now) {
  c.exec(sql::kDeleteRecoveryCodes, {account_id});
  for (const auto& hash : hashes) c.exec(sql::kInsertRecoveryCode, {account_id, hash, now});
}

bool use_recovery_code(Connection& c, std::int64_t account_id, const std::string& hash,
                       core::UnixSeconds now) {
  return c.exec(sql::kUseRecoveryCode, {now, account_id, hash}).affected == 1;
}

std::int64_t unused_recovery_codes(Connection& c, std::int64_t account_id) {
  return c.exec(sql::kCountUnusedRecoveryCodes, {account_id}).first().integer(0);
}

void delete_recovery_codes(Connection& c, std::int64_t account_id) {
  c.exec(sql::kDeleteRecoveryCodes, {account_id});
}

}  // namespace carelive::pass::second_factor_repo
