#include "calls/bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "calls/redis_test_support.hpp"

// The Redis bus against a real redis-server: broadcast reaches the other nodes but not the
// sender, direct reaches one node, and both sides come back after Redis restarts.

namespace carelive::calls {
namespace {

using nlohmann::json;
using testing::eventually;

struct Inbox {
  std::mutex mutex;
  std::vector<json> got;
  std::atomic<int> connected{0};
  void add(const json& m) {
    std::lock_guard lock(mutex);
    got.push_back(m);
  }
  std::size_t count(const std::string& text) {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& m : got)
      if (m.value("text", "") == text) ++n;
    return n;
  }
};

TEST(RedisAddress, Parses) {
  auto a = RedisAddress::parse("redis://127.0.0.1:6380");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 6380);
  EXPECT_EQ(a.password, "");
  auto b = RedisAddress::parse("redis://:s3cret@cache.internal/0");
  EXPECT_EQ(b.host, "cache.internal");
  EXPECT_EQ(b.port, 6379);
  EXPECT_EQ(b.password, "s3cret");
  EXPECT_THROW(RedisAddress::parse("http://x"), std::invalid_argument);
  EXPECT_THROW(RedisAddress::parse("redis://x:port"), std::invalid_argument);
  EXPECT_THROW(RedisAddress::parse("redis://"), std::invalid_argument);
}

TEST(LocalBus, HasNoOtherNodes) {
  LocalBus bus;
  int connected = 0;
  bus.start([](const json&) { FAIL() << "nothing to receive"; }, [&] { ++connected; });
  bus.broadcast({{"node", bus.node()}});
  EXPECT_EQ(connected, 1);
  EXPECT_FALSE(bus.clustered());
  EXPECT_TRUE(bus.connected());  // nothing to lose: /healthz reports Redis "off"
  EXPECT_EQ(bus.node().size(), 32u);
  EXPECT_NE(bus.node(), LocalBus().node());
}

class RedisBusTest : public ::testing::Test {
 protected:
  void SetUp() override { CARELIVE_START_REDIS(redis_); }
  std::unique_ptr<testing::RedisServer> redis_;
};

TEST_F(RedisBusTest, BroadcastDirectAndReconnect) {
  Inbox in_a, in_b, in_c;
  RedisBus a(redis_->url()), b(redis_->url()), c(redis_->url());
  a.start([&](const json& m) { in_a.add(m); }, [&] { ++in_a.connected; });
  b.start([&](const json& m) { in_b.add(m); }, [&] { ++in_b.connected; });
  c.start([&](const json& m) { in_c.add(m); }, [&] { ++in_c.connected; });
  ASSERT_TRUE(eventually([&] { return in_a.connected && in_b.connected && in_c.connected; }));

  a.broadcast({{"node", a.node()}, {"text", "hello all"}});
  a.direct(c.node(), {{"node", a.node()}, {"text", "to c"}});
  ASSERT_TRUE(eventually([&] { return in_b.count("hello all") && in_c.count("hello all"); }));
  ASSERT_TRUE(eventually([&] { return in_c.count("to c") == 1; }));
  // What reaches c after "to c" was sent after it: b has had its chance to get it too.
  a.broadcast({{"node", a.node()}, {"text", "marker"}});
  ASSERT_TRUE(eventually([&] { return in_b.count("marker") && in_c.count("marker"); }));
  EXPECT_EQ(in_b.count("to c"), 0u);
  EXPECT_EQ(in_a.count("hello all"), 0u);  // nobody hears their own echo

  // Redis goes away and comes back on the same port: both connections recover.
  redis_->stop();
  a.broadcast({{"node", a.node()}, {"text", "while down"}});
  redis_->run();
  ASSERT_TRUE(eventually([&] { return in_b.connected >= 2 && in_c.connected >= 2; }));
  b.broadcast({{"node", b.node()}, {"text", "after restart"}});
  ASSERT_TRUE(
      eventually([&] { return in_a.count("after restart") && in_c.count("after restart"); }));

  c.stop();
  c.stop();  // idempotent
  EXPECT_EQ(a.dropped(), 0u);
}

// GET /healthz reports Redis from connected(): down while the subscriber is away, so the node
// says "degraded" instead of silently missing the other nodes' calls.
TEST_F(RedisBusTest, ConnectedFollowsTheSubscriberConnection) {
  RedisBus bus(redis_->url());
  EXPECT_FALSE(bus.connected());  // not started
  bus.start([](const json&) {}, nullptr);
  ASSERT_TRUE(eventually([&] { return bus.connected(); }));
  redis_->stop();
  ASSERT_TRUE(eventually([&] { return !bus.connected(); }));
  redis_->run();
  ASSERT_TRUE(eventually([&] { return bus.connected(); }));
  bus.stop();
  EXPECT_FALSE(bus.connected());
}

}  // namespace
}  // namespace carelive::calls
