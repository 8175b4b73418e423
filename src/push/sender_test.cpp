#include "push/sender.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <ctime>
#include <stdexcept>

#include "push/base64url.hpp"
#include "push/encrypt.hpp"
#include "push/test_support_sink.hpp"
#include "push/vapid.hpp"

namespace carelive::push {
namespace {

using Kind = PushOutcome::Kind;
using testing::PushSink;
using testing::SinkSubscription;

// The sender of the tests: plain http to the loopback sink only, short timeouts.
PushSender::Settings local() { return {2, 2, {"127.0.0.1"}, true}; }

class PushSenderTest : public ::testing::Test {
 protected:
  // What the server does for one subscription: encrypt for its keys, sign a token for its
  // push service's origin.
  PushRequest request_for(const SinkSubscription& sub, const std::string& text,
                          std::string_view audience = {}) {
    const std::string body =
        encrypt(text, *base64url_decode(sub.p256dh_b64url), *base64url_decode(sub.auth_b64url));
    const std::string aud =
        audience.empty() ? *endpoint_origin(sub.endpoint) : std::string(audience);
    const std::string jwt =
        vapid_jwt(key_, aud, "mailto:ops@carelive.example", system_unix_now() + 3600);
    return {sub.endpoint, body, vapid_authorization(key_, jwt), 60, "high", "resident-42"};
  }

  VapidKey key_ = VapidKey::generate();
  PushSink sink_;
  PushSender sender_{local()};
};

TEST_F(PushSenderTest, DeliversAndTheSinkDecryptsWhatWasSent) {
  const auto sub = sink_.subscribe("device-1");
  const PushOutcome out =
      sender_.send(request_for(sub, R"({"title":"ひだまり苑からビデオ通話です"})"));
  EXPECT_EQ(out.kind, Kind::delivered) << out.detail;
  EXPECT_EQ(out.status, 201);
  ASSERT_TRUE(sink_.wait_for(1, std::chrono::seconds(5)));
  const auto got = sink_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "device-1");
  EXPECT_EQ(got[0].plaintext, R"({"title":"ひだまり苑からビデオ通話です"})");
  EXPECT_EQ(got[0].ttl, 60);
  EXPECT_EQ(got[0].urgency, "high");
  EXPECT_EQ(got[0].topic, "resident-42");
  EXPECT_TRUE(sink_.refusals().empty());
}

TEST_F(PushSenderTest, OneSenderSendsManyMessagesInTurn) {
  const auto a = sink_.subscribe("a");
  const auto b = sink_.subscribe("b");
  for (int i = 0; i < 10; ++i) {
    PushRequest r = request_for(i % 2 ? a : b, "message " + std::to_string(i));
    r.topic.clear();
    r.urgency = "normal";
    ASSERT_EQ(sender_.send(r).kind, Kind::delivered);
  }
  ASSERT_TRUE(sink_.wait_for(10, std::chrono::seconds(5)));
  EXPECT_EQ(sink_.received()[9].plaintext, "message 9");
  EXPECT_EQ(sink_.received()[9].topic, "");
}

TEST_F(PushSenderTest, NotFoundAndGoneMeanTheSubscriptionIsGone) {
  const auto a = sink_.subscribe("a");
  const auto b = sink_.subscribe("b");
  sink_.respond("a", 404);
  sink_.respond("b", 410);
  EXPECT_EQ(sender_.send(request_for(a, "x")).kind, Kind::gone);
  const PushOutcome out = sender_.send(request_for(b, "x"));
  EXPECT_EQ(out.kind, Kind::gone);
  EXPECT_EQ(out.status, 410);
  EXPECT_TRUE(sink_.received().empty());
}

TEST_F(PushSenderTest, TooManyRequestsIsRetryAfterTheGivenSeconds) {
  const auto sub = sink_.subscribe("a");
  sink_.respond("a", 429, "120");
  const PushOutcome out = sender_.send(request_for(sub, "x"));
  EXPECT_EQ(out.kind, Kind::retry);
  EXPECT_EQ(out.status, 429);
  EXPECT_EQ(out.retry_after_seconds, 120);
}

TEST_F(PushSenderTest, RetryAfterMayBeAnHttpDate) {
  const auto sub = sink_.subscribe("a");
  const std::time_t at = std::time(nullptr) + 300;
  char date[64];
  std::tm tm{};
  gmtime_r(&at, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  sink_.respond("a", 503, date);
  const PushOutcome out = sender_.send(request_for(sub, "x"));
  EXPECT_EQ(out.kind, Kind::retry);
  EXPECT_NEAR(static_cast<double>(out.retry_after_seconds), 300, 5);
}

TEST_F(PushSenderTest, ServerErrorIsRetryWithoutADelay) {
  const auto sub = sink_.subscribe("a");
  sink_.respond("a", 500);
  const PushOutcome out = sender_.send(request_for(sub, "x"));
  EXPECT_EQ(out.kind, Kind::retry);
  EXPECT_EQ(out.retry_after_seconds, 0);
}

TEST_F(PushSenderTest, ForbiddenAndTooLargeAreRejected) {
  const auto sub = sink_.subscribe("a");
  sink_.respond("a", 403);
  EXPECT_EQ(sender_.send(request_for(sub, "x")).kind, Kind::rejected);
  sink_.respond("a", 413);
  EXPECT_EQ(sender_.send(request_for(sub, "x")).kind, Kind::rejected);
}

TEST_F(PushSenderTest, TheSinkRefusesATokenForAnotherOrigin) {
  const auto sub = sink_.subscribe("a");
  const PushOutcome out = sender_.send(request_for(sub, "x", "https://fcm.googleapis.com"));
  EXPECT_EQ(out.kind, Kind::rejected);
  EXPECT_EQ(out.status, 401);
  ASSERT_EQ(sink_.refusals().size(), 1u);
  EXPECT_NE(sink_.refusals()[0].find("aud"), std::string::npos);
}

// A push service does not redirect; a 301 is an answer like any other 3xx, and rejected: the
// Location is not followed (it could point anywhere, inside our network included).
TEST_F(PushSenderTest, ARedirectIsNotFollowedAndIsRejected) {
  const auto a = sink_.subscribe("a");
  const auto b = sink_.subscribe("b");
  sink_.respond("a", 301, {}, b.endpoint);
  const PushOutcome out = sender_.send(request_for(a, "x"));
  EXPECT_EQ(out.kind, Kind::rejected);
  EXPECT_EQ(out.status, 301);
  EXPECT_EQ(sink_.requests(), 1u);
  EXPECT_TRUE(sink_.received().empty());
}

TEST_F(PushSenderTest, PlainHttpIsRefusedUnlessAllowed) {
  const auto sub = sink_.subscribe("a");
  PushSender strict({2, 2, {"127.0.0.1"}, false});
  const PushOutcome out = strict.send(request_for(sub, "x"));
  EXPECT_EQ(out.kind, Kind::rejected);
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(sink_.requests(), 0u);
}

TEST_F(PushSenderTest, AHostNotAllowedIsRejectedWithoutAnyConnection) {
  const auto sub = sink_.subscribe("a");
  PushSender elsewhere({2, 2, {"push.example"}, true});
  const PushOutcome out = elsewhere.send(request_for(sub, "x"));
  EXPECT_EQ(out.kind, Kind::rejected);
  EXPECT_EQ(out.detail, "endpoint not allowed");
  PushSender defaults;  // the browsers' push services only
  EXPECT_EQ(defaults.send(request_for(sub, "x")).kind, Kind::rejected);
  EXPECT_EQ(sink_.requests(), 0u);
}

TEST_F(PushSenderTest, NoAnswerIsRetry) {
  std::string endpoint;
  {
    PushSink closed;
    endpoint = closed.subscribe("a").endpoint;
  }  // nothing listens there any more
  PushRequest r = request_for(sink_.subscribe("a"), "x");
  r.endpoint = endpoint;
  const PushOutcome out = sender_.send(r);
  EXPECT_EQ(out.kind, Kind::retry);
  EXPECT_EQ(out.status, 0);
  EXPECT_FALSE(out.detail.empty());
}

TEST_F(PushSenderTest, RefusesMalformedHeadersAsTheCallersMistake) {
  PushRequest r = request_for(sink_.subscribe("a"), "x");
  r.urgency = "urgent";
  EXPECT_THROW(sender_.send(r), std::invalid_argument);
  r.urgency = "very-low";
  r.topic = "has space";
  EXPECT_THROW(sender_.send(r), std::invalid_argument);
  r.topic = std::string(33, 'a');
  EXPECT_THROW(sender_.send(r), std::invalid_argument);
  r.topic = std::string(32, 'a');
  r.ttl_seconds = -1;
  EXPECT_THROW(sender_.send(r), std::invalid_argument);
  EXPECT_EQ(sink_.requests(), 0u);
}

}  // namespace
}  // namespace carelive::push
