#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

// Passkeys (WebAuthn Level 2, SPEC 15): checking what a browser's navigator.credentials answers.
// The signatures and the authenticator data are libfido2's (with libcbor for the attestation
// object); here are only the WebAuthn rules around them: the client data's type, challenge and
// origin, the relying party's id hash, the user-present and user-verified flags.
namespace carelive::pass::webauthn {

// Who asks: the relying party id is the host of the public URL (WebAuthn §5.1.2); the origin is
// the public URL's scheme, host and port as a browser writes it.
struct RelyingParty {
  std::string id;      // "care.example.jp"
  std::string origin;  // "https://care.example.jp"

  // From the public URL; nullopt where passkeys cannot work: an IP address is no relying party
  // id (browsers refuse it), and a plain-http origin other than localhost is no secure context.
  static std::optional<RelyingParty> of(std::string_view public_url);
};

// Why a response was refused, for the audit log and the tests; the person sees one message.
enum class Refusal {
  malformed,          // not base64url, not JSON, not CBOR, not authenticator data
  wrong_type,         // clientDataJSON.type is not webauthn.create / webauthn.get
  wrong_challenge,    // not the challenge this response was asked with
  wrong_origin,       // another origin, or a cross-origin iframe
  wrong_rp,           // rpIdHash is not SHA-256 of our relying party id
  user_not_present,   // UP flag missing
  user_not_verified,  // UV flag missing where it is required
  unsupported_key,    // a key type libfido2 does not verify here
  bad_signature,
  unknown_credential,  // no passkey of this id (or not the waiting account's)
  count_went_back,     // the sign count did not grow: perhaps a cloned authenticator
};

const char* name(Refusal r);

class Refused : public std::runtime_error {
 public:
  explicit Refused(Refusal r) : std::runtime_error(name(r)), reason_(r) {}
  Refusal reason() const { return reason_; }

 private:
  Refusal reason_;
};

// COSE algorithms asked for at registration, in order of preference (WebAuthn §5.3).
inline constexpr int kEs256 = -7;
inline constexpr int kEdDsa = -8;
inline constexpr int kRs256 = -257;

// A credential a registration made: what sign-ins are checked against.
struct Credential {
  std::string id;          // the credential id (raw bytes)
  int algorithm = kEs256;  // COSE algorithm of the key
  std::string public_key;  // the key as libfido2 keeps it (ES256: x‖y; EdDSA: 32 bytes; RS256: n‖e)
  std::uint32_t sign_count = 0;
  bool user_verified = false;
  bool backup_eligible = false;  // a synced passkey (BE flag), not bound to one device
};

// A registration (navigator.credentials.create, attestation "none"): the base64url fields of
// the browser's AuthenticatorAttestationResponse. The attestation statement is not checked (we
// ask for none); throws Refused.
Credential verify_registration(const RelyingParty& rp, std::string_view expected_challenge,
                               std::string_view client_data_json_b64,
                               std::string_view attestation_object_b64, bool require_uv);

struct Assertion {
  std::uint32_t sign_count = 0;
  bool user_verified = false;
};

// A sign-in (navigator.credentials.get) with the stored credential `key`: the base64url fields
// of an AuthenticatorAssertionResponse. Throws Refused. The sign count is the caller's to
// compare (it keeps the last one).
Assertion verify_assertion(const RelyingParty& rp, std::string_view expected_challenge,
                           const Credential& key, std::string_view client_data_json_b64,
                           std::string_view authenticator_data_b64, std::string_view signature_b64,
                           bool require_uv);

// The challenge (base64url) a clientDataJSON answers: how a response finds the challenge it
// was asked with. nullopt when the client data is not readable.
std::optional<std::string> challenge_of(std::string_view client_data_json_b64);

// WebAuthn §6.1.1: a sign count that does not grow (both non-zero) may mean a cloned
// authenticator. Authenticators that keep no count always send 0.
bool sign_count_plausible(std::uint32_t stored, std::uint32_t presented);

}  // namespace carelive::pass::webauthn
