#include "pass/webauthn.hpp"

#include <cbor.h>
#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "push/base64url.hpp"

namespace carelive::pass::webauthn {

namespace {

// Authenticator data flags (WebAuthn §6.1).
constexpr std::uint8_t kUserPresent = 0x01;
constexpr std::uint8_t kUserVerified = 0x04;
constexpr std::uint8_t kBackupEligible = 0x08;
constexpr std::size_t kRpIdHashSize = crypto_hash_sha256_BYTES;

std::string bytes_of(std::string_view b64) {
  auto bytes = push::base64url_decode(b64);
  if (!bytes || bytes->empty()) throw Refused(Refusal::malformed);
  return *bytes;
}

const unsigned char* data(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string sha256(std::string_view bytes) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

// WebAuthn §7.1 steps 7–10 and §7.2 steps 11–14: what the browser says it signed for.
void check_client_data(const RelyingParty& rp, const std::string& client_data,
                       std::string_view type, std::string_view expected_challenge) {
  const auto json = nlohmann::json::parse(client_data, nullptr, false);
  if (!json.is_object()) throw Refused(Refusal::malformed);
  const auto text = [&](const char* key) {
    const auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text("type") != type) throw Refused(Refusal::wrong_type);
  if (expected_challenge.empty() || text("challenge") != expected_challenge)
    throw Refused(Refusal::wrong_challenge);
  const auto cross = json.find("crossOrigin");
  if (text("origin") != rp.origin || (cross != json.end() && cross->is_boolean() && *cross))
    throw Refused(Refusal::wrong_origin);
}

void check_flags(std::uint8_t flags, bool require_uv) {
  if (!(flags & kUserPresent)) throw Refused(Refusal::user_not_present);
  if (require_uv && !(flags & kUserVerified)) throw Refused(Refusal::user_not_verified);
}

// The authenticator data of an attestation object: the CBOR map {fmt, attStmt, authData}
// (WebAuthn §6.5). The statement is not read: we ask for attestation "none".
std::string auth_data_of(const std::string& attestation_object) {
  cbor_load_result result{};
  std::unique_ptr<cbor_item_t, void (*)(cbor_item_t*)> item(
      cbor_load(data(attestation_object), attestation_object.size(), &result),
      [](cbor_item_t* i) { cbor_decref(&i); });
  if (!item || result.error.code != CBOR_ERR_NONE || !cbor_isa_map(item.get()))
    throw Refused(Refusal::malformed);
  const auto* pairs = cbor_map_handle(item.get());
  for (std::size_t i = 0; i < cbor_map_size(item.get()); ++i) {
    const auto* key = pairs[i].key;
    const auto* value = pairs[i].value;
    if (!cbor_isa_string(key) || !cbor_string_is_definite(key)) continue;
    const std::string_view name(reinterpret_cast<const char*>(cbor_string_handle(key)),
                                cbor_string_length(key));
    if (name != "authData") continue;
    if (!cbor_isa_bytestring(value) || !cbor_bytestring_is_definite(value)) break;
    return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(value)),
                       cbor_bytestring_length(value));
  }
  throw Refused(Refusal::malformed);
}

struct CredDeleter {
  void operator()(fido_cred_t* c) const { fido_cred_free(&c); }
};
struct AssertDeleter {
  void operator()(fido_assert_t* a) const { fido_assert_free(&a); }
};

// libfido2 reads the attested credential only for a key type named beforehand: the first of
// ours it parses as.
std::unique_ptr<fido_cred_t, CredDeleter> parsed_credential(const std::string& auth_data) {
  for (int algorithm : {kEs256, kEdDsa, kRs256}) {
    std::unique_ptr<fido_cred_t, CredDeleter> cred(fido_cred_new());
    if (!cred) throw std::bad_alloc();
    if (fido_cred_set_type(cred.get(), algorithm) == FIDO_OK &&
        fido_cred_set_authdata_raw(cred.get(), data(auth_data), auth_data.size()) == FIDO_OK)
      return cred;
  }
  throw Refused(Refusal::unsupported_key);
}

// Verifies with a key of `algorithm` made from its stored bytes.
int verify_with(const fido_assert_t* assertion, int algorithm, const std::string& key) {
  switch (algorithm) {
    case kEs256: {
      std::unique_ptr<es256_pk_t, void (*)(es256_pk_t*)> pk(
          es256_pk_new(), [](es256_pk_t* p) { es256_pk_free(&p); });
      if (!pk || es256_pk_from_ptr(pk.get(), key.data(), key.size()) != FIDO_OK) break;
      return fido_assert_verify(assertion, 0, algorithm, pk.get());
    }
    case kEdDsa: {
      std::unique_ptr<eddsa_pk_t, void (*)(eddsa_pk_t*)> pk(
          eddsa_pk_new(), [](eddsa_pk_t* p) { eddsa_pk_free(&p); });
      if (!pk || eddsa_pk_from_ptr(pk.get(), key.data(), key.size()) != FIDO_OK) break;
      return fido_assert_verify(assertion, 0, algorithm, pk.get());
    }
    case kRs256: {
      std::unique_ptr<rs256_pk_t, void (*)(rs256_pk_t*)> pk(
          rs256_pk_new(), [](rs256_pk_t* p) { rs256_pk_free(&p); });
      if (!pk || rs256_pk_from_ptr(pk.get(), key.data(), key.size()) != FIDO_OK) break;
      return fido_assert_verify(assertion, 0, algorithm, pk.get());
    }
    default:
      break;
  }
  throw Refused(Refusal::unsupported_key);
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos || host.starts_with('[')) return true;
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || ch == '.';
  });
}

}  // namespace

std::optional<RelyingParty> RelyingParty::of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos || authority.starts_with('['))
    return std::nullopt;
  std::string host(authority.substr(0, authority.find(':')));
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  std::string port;
  if (const auto colon = authority.find(':'); colon != std::string_view::npos)
    port = authority.substr(colon + 1);
  if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  if (host.empty() || is_ip_literal(host)) return std::nullopt;
  if (scheme != "https" && !(scheme == "http" && host == "localhost")) return std::nullopt;
  return RelyingParty{host, scheme + "://" + host + (port.empty() ? "" : ":" + port)};
}

const char* name(Refusal r) {
  switch (r) {
    case Refusal::malformed:
      return "malformed";
    case Refusal::wrong_type:
      return "wrong_type";
    case Refusal::wrong_challenge:
      return "wrong_challenge";
    case Refusal::wrong_origin:
      return "wrong_origin";
    case Refusal::wrong_rp:
      return "wrong_rp";
    case Refusal::user_not_present:
      return "user_not_present";
    case Refusal::user_not_verified:
      return "user_not_verified";
    case Refusal::unsupported_key:
      return "unsupported_key";
    case Refusal::bad_signature:
      return "bad_signature";
    case Refusal::unknown_credential:
      return "unknown_credential";
    case Refusal::count_went_back:
      return "count_went_back";
  }
  return "refused";
}

Credential verify_registration(const RelyingParty& rp, std::string_view expected_challenge,
                               std::string_view client_data_json_b64,
                               std::string_view attestation_object_b64, bool require_uv) {
  const auto client_data = bytes_of(client_data_json_b64);
  check_client_data(rp, client_data, "webauthn.create", expected_challenge);
  const auto auth_data = auth_data_of(bytes_of(attestation_object_b64));
  if (auth_data.size() < kRpIdHashSize) throw Refused(Refusal::malformed);
  // WebAuthn §7.1 step 13: the data is for us (libfido2 compares it only when verifying an
  // attestation statement, which "none" has not).
  if (sodium_memcmp(auth_data.data(), sha256(rp.id).data(), kRpIdHashSize) != 0)
    throw Refused(Refusal::wrong_rp);
  const auto cred = parsed_credential(auth_data);
  const auto flags = fido_cred_flags(cred.get());
  check_flags(flags, require_uv);
  Credential out;
  out.id.assign(reinterpret_cast<const char*>(fido_cred_id_ptr(cred.get())),
                fido_cred_id_len(cred.get()));
  out.algorithm = fido_cred_type(cred.get());
  out.public_key.assign(reinterpret_cast<const char*>(fido_cred_pubkey_ptr(cred.get())),
                        fido_cred_pubkey_len(cred.get()));
  out.sign_count = fido_cred_sigcount(cred.get());
  out.user_verified = (flags & kUserVerified) != 0;
  out.backup_eligible = (flags & kBackupEligible) != 0;
  if (out.id.empty() || out.public_key.empty()) throw Refused(Refusal::malformed);
  return out;
}

Assertion verify_assertion(const RelyingParty& rp, std::string_view expected_challenge,
                           const Credential& key, std::string_view client_data_json_b64,
                           std::string_view authenticator_data_b64, std::string_view signature_b64,
                           bool require_uv) {
  const auto client_data = bytes_of(client_data_json_b64);
  check_client_data(rp, client_data, "webauthn.get", expected_challenge);
  const auto auth_data = bytes_of(authenticator_data_b64);
  const auto signature = bytes_of(signature_b64);
  if (auth_data.size() < kRpIdHashSize + 5) throw Refused(Refusal::malformed);
  if (sodium_memcmp(auth_data.data(), sha256(rp.id).data(), kRpIdHashSize) != 0)
    throw Refused(Refusal::wrong_rp);
  check_flags(static_cast<std::uint8_t>(auth_data[kRpIdHashSize]), require_uv);

  std::unique_ptr<fido_assert_t, AssertDeleter> assertion(fido_assert_new());
  if (!assertion) throw std::bad_alloc();
  const auto client_data_hash = sha256(client_data);
  if (fido_assert_set_rp(assertion.get(), rp.id.c_str()) != FIDO_OK ||
      fido_assert_set_clientdata_hash(assertion.get(), data(client_data_hash),
                                      client_data_hash.size()) != FIDO_OK ||
      fido_assert_set_count(assertion.get(), 1) != FIDO_OK ||
      fido_assert_set_authdata_raw(assertion.get(), 0, data(auth_data), auth_data.size()) !=
          FIDO_OK ||
      fido_assert_set_sig(assertion.get(), 0, data(signature), signature.size()) != FIDO_OK ||
      fido_assert_set_up(assertion.get(), FIDO_OPT_TRUE) != FIDO_OK ||
      fido_assert_set_uv(assertion.get(), require_uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) != FIDO_OK)
    throw Refused(Refusal::malformed);
  if (verify_with(assertion.get(), key.algorithm, key.public_key) != FIDO_OK)
    throw Refused(Refusal::bad_signature);
  const auto flags = fido_assert_flags(assertion.get(), 0);
  return {fido_assert_sigcount(assertion.get(), 0), (flags & kUserVerified) != 0};
}

std::optional<std::string> challenge_of(std::string_view client_data_json_b64) {
  const auto bytes = push::base64url_decode(client_data_json_b64);
  if (!bytes) return std::nullopt;
  const auto json = nlohmann::json::parse(*bytes, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  const auto it = json.find("challenge");
  if (it == json.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool sign_count_plausible(std::uint32_t stored, std::uint32_t presented) {
  if (stored == 0 && presented == 0) return true;
  return presented > stored;
}

}  // namespace carelive::pass::webauthn
