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

constexpr const char* kPasskeyColumns =
    "id, account_id, credential_id, algorithm, public_key, sign_count, synced, user_agent, "
    "created_at, last_used_at";
constexpr const char* kInsertPasskey =
    "INSERT INTO passkeys (account_id, credential_id, algorithm, public_key, sign_count, synced, "
    "user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id) DO "
    "NOTHING";
constexpr const char* kCountPasskeys = "SELECT COUNT(*) FROM passkeys WHERE account_id = ?";
constexpr const char* kUsePasskey =
    "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ? AND sign_count = ?";
constexpr const char* kDeletePasskey = "DELETE FROM passkeys WHERE account_id = ? AND id = ?";
constexpr const char* kDeletePasskeys = "DELETE FROM passkeys WHERE account_id = ?";

constexpr const char* kDropExpiredChallenges =
    "DELETE FROM webauthn_challenges_used WHERE expires_at <= ?";
constexpr const char* kTakeChallenge =
    "INSERT INTO webauthn_challenges_used (challenge_hash, expires_at) VALUES (?, ?) "
    "ON CONFLICT (challenge_hash) DO NOTHING";

}  // namespace sql

namespace {

PasskeyRow passkey_of(store::Columns& r) {
  PasskeyRow p;
  p.id = r.integer();
  p.account_id = r.integer();
  p.credential_id = r.text();
  p.algorithm = static_cast<int>(r.integer());
  p.public_key = r.text();
  p.sign_count = r.integer();
  p.synced = r.integer() != 0;
  p.user_agent = r.text();
  p.created_at = r.integer();
  p.last_used_at = r.opt_integer();
  return p;
}

}  // namespace

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

bool insert_passkey(Connection& c, const PasskeyRow& row) {
  return c.exec(sql::kInsertPasskey,
                {row.account_id, row.credential_id, static_cast<std::int64_t>(row.algorithm),
                 row.public_key, row.sign_count, static_cast<std::int64_t>(row.synced),
                 row.user_agent, row.created_at})
             .affected == 1;
}

std::vector<PasskeyRow> passkeys_of(Connection& c, std::int64_t account_id) {
  return store::all_of(c.exec(std::string("SELECT ") + sql::kPasskeyColumns +
                                  " FROM passkeys WHERE account_id = ? ORDER BY id",
                              {account_id}),
                       passkey_of);
}

std::optional<PasskeyRow> find_passkey(Connection& c, const std::string& credential_id) {
  return store::first_of(c.exec(std::string("SELECT ") + sql::kPasskeyColumns +
                                    " FROM passkeys WHERE credential_id = ?",
                                {credential_id}),
                         passkey_of);
}

std::int64_t count_passkeys(Connection& c, std::int64_t account_id) {
  return c.exec(sql::kCountPasskeys, {account_id}).first().integer(0);
}

bool use_passkey(Connection& c, std::int64_t id, std::int64_t expected_count,
                 std::int64_t new_count, core::UnixSeconds now) {
  return c.exec(sql::kUsePasskey, {new_count, now, id, expected_count}).affected == 1;
}

bool delete_passkey(Connection& c, std::int64_t account_id, std::int64_t id) {
  return c.exec(sql::kDeletePasskey, {account_id, id}).affected == 1;
}

void delete_passkeys(Connection& c, std::int64_t account_id) {
  c.exec(sql::kDeletePasskeys, {account_id});
}

bool take_challenge(Connection& c, const std::string& challenge_hash, core::UnixSeconds expires_at,
                    core::UnixSeconds now) {
  c.exec(sql::kDropExpiredChallenges, {now});
  return c.exec(sql::kTakeChallenge, {challenge_hash, expires_at}).affected == 1;
}

}  // namespace carelive::pass::second_factor_repo
