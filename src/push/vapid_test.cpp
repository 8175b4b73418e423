#include "push/vapid.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "push/base64url.hpp"
#include "push/ec.hpp"

namespace carelive::push {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::vector<std::string> split(const std::string& jwt) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = jwt.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(jwt.substr(start, dot - start));
  parts.push_back(jwt.substr(start));
  return parts;
}

// Verifies a JOSE ES256 signature the long way, independently of verify_vapid_jwt: r || s back
// to DER (ECDSA_SIG), then EVP_DigestVerify with SHA-256 under the public key.
bool openssl_verifies(const std::string& public_key, const std::string& signing_input,
                      const std::string& raw_signature) {
  if (raw_signature.size() != 64) return false;
  const auto* sig_bytes = reinterpret_cast<const unsigned char*>(raw_signature.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(sig_bytes, 32, nullptr), BN_bin2bn(sig_bytes + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  ec::Pkey key = ec::from_public(public_key);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                  EVP_DigestVerify(md, der, static_cast<std::size_t>(der_len),
                                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                                   signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

TEST(PushVapid, KeyRoundTripsThroughItsPrivateBytes) {
  const VapidKey key = VapidKey::generate();
  ASSERT_EQ(key.private_bytes().size(), 32u);
  ASSERT_EQ(key.public_bytes().size(), 65u);
  EXPECT_EQ(key.public_bytes()[0], 0x04);
  EXPECT_EQ(key.public_base64url().size(), 87u);  // what PushManager.subscribe takes
  const VapidKey again = VapidKey::from_private(key.private_bytes());
  EXPECT_EQ(again.public_bytes(), key.public_bytes());
  EXPECT_EQ(again.private_bytes(), key.private_bytes());
}

TEST(PushVapid, FromPrivateComputesThePublicPoint) {
  // RFC 8291 Appendix A's application server key pair.
  const VapidKey key =
      VapidKey::from_private(*base64url_decode("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"));
  EXPECT_EQ(key.public_base64url(),
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl"
            "7A8");
}

TEST(PushVapid, FromPrivateRefusesWhatIsNoScalar) {
  EXPECT_THROW(VapidKey::from_private(std::string(31, '\1')), std::invalid_argument);
  EXPECT_THROW(VapidKey::from_private(std::string(32, '\0')), std::invalid_argument);
  EXPECT_THROW(VapidKey::from_private(std::string(32, '\xff')), std::invalid_argument);  // ≥ n
}

TEST(PushVapid, JwtIsSignedEs256AndCarriesTheClaims) {
  const VapidKey key = VapidKey::generate();
  const std::string jwt = vapid_jwt(key, "https://fcm.googleapis.com",
                                    "mailto:ops@carelive.example", kNow + 12 * 3600, kNow);
  const auto parts = split(jwt);
  ASSERT_EQ(parts.size(), 3u);
  for (const auto& p : parts) EXPECT_EQ(p.find_first_of("+/="), std::string::npos);
  const auto header = nlohmann::json::parse(*base64url_decode(parts[0]));
  EXPECT_EQ(header, (nlohmann::json{{"typ", "JWT"}, {"alg", "ES256"}}));
  const auto claims = nlohmann::json::parse(*base64url_decode(parts[1]));
  EXPECT_EQ(claims, (nlohmann::json{{"aud", "https://fcm.googleapis.com"},
                                    {"exp", kNow + 12 * 3600},
                                    {"sub", "mailto:ops@carelive.example"}}));
  const std::string signature = *base64url_decode(parts[2]);
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(openssl_verifies(key.public_bytes(), parts[0] + "." + parts[1], signature));
  EXPECT_FALSE(
      openssl_verifies(VapidKey::generate().public_bytes(), parts[0] + "." + parts[1], signature));

  const auto verified = verify_vapid_jwt(jwt, key.public_bytes());
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->audience, "https://fcm.googleapis.com");
  EXPECT_EQ(verified->subject, "mailto:ops@carelive.example");
  EXPECT_EQ(verified->expires_unix, kNow + 12 * 3600);
  EXPECT_FALSE(verify_vapid_jwt(jwt, VapidKey::generate().public_bytes()));
  std::string forged = jwt;
  forged[parts[0].size() + 3] = forged[parts[0].size() + 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_vapid_jwt(forged, key.public_bytes()));
}

TEST(PushVapid, RefusesExpiryMoreThan24HoursAheadOrPast) {
  const VapidKey key = VapidKey::generate();
  const std::string aud = "https://web.push.apple.com";
  EXPECT_NO_THROW(vapid_jwt(key, aud, "mailto:a@b.example", kNow + 24 * 3600, kNow));
  EXPECT_THROW(vapid_jwt(key, aud, "mailto:a@b.example", kNow + 24 * 3600 + 1, kNow),
               std::invalid_argument);
  EXPECT_THROW(vapid_jwt(key, aud, "mailto:a@b.example", kNow, kNow), std::invalid_argument);
  EXPECT_THROW(vapid_jwt(key, aud, "ops@b.example", kNow + 60, kNow), std::invalid_argument);
  EXPECT_THROW(vapid_jwt(key, aud + "/push/x", "mailto:a@b.example", kNow + 60, kNow),
               std::invalid_argument);
}

TEST(PushVapid, AuthorizationHeaderNamesTokenAndKey) {
  const VapidKey key = VapidKey::generate();
  EXPECT_EQ(vapid_authorization(key, "a.b.c"), "vapid t=a.b.c, k=" + key.public_base64url());
}

TEST(PushVapid, EndpointOriginIsSchemeHostAndPort) {
  EXPECT_EQ(endpoint_origin("https://fcm.googleapis.com/fcm/send/abc:def"),
            "https://fcm.googleapis.com");
  EXPECT_EQ(endpoint_origin("https://Web.Push.Apple.com:443/QGx?x=1"),
            "https://web.push.apple.com");
  EXPECT_EQ(endpoint_origin("https://push.example:8443/p"), "https://push.example:8443");
  EXPECT_EQ(endpoint_origin("http://127.0.0.1:5000/push/1"), "http://127.0.0.1:5000");
  EXPECT_EQ(endpoint_origin("ftp://push.example/"), std::nullopt);
  EXPECT_EQ(endpoint_origin("/push/1"), std::nullopt);
  EXPECT_EQ(endpoint_origin("not a url"), std::nullopt);
}

}  // namespace
}  // namespace carelive::push
