#include "core/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

namespace carelive::core {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTest, RunsAtOnceAndAgainAfterAFailedRound) {
  std::atomic<int> rounds = 0;
  std::promise<void> second;
  Periodic p("test job", 1ms, [&] {
    int n = ++rounds;
    if (n == 1) throw std::runtime_error("store unavailable");  // logged; the next round runs
    if (n == 2) second.set_value();
  });
  second.get_future().wait();
  p.stop();
  const int after_stop = rounds;
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(rounds, after_stop);  // nothing runs once stopped
}

TEST(PeriodicTest, StopDoesNotWaitForTheNextPeriod) {
  std::promise<void> first;
  auto started = first.get_future();
  auto p =
      std::make_unique<Periodic>("test job", std::chrono::hours(1), [&] { first.set_value(); });
  started.wait();
  p.reset();  // returns without waiting an hour: the test would time out otherwise
  SUCCEED();
}

}  // namespace
}  // namespace carelive::core
