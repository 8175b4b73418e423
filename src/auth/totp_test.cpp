#include "auth/totp.hpp"

#include <gtest/gtest.h>

// RFC 6238 Appendix B's test vectors (HMAC-SHA1, 8 digits), and what sign-in relies on: a code
// is accepted within one step either side, names its step (so it is taken once), and nothing
// else passes.

namespace carelive::auth::totp {
namespace {

const std::string kRfcSecret = "12345678901234567890";  // RFC 6238 Appendix B, SHA1

TEST(Totp, RfcTestVectors) {
  EXPECT_EQ(code_at(kRfcSecret, 59, 8), "94287082");
  EXPECT_EQ(code_at(kRfcSecret, 1111111109, 8), "07081804");
  EXPECT_EQ(code_at(kRfcSecret, 1111111111, 8), "14050471");
  EXPECT_EQ(code_at(kRfcSecret, 1234567890, 8), "89005924");
  EXPECT_EQ(code_at(kRfcSecret, 2000000000, 8), "69279037");
  EXPECT_EQ(code_at(kRfcSecret, 20000000000, 8), "65353130");
  // Six digits are the last six of the same value (RFC 4226 §5.3, Dynamic Truncation).
  EXPECT_EQ(code_at(kRfcSecret, 59), "287082");
}

TEST(Totp, ACodeIsAcceptedOneStepEitherSideAndNamesItsStep) {
  const core::UnixSeconds now = 1'800'000'000;  // step 60,000,000
  const auto step = static_cast<std::uint64_t>(now / kStepSeconds);
  EXPECT_EQ(step_of(kRfcSecret, code_at(kRfcSecret, now), now), step);
  EXPECT_EQ(step_of(kRfcSecret, code_at(kRfcSecret, now - 30), now), step - 1);
  EXPECT_EQ(step_of(kRfcSecret, code_at(kRfcSecret, now + 30), now), step + 1);
  EXPECT_FALSE(step_of(kRfcSecret, code_at(kRfcSecret, now - 60), now));
  EXPECT_FALSE(step_of(kRfcSecret, code_at(kRfcSecret, now + 60), now));
}

TEST(Totp, NothingButSixDigitsOfTheRightCodePasses) {
  const core::UnixSeconds now = 1'800'000'000;
  const auto good = code_at(kRfcSecret, now);
  std::string wrong = good;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  EXPECT_FALSE(step_of(kRfcSecret, wrong, now));
  EXPECT_FALSE(step_of(kRfcSecret, "", now));
  EXPECT_FALSE(step_of(kRfcSecret, good.substr(0, 5), now));
  EXPECT_FALSE(step_of(kRfcSecret, good + "0", now));
  EXPECT_FALSE(step_of(kRfcSecret, "12 456", now));
  EXPECT_FALSE(step_of(kRfcSecret, "１２３４５６", now));  // full-width digits
  EXPECT_FALSE(step_of("another secret 12345", good, now));
}

TEST(Totp, SecretsAreRandomAndShownAsBase32) {
  const auto a = generate_secret(), b = generate_secret();
  EXPECT_EQ(a.size(), kSecretBytes);
  EXPECT_NE(a, b);
  // RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======"; authenticator apps take it unpadded.
  EXPECT_EQ(base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(base32(a).size(), 32u);
}

TEST(Totp, TheUriNamesTheServiceAndTheAccount) {
  EXPECT_EQ(uri("CareLive", "staff@example.jp", kRfcSecret),
            "otpauth://totp/CareLive:staff%40example.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=CareLive&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(uri("ふじLive", "a b", kRfcSecret).substr(0, 40),
            "otpauth://totp/%E3%81%B5%E3%81%98Live:a%");
}

}  // namespace
}  // namespace carelive::auth::totp
