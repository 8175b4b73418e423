#include "calls/turn.hpp"

#include <gtest/gtest.h>

namespace carelive::calls {
namespace {

// The TURN REST API example values, checked against coturn's own computation:
// `echo -n "1800003600:account-7" | openssl dgst -sha1 -hmac "north" -binary | base64`.
TEST(TurnCredentials, UsernameIsExpiryAndUserAndCredentialIsHmacSha1) {
  auto c = turn_credential("north", "account-7", 1'800'000'000, 3600);
  EXPECT_EQ(c.username, "1800003600:account-7");
  EXPECT_EQ(c.expires_at, 1'800'003'600);
  EXPECT_EQ(c.credential, "v1+Iv1qmEB39DQ7PWbTREwSdl1c=");
}

TEST(TurnCredentials, ChangeWithTimeUserAndSecret) {
  auto a = turn_credential("north", "account-7", 1000, 3600);
  EXPECT_NE(a.credential, turn_credential("north", "account-7", 1001, 3600).credential);
  EXPECT_NE(a.credential, turn_credential("north", "account-8", 1000, 3600).credential);
  EXPECT_NE(a.credential, turn_credential("south", "account-7", 1000, 3600).credential);
  EXPECT_THROW(turn_credential("", "account-7", 1000, 3600), std::invalid_argument);
}

TEST(TurnCredentials, IceServersSplitStunAndTurnAndOmitTurnWithoutSecret) {
  TurnSettings t;
  t.urls = {"stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp",
            "turns:turn.example.jp:5349"};
  t.secret = "north";
  t.ttl = 600;
  auto servers = ice_servers(t, 7, 1000);
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].urls, std::vector<std::string>{"stun:127.0.0.1:3478"});
  EXPECT_TRUE(servers[0].username.empty());
  EXPECT_EQ(servers[1].urls.size(), 2u);
  EXPECT_EQ(servers[1].username, "1600:account-7");
  EXPECT_FALSE(servers[1].credential.empty());
  t.secret.clear();
  EXPECT_EQ(ice_servers(t, 7, 1000).size(), 1u);
}

}  // namespace
}  // namespace carelive::calls
