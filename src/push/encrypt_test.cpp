#include "push/encrypt.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "push/base64url.hpp"

namespace carelive::push {
namespace {

std::string b64(std::string_view text) {
  auto bytes = base64url_decode(text);
  if (!bytes) throw std::invalid_argument("bad base64url in a test vector");
  return *bytes;
}

// RFC 8291 Appendix A, "Encryption Example".
constexpr std::string_view kPlaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view kAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr std::string_view kUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kAuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

UaKeys rfc_ua() { return {b64(kUaPrivate), b64(kUaPublic), b64(kAuthSecret)}; }

TEST(PushEncrypt, MatchesRfc8291AppendixAByteForByte) {
  const std::string body =
      encrypt_with(kPlaintext, b64(kUaPublic), b64(kAuthSecret), b64(kAsPrivate), b64(kSalt));
  EXPECT_EQ(base64url_encode(body), kBody);
}

TEST(PushEncrypt, DecryptsRfc8291AppendixAWithTheUaPrivateKey) {
  EXPECT_EQ(decrypt(b64(kBody), rfc_ua()), kPlaintext);
}

TEST(PushEncrypt, RoundTripsWithAFreshEphemeralKeyAndSalt) {
  const UaKeys ua = UaKeys::generate();
  ASSERT_EQ(ua.public_key.size(), 65u);
  ASSERT_EQ(ua.auth_secret.size(), 16u);
  const std::string text = "ひだまり苑からビデオ通話です";
  const std::string a = encrypt(text, ua.public_key, ua.auth_secret);
  const std::string b = encrypt(text, ua.public_key, ua.auth_secret);
  EXPECT_NE(a, b);                                // a new salt and key each time
  EXPECT_NE(a.substr(21, 65), b.substr(21, 65));  // the key id: the ephemeral public key
  EXPECT_EQ(decrypt(a, ua), text);
  EXPECT_EQ(decrypt(b, ua), text);
  EXPECT_EQ(decrypt(encrypt("", ua.public_key, ua.auth_secret), ua), "");
}

TEST(PushEncrypt, HeaderIsSaltRecordSizeAndKeyId) {
  const UaKeys ua = UaKeys::generate();
  const std::string body = encrypt("x", ua.public_key, ua.auth_secret);
  ASSERT_EQ(body.size(), 86u + 1 + 1 + 16);
  EXPECT_EQ(body.substr(16, 4), std::string("\x00\x00\x10\x00", 4));  // rs = 4096
  EXPECT_EQ(static_cast<unsigned char>(body[20]), 65);
  EXPECT_EQ(body[21], 0x04);
}

TEST(PushEncrypt, RefusesPlaintextThatDoesNotFitOneRecord) {
  const UaKeys ua = UaKeys::generate();
  const std::string fits(kMaxPlaintext, 'a');
  const std::string body = encrypt(fits, ua.public_key, ua.auth_secret);
  EXPECT_EQ(body.size(), 4096u);  // RFC 8291 §4: a push message body of at most 4096 octets
  EXPECT_EQ(decrypt(body, ua), fits);
  EXPECT_THROW(encrypt(fits + "a", ua.public_key, ua.auth_secret), std::invalid_argument);
}

TEST(PushEncrypt, RefusesKeysOfTheWrongShape) {
  const UaKeys ua = UaKeys::generate();
  EXPECT_THROW(encrypt("x", ua.public_key.substr(1), ua.auth_secret), std::invalid_argument);
  EXPECT_THROW(encrypt("x", ua.public_key, ua.auth_secret + "x"), std::invalid_argument);
  std::string off_curve = ua.public_key;
  off_curve[64] = static_cast<char>(off_curve[64] ^ 1);
  EXPECT_THROW(encrypt("x", off_curve, ua.auth_secret), std::invalid_argument);
}

TEST(PushEncrypt, DecryptRefusesATamperedBodyOrAnotherSubscriber) {
  const UaKeys ua = UaKeys::generate();
  std::string body = encrypt("hello", ua.public_key, ua.auth_secret);
  EXPECT_THROW(decrypt(body, UaKeys::generate()), std::runtime_error);
  body[body.size() - 20] = static_cast<char>(body[body.size() - 20] ^ 1);
  EXPECT_THROW(decrypt(body, ua), std::runtime_error);
  EXPECT_THROW(decrypt(body.substr(0, 30), ua), std::runtime_error);
}

}  // namespace
}  // namespace carelive::push
