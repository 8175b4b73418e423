#include "core/mask.hpp"

#include <gtest/gtest.h>

// Staff see enough of an applicant's login id to recognise it, never the whole of it.

namespace carelive::core {
namespace {

TEST(MaskedLoginId, AnEmailKeepsItsFirstTwoCharactersAndItsDomain) {
  EXPECT_EQ(masked_login_id("kumakichi@example.jp"), "ku****@example.jp");
  EXPECT_EQ(masked_login_id("ab@example.jp"), "ab****@example.jp");
  EXPECT_EQ(masked_login_id("a@example.jp"), "a****@example.jp");
}

TEST(MaskedLoginId, AMobileNumberKeepsItsFirstThreeAndLastFourDigits) {
  EXPECT_EQ(masked_login_id("+819012345678"), "090-****-5678");
  EXPECT_EQ(masked_login_id("+817012345678"), "070-****-5678");
}

TEST(MaskedLoginId, AnythingElseIsHiddenWhole) {
  EXPECT_EQ(masked_login_id("ふじた"), "***");
  EXPECT_EQ(masked_login_id(""), "");
}

}  // namespace
}  // namespace carelive::core
