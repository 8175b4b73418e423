#include "pass/webauthn.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "push/base64url.hpp"

namespace carelive::pass::webauthn {
namespace {

// Recorded from Chromium 156's virtual authenticator (CTAP2, internal transport, resident keys,
// user verification) on http://localhost:8931: navigator.credentials.create with challenge
// 32×0x01 (ES256 or RS256, attestation "none", user verification required), then
// navigator.credentials.get with challenge 32×0x02.
constexpr const char* kOrigin = "http://localhost:8931";
constexpr const char* kCreateChallenge = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
constexpr const char* kGetChallenge = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI";
constexpr const char* kCredentialId = "xlzAFkSFnvcbIB0POm0PbY1-U_sD4Bfb2vX5qsKiWNc";
constexpr const char* kCreateClientData =
    "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFFQkFRRUJBUUVCQVFFQkFRRUJBUUVCQVFFQkFR"
    "RUJBUUVCQVFFQkFRRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6ODkzMSIsImNyb3NzT3JpZ2luIjpmYWxzZX0";
constexpr const char* kAttestationObject =
    "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQEC"
    "AwQFBgcIAQIDBAUGBwgAIMZcwBZEhZ73GyAdDzptD22NflP7A-AX29r1-arColjXpQECAyYgASFYILFTiIbpMitlKvWL"
    "JyaHPVB2dhXeV6uLBOtuK2sfqba7IlggGU5ipo3jaKmaBhoOoXINZyYpRn11D7a4gKMtrri9ukQ";
constexpr const char* kGetClientData =
    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQWdJQ0FnSUNBZ0lDQWdJQ0FnSUNBZ0lDQWdJQ0FnSUNB"
    "Z0lDQWdJQ0FnSSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6ODkzMSIsImNyb3NzT3JpZ2luIjpmYWxzZX0";
constexpr const char* kAuthenticatorData = "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg";
constexpr const char* kSignature =
    "MEQCIGsfKfehwF41ibm5WfiZjbqKp_ojjPevfL9BrxYMn1YiAiAwQO_a5oGVWs5tmcGCx2Mq98Dbv7kFNxjHR3_Ho0LD"
    "Qg";

const RelyingParty kRp{"localhost", kOrigin};

Credential registered() {
  return verify_registration(kRp, kCreateChallenge, kCreateClientData, kAttestationObject, true);
}

Refusal refusal_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Refused& e) {
    return e.reason();
  }
  ADD_FAILURE() << "not refused";
  return Refusal::malformed;
}

std::string b64(std::string_view bytes) { return push::base64url_encode(bytes); }

// The recorded client data with one member changed, re-encoded.
std::string client_data_with(const char* recorded, const char* key, const nlohmann::json& value) {
  auto json = nlohmann::json::parse(*push::base64url_decode(recorded));
  json[key] = value;
  return b64(json.dump());
}

TEST(WebAuthn, ARecordedRegistrationGivesTheCredentialItsIdKeyAndFlags) {
  const auto cred = registered();
  EXPECT_EQ(b64(cred.id), kCredentialId);
  EXPECT_EQ(cred.algorithm, kEs256);
  EXPECT_EQ(cred.public_key.size(), 64u);  // P-256 x‖y
  EXPECT_EQ(cred.sign_count, 1u);
  EXPECT_TRUE(cred.user_verified);
  EXPECT_FALSE(cred.backup_eligible);
}

TEST(WebAuthn, ARecordedSignInVerifiesAgainstTheRegisteredKey) {
  const auto a = verify_assertion(kRp, kGetChallenge, registered(), kGetClientData,
                                  kAuthenticatorData, kSignature, true);
  EXPECT_EQ(a.sign_count, 2u);
  EXPECT_TRUE(a.user_verified);
  EXPECT_EQ(challenge_of(kGetClientData), kGetChallenge);
}

TEST(WebAuthn, RegistrationChecksTypeChallengeOriginAndRelyingParty) {
  EXPECT_EQ(refusal_of([] {
              verify_registration(kRp, kGetChallenge, kCreateClientData, kAttestationObject, true);
            }),
            Refusal::wrong_challenge);
  EXPECT_EQ(refusal_of([] {
              verify_registration(kRp, kCreateChallenge, kGetClientData, kAttestationObject, true);
            }),
            Refusal::wrong_type);
  EXPECT_EQ(refusal_of([] {
              verify_registration({"localhost", "http://localhost:8932"}, kCreateChallenge,
                                  kCreateClientData, kAttestationObject, true);
            }),
            Refusal::wrong_origin);
  const auto cross = client_data_with(kCreateClientData, "crossOrigin", true);
  EXPECT_EQ(refusal_of([&] {
              verify_registration(kRp, kCreateChallenge, cross, kAttestationObject, true);
            }),
            Refusal::wrong_origin);
  // The same origin string, another relying party id: the authenticator data was made for
  // "localhost".
  EXPECT_EQ(refusal_of([] {
              verify_registration({"care.example.jp", kOrigin}, kCreateChallenge, kCreateClientData,
                                  kAttestationObject, true);
            }),
            Refusal::wrong_rp);
}

TEST(WebAuthn, AnAssertionIsBoundToItsChallengeOriginKeyAndSignature) {
  const auto cred = registered();
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kCreateChallenge, cred, kGetClientData, kAuthenticatorData,
                               kSignature, true);
            }),
            Refusal::wrong_challenge);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion({"localhost", "https://localhost"}, kGetChallenge, cred,
                               kGetClientData, kAuthenticatorData, kSignature, true);
            }),
            Refusal::wrong_origin);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion({"example.jp", kOrigin}, kGetChallenge, cred, kGetClientData,
                               kAuthenticatorData, kSignature, true);
            }),
            Refusal::wrong_rp);
  // Client data the authenticator did not sign: same challenge and origin, another member.
  const auto altered = client_data_with(kGetClientData, "tokenBinding", "x");
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, cred, altered, kAuthenticatorData, kSignature,
                               true);
            }),
            Refusal::bad_signature);
  // Another key: one bit of x flipped is no longer the authenticator's.
  auto other = cred;
  other.public_key[5] = static_cast<char>(other.public_key[5] ^ 0x01);
  EXPECT_NE(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, other, kGetClientData, kAuthenticatorData,
                               kSignature, true);
            }),
            Refusal::malformed);
  // A signature of another message.
  auto sig = *push::base64url_decode(kSignature);
  sig[10] = static_cast<char>(sig[10] ^ 0x40);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, cred, kGetClientData, kAuthenticatorData,
                               b64(sig), true);
            }),
            Refusal::bad_signature);
}

TEST(WebAuthn, FlagsSayTheUserWasPresentAndVerifiedWhereRequired) {
  const auto cred = registered();
  // The flags byte follows the 32-byte rp id hash. Cleared UV: refused where required, and the
  // signature no longer matches where it is not (the flags are signed).
  auto auth = *push::base64url_decode(kAuthenticatorData);
  auth[32] = static_cast<char>(auth[32] & ~0x04);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, cred, kGetClientData, b64(auth), kSignature,
                               true);
            }),
            Refusal::user_not_verified);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, cred, kGetClientData, b64(auth), kSignature,
                               false);
            }),
            Refusal::bad_signature);
  auth[32] = static_cast<char>(auth[32] & ~0x01);
  EXPECT_EQ(refusal_of([&] {
              verify_assertion(kRp, kGetChallenge, cred, kGetClientData, b64(auth), kSignature,
                               false);
            }),
            Refusal::user_not_present);
}

TEST(WebAuthn, MalformedInputIsRefusedNotCrashed) {
  for (const char* bad : {"", "!!", "AAAA", "o2NmbXRkbm9uZQ"}) {
    EXPECT_EQ(refusal_of([&] {
                verify_registration(kRp, kCreateChallenge, kCreateClientData, bad, true);
              }),
              Refusal::malformed)
        << bad;
    EXPECT_EQ(refusal_of([&] {
                verify_assertion(kRp, kGetChallenge, registered(), kGetClientData, bad, kSignature,
                                 true);
              }),
              Refusal::malformed)
        << bad;
  }
  EXPECT_EQ(refusal_of([] {
              verify_registration(kRp, kCreateChallenge, b64("not json"), kAttestationObject, true);
            }),
            Refusal::malformed);
  EXPECT_FALSE(challenge_of(b64("[1]")).has_value());
}

TEST(WebAuthn, TheRelyingPartyIsThePublicUrlsHost) {
  const auto rp = RelyingParty::of("https://Care.Example.jp:443/app/");
  ASSERT_TRUE(rp.has_value());
  EXPECT_EQ(rp->id, "care.example.jp");
  EXPECT_EQ(rp->origin, "https://care.example.jp");
  EXPECT_EQ(RelyingParty::of("https://care.example.jp:8443")->origin,
            "https://care.example.jp:8443");
  EXPECT_EQ(RelyingParty::of("http://localhost:8080")->origin, "http://localhost:8080");
  // No relying party: an IP address, or plain http on a real host (no secure context).
  EXPECT_FALSE(RelyingParty::of("http://127.0.0.1:8080").has_value());
  EXPECT_FALSE(RelyingParty::of("https://[::1]:8443").has_value());
  EXPECT_FALSE(RelyingParty::of("http://care.example.jp").has_value());
  EXPECT_FALSE(RelyingParty::of("care.example.jp").has_value());
}

TEST(WebAuthn, ASignCountThatDoesNotGrowIsImplausible) {
  EXPECT_TRUE(sign_count_plausible(1, 2));
  EXPECT_TRUE(sign_count_plausible(0, 0));  // an authenticator that keeps no count
  EXPECT_TRUE(sign_count_plausible(0, 7));
  EXPECT_FALSE(sign_count_plausible(2, 2));
  EXPECT_FALSE(sign_count_plausible(5, 3));
  EXPECT_FALSE(sign_count_plausible(5, 0));
}

}  // namespace
}  // namespace carelive::pass::webauthn
