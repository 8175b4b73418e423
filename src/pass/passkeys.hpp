#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "pass/model.hpp"
#include "pass/webauthn.hpp"
#include "store/database.hpp"

namespace carelive::pass {

// What a challenge is for; each is bound to its purpose and to the session that asked (none for
// the login page's sign-in), so it answers nothing else.
// confirm: the second factor asked again before something that cannot be undone (deleting the
// Pass).
enum class Ceremony : std::uint8_t { registration = 1, sign_in = 2, second_step = 3, confirm = 4 };

struct PasskeyInfo {
  std::int64_t id = 0;
  std::string user_agent;  // of the browser it was registered in: the app names the device
  bool synced = false;     // kept by a passkey provider across the person's devices
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> last_used_at;
};

// An account's passkeys (WebAuthn, SPEC 15): the options a browser is handed, and the checks of
// what it answers (webauthn.hpp) against the challenges and the stored credentials. Each
// function works in the caller's connection; who may do what, the audit log and the notices are
// PassService's.
//
// Challenges need no row until they are answered: 16 random bytes, the expiry and a MAC (keyed
// from the server secret) over them, the ceremony and the session. An answer writes the
// challenge's hash to `webauthn_challenges_used`, so each is answered once, within minutes.
class Passkeys {
 public:
  static constexpr core::UnixSeconds kChallengeSeconds = 5 * 60;

  // `public_url` gives the relying party (its host) and the origin; `rp_name` is shown by the
  // browser's passkey dialog.
  Passkeys(std::string_view server_secret, std::string_view public_url, std::string rp_name);

  // False where browsers cannot use passkeys for this public URL (an IP address, plain http on a
  // real host): every other function answers core::Error passkeys_unavailable.
  bool available() const { return rp_.has_value(); }

  // PublicKeyCredentialCreationOptions (binary members base64url) for `account`: ES256, EdDSA
  // or RS256, a discoverable credential, user verification, attestation "none", the account's
  // passkeys excluded.
  nlohmann::json registration_options(store::Connection& c, const Account& account,
                                      std::int64_t session_id, core::UnixSeconds now) const;
  // Checks and stores the browser's answer ({id, client_data_json, attestation_object}).
  // Throws webauthn::Refused, or core::Error passkey_exists when the credential is registered.
  PasskeyInfo add(store::Connection& c, std::int64_t account_id, std::int64_t session_id,
                  const nlohmann::json& response, const std::string& user_agent,
                  core::UnixSeconds now) const;

  // PublicKeyCredentialRequestOptions: for the login page (`allow` empty: any discoverable
  // passkey of this site) or for the second step (the account's passkeys).
  nlohmann::json request_options(Ceremony ceremony, std::int64_t session_id,
                                 const std::vector<std::string>& allow,
                                 core::UnixSeconds now) const;
  // Checks the browser's answer ({id, client_data_json, authenticator_data, signature}) and
  // records the use; returns the account the passkey belongs to. Throws webauthn::Refused (also
  // for an unknown passkey, or one whose sign count went back: a cloned authenticator).
  std::int64_t verify(store::Connection& c, Ceremony ceremony, std::int64_t session_id,
                      const nlohmann::json& response, core::UnixSeconds now) const;

  std::vector<PasskeyInfo> list(store::Connection& c, std::int64_t account_id) const;
  // Credential ids (base64url) of the account's passkeys.
  std::vector<std::string> credential_ids(store::Connection& c, std::int64_t account_id) const;

 private:
  const webauthn::RelyingParty& rp() const;
  std::string challenge(Ceremony ceremony, std::int64_t session_id, core::UnixSeconds now) const;
  // Takes the challenge a response answers, once; throws Refused(wrong_challenge) otherwise.
  std::string take_challenge(store::Connection& c, Ceremony ceremony, std::int64_t session_id,
                             const std::string& client_data_json, core::UnixSeconds now) const;
  std::string user_handle(std::int64_t account_id) const;

  std::optional<webauthn::RelyingParty> rp_;
  std::string rp_name_;
  std::string challenge_key_;
  std::string handle_key_;
};

}  // namespace carelive::pass
