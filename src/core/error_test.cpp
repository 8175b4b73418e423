#include "core/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

// The one table of error codes (core/error_codes.hpp): every code the API or the call WebSocket
// sends has a status and a default text, and nothing outside the table can be thrown.

namespace carelive::core {
namespace {

TEST(ErrorCodes, EachCodeIsListedOnceWithAStatusAndAJapaneseText) {
  std::set<std::string_view> names;
  for (const ErrorCode* c : codes::kAll) {
    EXPECT_TRUE(names.insert(c->name).second) << c->name << " is listed twice";
    EXPECT_GE(c->status, 400) << c->name;
    EXPECT_LT(c->status, 600) << c->name;
    EXPECT_FALSE(c->message.empty()) << c->name;
    EXPECT_EQ(&error_code(c->name), c) << c->name;
  }
}

TEST(ErrorCodes, TheCallWebSocketsCodesAreInTheTable) {
  for (const char* name : {"bad_message", "forbidden", "already_in_call", "call_in_progress",
                           "no_call", "not_in_call", "rate_limited", "internal"})
    EXPECT_EQ(error_code(name).name, name);
  EXPECT_EQ(status_for_code("not_in_call"), 409);
  EXPECT_EQ(default_message("call_in_progress"), codes::kCallInProgress.message);
}

TEST(ErrorCodes, AnErrorCarriesItsCodesName) {
  Error e(codes::kTokenExpired);
  EXPECT_EQ(e.code(), "token_expired");
  EXPECT_EQ(status_for_code(e.code()), 410);
  EXPECT_EQ(Error::field("email", "taken").code(), "validation_failed");
}

TEST(ErrorCodes, ANameOutsideTheTableIsAnInternalError) {
  EXPECT_EQ(&error_code("no_such_code"), &codes::kInternal);
  EXPECT_EQ(status_for_code("no_such_code"), 500);
}

}  // namespace
}  // namespace carelive::core
