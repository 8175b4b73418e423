#include "pass/passkeys.hpp"

#include <sodium.h>

#include <array>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "pass/second_factor_repo.hpp"
#include "push/base64url.hpp"

namespace carelive::pass {

namespace codes = core::codes;
namespace rows = second_factor_repo;

using nlohmann::json;
using webauthn::Refusal;
using webauthn::Refused;

namespace {

constexpr std::size_t kNonceSize = 16;
constexpr std::size_t kMacSize = 16;
constexpr std::size_t kChallengeSize = kNonceSize + 8 + kMacSize;
// Base64url members of a browser's answer are a few hundred bytes; RS256 keys and long client
// data stay far below this.
constexpr std::size_t kMemberLimit = 16 * 1024;

std::string member(const json& response, const char* key, bool required = true) {
  const auto it = response.find(key);
  if (it == response.end() || !it->is_string()) {
    if (required) throw Refused(Refusal::malformed);
    return {};
  }
  auto text = it->get<std::string>();
  if (text.size() > kMemberLimit || (required && text.empty())) throw Refused(Refusal::malformed);
  return text;
}

void put_be64(unsigned char* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<unsigned char>(v & 0xff);
}

std::uint64_t get_be64(const unsigned char* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

// MAC over what a challenge is for: ceremony, session, nonce and expiry (BLAKE2b, keyed).
std::array<unsigned char, kMacSize> mac_of(const std::string& key, Ceremony ceremony,
                                           std::int64_t session_id, const unsigned char* nonce,
                                           const unsigned char* expiry) {
  std::array<unsigned char, 1 + 8 + kNonceSize + 8> input{};
  input[0] = static_cast<unsigned char>(ceremony);
  put_be64(input.data() + 1, static_cast<std::uint64_t>(session_id));
  std::copy(nonce, nonce + kNonceSize, input.begin() + 9);
  std::copy(expiry, expiry + 8, input.begin() + 9 + kNonceSize);
  std::array<unsigned char, kMacSize> mac{};
  crypto_generichash(mac.data(), mac.size(), input.data(), input.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return mac;
}

PasskeyInfo info_of(const rows::PasskeyRow& r) {
  return {r.id, r.user_agent, r.synced, r.created_at, r.last_used_at};
}

json descriptor(const std::string& credential_id) {
  return {{"type", "public-key"}, {"id", credential_id}};
}

}  // namespace

Passkeys::Passkeys(std::string_view server_secret, std::string_view public_url, std::string rp_name)
    : rp_(webauthn::RelyingParty::of(public_url)),
      rp_name_(std::move(rp_name)),
      challenge_key_(core::derive_key(server_secret, "webauthn challenge")),
      handle_key_(core::derive_key(server_secret, "webauthn user handle")) {}

const webauthn::RelyingParty& Passkeys::rp() const {
  if (!rp_) throw core::Error(codes::kPasskeysUnavailable);
  return *rp_;
}

std::string Passkeys::challenge(Ceremony ceremony, std::int64_t session_id,
                                core::UnixSeconds now) const {
  std::array<unsigned char, kChallengeSize> bytes{};
  randombytes_buf(bytes.data(), kNonceSize);
  put_be64(bytes.data() + kNonceSize, static_cast<std::uint64_t>(now + kChallengeSeconds));
  const auto mac =
      mac_of(challenge_key_, ceremony, session_id, bytes.data(), bytes.data() + kNonceSize);
  std::copy(mac.begin(), mac.end(), bytes.begin() + kNonceSize + 8);
  return push::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string Passkeys::take_challenge(store::Connection& c, Ceremony ceremony,
                                     std::int64_t session_id, const std::string& client_data_json,
                                     core::UnixSeconds now) const {
  const auto text = webauthn::challenge_of(client_data_json);
  if (!text) throw Refused(Refusal::malformed);
  const auto bytes = push::base64url_decode(*text);
  if (!bytes || bytes->size() != kChallengeSize) throw Refused(Refusal::wrong_challenge);
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes->data());
  const auto mac = mac_of(challenge_key_, ceremony, session_id, raw, raw + kNonceSize);
  if (sodium_memcmp(mac.data(), raw + kNonceSize + 8, kMacSize) != 0)
    throw Refused(Refusal::wrong_challenge);
  const auto expires_at = static_cast<core::UnixSeconds>(get_be64(raw + kNonceSize));
  if (expires_at <= now || !rows::take_challenge(c, core::token_hash(*text), expires_at, now))
    throw Refused(Refusal::wrong_challenge);
  return *text;
}

std::string Passkeys::user_handle(std::int64_t account_id) const {
  // Opaque and stable (WebAuthn §14.6.1: no personal data in the user handle).
  return core::keyed_hash(handle_key_, std::to_string(account_id)).substr(0, 32);
}

json Passkeys::registration_options(store::Connection& c, const Account& account,
                                    std::int64_t session_id, core::UnixSeconds now) const {
  const auto& party = rp();
  json exclude = json::array();
  for (const auto& id : credential_ids(c, account.id)) exclude.push_back(descriptor(id));
  json params = json::array();
  for (int alg : {webauthn::kEs256, webauthn::kEdDsa, webauthn::kRs256})
    params.push_back({{"type", "public-key"}, {"alg", alg}});
  return {{"challenge", challenge(Ceremony::registration, session_id, now)},
          {"rp", {{"id", party.id}, {"name", rp_name_}}},
          {"user",
           {{"id", push::base64url_encode(user_handle(account.id))},
            {"name", account.primary_login_id()},
            {"displayName", account.family_name + " " + account.given_name}}},
          {"pubKeyCredParams", params},
          {"timeout", kChallengeSeconds * 1000},
          {"excludeCredentials", exclude},
          {"authenticatorSelection",
           {{"residentKey", "required"},
            {"requireResidentKey", true},
            {"userVerification", "required"}}},
          {"attestation", "none"}};
}

PasskeyInfo Passkeys::add(store::Connection& c, std::int64_t account_id, std::int64_t session_id,
                          const json& response, const std::string& user_agent,
                          core::UnixSeconds now) const {
  const auto& party = rp();
  if (!response.is_object()) throw Refused(Refusal::malformed);
  const auto client_data = member(response, "client_data_json");
  const auto challenge = take_challenge(c, Ceremony::registration, session_id, client_data, now);
  const auto cred = webauthn::verify_registration(party, challenge, client_data,
                                                  member(response, "attestation_object"), true);
  rows::PasskeyRow row;
  row.account_id = account_id;
  row.credential_id = push::base64url_encode(cred.id);
  row.algorithm = cred.algorithm;
  row.public_key = push::base64url_encode(cred.public_key);
  row.sign_count = cred.sign_count;
  row.synced = cred.backup_eligible;
  row.user_agent = user_agent.substr(0, 512);
  row.created_at = now;
  if (!rows::insert_passkey(c, row)) throw core::Error(codes::kPasskeyExists);
  const auto stored = rows::find_passkey(c, row.credential_id);
  return info_of(*stored);
}

json Passkeys::request_options(Ceremony ceremony, std::int64_t session_id,
                               const std::vector<std::string>& allow, core::UnixSeconds now) const {
  json allowed = json::array();
  for (const auto& id : allow) allowed.push_back(descriptor(id));
  return {{"challenge", challenge(ceremony, session_id, now)},
          {"rpId", rp().id},
          {"timeout", kChallengeSeconds * 1000},
          {"allowCredentials", allowed},
          {"userVerification", ceremony == Ceremony::sign_in ? "required" : "preferred"}};
}

std::int64_t Passkeys::verify(store::Connection& c, Ceremony ceremony, std::int64_t session_id,
                              const json& response, core::UnixSeconds now) const {
  const auto& party = rp();
  if (!response.is_object()) throw Refused(Refusal::malformed);
  const auto client_data = member(response, "client_data_json");
  const auto found = rows::find_passkey(c, member(response, "id"));
  if (!found) throw Refused(Refusal::unknown_credential);
  const auto challenge = take_challenge(c, ceremony, session_id, client_data, now);
  webauthn::Credential key;
  key.algorithm = found->algorithm;
  key.public_key = push::base64url_decode(found->public_key).value_or("");
  // Instead of password and code, the passkey must have verified the person (PIN, fingerprint);
  // after the password, its presence is the second factor.
  const auto assertion = webauthn::verify_assertion(
      party, challenge, key, client_data, member(response, "authenticator_data"),
      member(response, "signature"), ceremony == Ceremony::sign_in);
  const auto stored = static_cast<std::uint32_t>(found->sign_count);
  if (!webauthn::sign_count_plausible(stored, assertion.sign_count) ||
      !rows::use_passkey(c, found->id, found->sign_count, assertion.sign_count, now))
    throw Refused(Refusal::count_went_back);
  return found->account_id;
}

std::vector<PasskeyInfo> Passkeys::list(store::Connection& c, std::int64_t account_id) const {
  std::vector<PasskeyInfo> out;
  for (const auto& r : rows::passkeys_of(c, account_id)) out.push_back(info_of(r));
  return out;
}

std::vector<std::string> Passkeys::credential_ids(store::Connection& c,
                                                  std::int64_t account_id) const {
  std::vector<std::string> out;
  for (const auto& r : rows::passkeys_of(c, account_id)) out.push_back(r.credential_id);
  return out;
}

}  // namespace carelive::pass
