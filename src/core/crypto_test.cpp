#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include "testing/password.hpp"

namespace carelive::core {
namespace {

class Crypto : public ::testing::Test {
 protected:
  void SetUp() override { init_crypto(); }
};

TEST_F(Crypto, TokensCarry256RandomBitsInUrlSafeText) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto t = random_token();
    EXPECT_EQ(t.size(), 43u);  // 32 bytes, base64url without padding
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_TRUE(seen.insert(t).second) << "repeated token";
  }
}

TEST_F(Crypto, StoredTokenHashIsStableAndRevealsNothingOfTheToken) {
  auto t = random_token();
  EXPECT_EQ(token_hash(t), token_hash(t));
  EXPECT_EQ(token_hash(t).size(), 64u);
  EXPECT_NE(token_hash(t), token_hash(t + "x"));
  EXPECT_EQ(token_hash(t).find(t), std::string::npos);
}

TEST_F(Crypto, ConstantTimeEqualComparesWholeValues) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST_F(Crypto, PasswordHashIsArgon2idAtTheOwaspMinimum) {
  PasswordHasher hasher;
  auto h = hasher.hash(carelive::testing::kPassword);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_NE(h.find("m=19456,t=2,p=1"), std::string::npos) << h;
  EXPECT_TRUE(hasher.verify(h, carelive::testing::kPassword));
  EXPECT_FALSE(hasher.verify(h, "Fujita#Kuma8"));
  EXPECT_NE(hasher.hash(carelive::testing::kPassword), h) << "salted";
}

TEST_F(Crypto, RefusesParametersBelowTheOwaspMinimum) {
  EXPECT_THROW(PasswordHasher({1, 19u * 1024u * 1024u}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({2, 8u * 1024u * 1024u}), std::invalid_argument);
  EXPECT_NO_THROW(PasswordHasher({3, 64u * 1024u * 1024u}));
}

}  // namespace
}  // namespace carelive::core
