#include "push/endpoint.hpp"

#include <gtest/gtest.h>

namespace carelive::push {
namespace {

bool allowed(std::string_view endpoint) {
  return endpoint_allowed(endpoint, default_allowed_hosts(), false);
}

TEST(PushEndpoint, AllowsThePushServicesOfTheMainBrowsers) {
  EXPECT_TRUE(allowed("https://fcm.googleapis.com/fcm/send/dXyz:APA91b"));
  EXPECT_TRUE(allowed("https://android.googleapis.com/gcm/send/abc"));
  EXPECT_TRUE(allowed("https://updates.push.services.mozilla.com/wpush/v2/gAAAA"));
  EXPECT_TRUE(allowed("https://eu-west.push.services.mozilla.com/wpush/v2/gAAAA"));
  EXPECT_TRUE(allowed("https://web.push.apple.com/QGuQyavXutnMsuqa"));
  EXPECT_TRUE(allowed("https://api.push.apple.com/3/device/x"));
  EXPECT_TRUE(allowed("https://wns2-par02p.notify.windows.com/w/?token=BQYAAA"));
}

TEST(PushEndpoint, HostIsComparedInLowerCase) {
  EXPECT_TRUE(allowed("https://FCM.GoogleAPIs.com/fcm/send/x"));
  EXPECT_TRUE(endpoint_allowed("https://push.example/x", {"PUSH.Example"}, false));
}

TEST(PushEndpoint, RefusesOtherSchemes) {
  EXPECT_FALSE(allowed("http://fcm.googleapis.com/fcm/send/x"));
  EXPECT_FALSE(allowed("ftp://fcm.googleapis.com/x"));
  EXPECT_FALSE(allowed("file:///etc/passwd"));
  EXPECT_FALSE(allowed("gopher://fcm.googleapis.com/x"));
  EXPECT_FALSE(allowed("fcm.googleapis.com/fcm/send/x"));
  EXPECT_FALSE(allowed(""));
}

TEST(PushEndpoint, RefusesUserinfoThatHidesTheRealHost) {
  EXPECT_FALSE(allowed("https://fcm.googleapis.com@evil.example/"));
  EXPECT_FALSE(allowed("https://fcm.googleapis.com:x@evil.example/"));
  // Even with an allowed host, credentials in the URL are refused.
  EXPECT_FALSE(allowed("https://user:pw@fcm.googleapis.com/fcm/send/x"));
}

TEST(PushEndpoint, RefusesHostsThatOnlyLookAlike) {
  EXPECT_FALSE(allowed("https://evilfcm.googleapis.com.example/"));
  EXPECT_FALSE(allowed("https://fcm.googleapis.com.evil.example/x"));
  EXPECT_FALSE(allowed("https://evilfcm.googleapis.com/x"));
  EXPECT_FALSE(allowed("https://x.fcm.googleapis.com/x"));  // no wildcard for this one
  EXPECT_FALSE(allowed("https://push.apple.com/x"));        // "*." is subdomains only
  EXPECT_FALSE(allowed("https://evilpush.apple.com/x"));
  EXPECT_FALSE(allowed("https://notify.windows.com.evil.example/x"));
}

TEST(PushEndpoint, RefusesIpLiteralsAndLocalNames) {
  EXPECT_FALSE(allowed("https://127.0.0.1/push"));
  EXPECT_FALSE(allowed("https://169.254.169.254/latest/meta-data/"));
  EXPECT_FALSE(allowed("https://[::1]/push"));
  EXPECT_FALSE(allowed("https://[::ffff:127.0.0.1]/push"));
  EXPECT_FALSE(allowed("https://2130706433/push"));
  EXPECT_FALSE(allowed("https://localhost/push"));
}

TEST(PushEndpoint, RefusesAPortOtherThanHttps) {
  EXPECT_TRUE(allowed("https://fcm.googleapis.com:443/fcm/send/x"));
  EXPECT_FALSE(allowed("https://fcm.googleapis.com:8443/fcm/send/x"));
  EXPECT_FALSE(allowed("https://fcm.googleapis.com:22/"));
}

TEST(PushEndpoint, TestModeAllowsPlainHttpToTheListedHostOnAnyPort) {
  const std::vector<std::string> local = {"127.0.0.1"};
  EXPECT_TRUE(endpoint_allowed("http://127.0.0.1:41234/push/a", local, true));
  EXPECT_FALSE(endpoint_allowed("http://127.0.0.1:41234/push/a", local, false));
  EXPECT_FALSE(endpoint_allowed("http://127.0.0.2:41234/push/a", local, true));
  EXPECT_FALSE(endpoint_allowed("http://fcm.googleapis.com/x", local, true));
}

}  // namespace
}  // namespace carelive::push
