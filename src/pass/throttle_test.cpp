#include "pass/throttle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "notify/templates.hpp"
#include "pass/service.hpp"
#include "store/test_support.hpp"
#include "testing/world.hpp"

// Login throttling (SPEC "Rules that hold everywhere"): 5 free failures per login id, then
// 1 s, 2 s, 4 s … up to 15 min; 20 failures in 12 h lock the id for 15 min and tell its owner;
// more than `address_failures` an hour from one client address are refused; a success or a
// completed reset clears the count; unknown ids are treated alike; the count holds under
// parallel attempts. Time moves only through a ManualClock.

namespace carelive::pass {
namespace {

using testing::kPassword;
constexpr const char* kWrong = "Wrong#Guess77";
constexpr const char* kNewPassword = "Sakura$Tree42";
constexpr const char* kOwner = "kuma@example.jp";
constexpr const char* kHome = "192.0.2.10";

// What one login attempt answered: "ok", or the error code with its retry_after.
struct Outcome {
  std::string code;
  std::int64_t retry_after = 0;
  bool operator==(const Outcome&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << o.code << " (retry_after " << o.retry_after << ")";
}
const Outcome kOk{"ok", 0};
const Outcome kFailed{"login_failed", 0};
Outcome throttled(std::int64_t retry_after) { return {"login_throttled", retry_after}; }

TEST(AddressGroup, Ipv6CountsByItsSlash64AndIpv4AsItIs) {
  EXPECT_EQ(address_group("192.0.2.10"), "192.0.2.10");
  EXPECT_EQ(address_group("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_group("2001:0DB8:0001:0002::ffff"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_group("::1"), "::/64");
  EXPECT_EQ(address_group("::ffff:192.0.2.10"), "192.0.2.10");
  EXPECT_EQ(address_group("not an address"), "not an address");
  EXPECT_EQ(address_group(""), "");
}

class ThrottleTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.public_url = "https://carelive.test";
  }

  std::int64_t make_account(const std::string& email = kOwner) {
    NormalizedSignup s{"富士田", "熊吉", "ふじた", "くまきち", "email", email, ""};
    return pass().create_confirmed_account(s, kPassword, audit::Actor::command_line());
  }

  Outcome attempt(const std::string& login_id, const std::string& password,
                  const std::string& ip = kHome) {
    try {
      pass().login(login_id, password, {ip, "test"});
      return kOk;
    } catch (const core::Error& e) {
      return {e.code(), e.retry_after().value_or(0)};
    }
  }

  // Fails `n` times in a row, waiting after each as long as the throttle asks; `already` is
  // how many failures came before. A refused attempt is a fatal test failure.
  void fail_in_a_row(const std::string& login_id, int n, int already = 0) {
    LoginThrottle rules(db(), clock_, config_.throttle);
    for (int i = 1; i <= n; ++i) {
      ASSERT_EQ(attempt(login_id, kWrong), kFailed) << "failure " << already + i;
      clock_.advance(rules.delay_after(already + i));
    }
  }
};

// =============================================================================================
// Through PassService::login.

class LoginThrottling : public ThrottleTest {};

TEST_P(LoginThrottling, FiveFailuresThenEachAttemptWaitsLonger) {
  make_account();
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(attempt(kOwner, kWrong), kFailed) << i;
  // Refused before the password is looked at: the right one does not get through either.
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(1));
  EXPECT_EQ(attempt(kOwner, kWrong), throttled(1));
  clock_.advance(1);
  EXPECT_EQ(attempt(kOwner, kWrong), kFailed);
  EXPECT_EQ(attempt(kOwner, kWrong), throttled(2));
  clock_.advance(1);
  EXPECT_EQ(attempt(kOwner, kWrong), throttled(1));
  clock_.advance(1);
  EXPECT_EQ(attempt(kOwner, kWrong), kFailed);
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(4));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'login_throttled'"), 5);
}

TEST_P(LoginThrottling, SuccessClearsTheCount) {
  make_account();
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(attempt(kOwner, kWrong), kFailed) << i;
  clock_.advance(1);
  ASSERT_EQ(attempt(kOwner, kPassword), kOk);
  // Five free failures again, then the delay starts over at one second.
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(attempt(kOwner, kWrong), kFailed) << "after success " << i;
  EXPECT_EQ(attempt(kOwner, kWrong), throttled(1));
}

TEST_P(LoginThrottling, TwentyFailuresLockTheIdAndTellTheOwner) {
  const auto id = make_account();
  fail_in_a_row(kOwner, 19);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  ASSERT_EQ(attempt(kOwner, kWrong), kFailed) << "failure 20";

  auto locked = db().with([](store::Connection& c) {
    return c.exec("SELECT recipient, subject, body, channel FROM messages");
  });
  ASSERT_EQ(locked.rows.size(), 1u);
  EXPECT_EQ(locked.first().text(0), kOwner);
  EXPECT_EQ(locked.first().text(1), "【CareLive Pass】ログインを一時的に制限しました");
  EXPECT_NE(locked.first().text(2).find("15分間"), std::string::npos);
  EXPECT_EQ(locked.first().text(3), "email");
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM audit_log WHERE event = 'login_locked' AND account_id = ?", {id}),
      1);

  // Locked for 15 minutes, even with the right password.
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(15 * 60));
  clock_.advance(15 * 60 - 1);
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(1));
  clock_.advance(1);
  EXPECT_EQ(attempt(kOwner, kPassword), kOk);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
}

TEST_P(LoginThrottling, UnknownIdsAreThrottledAndLockedTheSame) {
  make_account();
  // The same answers, attempt for attempt, whether or not the id exists (no enumeration).
  std::vector<Outcome> known, unknown;
  for (int i = 0; i < 6; ++i) known.push_back(attempt(kOwner, kWrong));
  for (int i = 0; i < 6; ++i) unknown.push_back(attempt("nobody@example.jp", kWrong));
  EXPECT_EQ(known, unknown);
  EXPECT_EQ(unknown.back(), throttled(1));

  clock_.advance(1);
  fail_in_a_row("nobody@example.jp", 14, 5);  // failures 6 … 19
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(attempt("nobody@example.jp", kWrong), kFailed) << "failure 20";
  EXPECT_EQ(attempt("nobody@example.jp", kPassword), throttled(15 * 60));
  // The lock notice goes to owners only: nobody owns this id.
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
}

TEST_P(LoginThrottling, TooManyFailuresFromOneAddressRefuseOnlyThatAddress) {
  config_.throttle.address_failures = 10;
  make_account();
  // Ten different ids, so no per-id limit is reached.
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(attempt("guess" + std::to_string(i) + "@example.jp", kWrong), kFailed) << i;
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(3600));
  EXPECT_EQ(attempt("guess99@example.jp", kWrong), throttled(3600));
  // Another client address is not affected, nor is the id itself.
  EXPECT_EQ(attempt(kOwner, kPassword, "198.51.100.7"), kOk);
  clock_.advance(3600 - 1);
  EXPECT_EQ(attempt(kOwner, kPassword), throttled(1));
  clock_.advance(1);
  EXPECT_EQ(attempt(kOwner, kPassword), kOk);
}

TEST_P(LoginThrottling, FailuresFromOneIpv6Slash64CountTogether) {
  config_.throttle.address_failures = 4;
  make_account();
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(attempt("guess" + std::to_string(i) + "@example.jp", kWrong,
                      "2001:db8:7:8::" + std::to_string(i + 1)),
              kFailed)
        << i;
  EXPECT_EQ(attempt(kOwner, kPassword, "2001:db8:7:8:ffff::1"), throttled(3600));
  EXPECT_EQ(attempt(kOwner, kPassword, "2001:db8:7:9::1"), kOk);
}

TEST_P(LoginThrottling, CompletedResetClearsTheCount) {
  make_account();
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(attempt(kOwner, kWrong), kFailed) << i;
  ASSERT_EQ(attempt(kOwner, kPassword), throttled(1));
  pass().request_password_reset(kOwner, {kHome, "test"});
  const auto body = messages().back().body;
  const std::string marker = "https://carelive.test/password/reset?token=";
  const auto at = body.find(marker);
  ASSERT_NE(at, std::string::npos) << body;
  const auto from = at + marker.size();
  const auto end = body.find_first_not_of(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", from);
  const std::string token = body.substr(from, end - from);
  pass().complete_password_reset(token, kNewPassword, kNewPassword, {kHome, "test"});
  EXPECT_EQ(attempt(kOwner, kNewPassword), kOk);
}

TEST_P(LoginThrottling, ParallelWrongPasswordsGetExactlyTheFreeFailures) {
  make_account();
  config_.db_pool = 16;  // a connection per thread: the attempts really overlap
  restart();             // built before the threads start
  constexpr int kThreads = 16;
  std::vector<Outcome> outcomes(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      outcomes[i] = attempt(kOwner, kWrong);
    });
  }
  for (auto& t : threads) t.join();
  const auto failed = std::count(outcomes.begin(), outcomes.end(), kFailed);
  const auto refused = std::count(outcomes.begin(), outcomes.end(), throttled(1));
  EXPECT_EQ(failed, config_.throttle.free_failures);
  EXPECT_EQ(refused, kThreads - config_.throttle.free_failures);
}

// =============================================================================================
// LoginThrottle on its own.

class LoginThrottleAdmit : public ThrottleTest {
 protected:
  LoginThrottle throttle() { return LoginThrottle(db(), clock_, config_.throttle); }
  std::int64_t column(const std::string& key, const std::string& name) {
    return count("SELECT " + name + " FROM login_throttle WHERE throttle_key = ?", {key});
  }
};

TEST_P(LoginThrottleAdmit, DelaysDoubleFromOneSecondUpToFifteenMinutes) {
  auto t = throttle();
  for (int n = 0; n < 5; ++n) EXPECT_EQ(t.delay_after(n), 0) << n;
  EXPECT_EQ(t.delay_after(5), 1);
  EXPECT_EQ(t.delay_after(6), 2);
  EXPECT_EQ(t.delay_after(7), 4);
  EXPECT_EQ(t.delay_after(14), 512);
  EXPECT_EQ(t.delay_after(15), 15 * 60);
  EXPECT_EQ(t.delay_after(40), 15 * 60);
  EXPECT_EQ(t.delay_after(1000), 15 * 60);
}

TEST_P(LoginThrottleAdmit, TwentiethAdmissionLocksAndClearStartsOver) {
  auto t = throttle();
  for (int i = 1; i <= 20; ++i) {
    auto a = t.admit("account:1", "address:a");
    ASSERT_TRUE(a.allowed) << i;
    EXPECT_EQ(a.locks_now, i == 20) << i;
    if (i < 20) clock_.advance(t.delay_after(i));
  }
  auto locked = t.admit("account:1", "address:a");
  EXPECT_FALSE(locked.allowed);
  EXPECT_EQ(locked.retry_after, 15 * 60);
  EXPECT_GT(column("account:1", "locked_until"), clock_.now());
  // A completed reset clears it at once.
  t.clear("account:1");
  EXPECT_EQ(column("account:1", "consecutive"), 0);
  EXPECT_EQ(column("account:1", "locked_until"), 0);
  auto after = t.admit("account:1", "address:a");
  EXPECT_TRUE(after.allowed);
  EXPECT_FALSE(after.locks_now);
  EXPECT_EQ(column("account:1", "consecutive"), 1);
}

TEST_P(LoginThrottleAdmit, SuccessGivesTheAddressItsAttemptBack) {
  auto t = throttle();
  ASSERT_TRUE(t.admit("account:1", "address:a").allowed);
  ASSERT_TRUE(t.admit("account:2", "address:a").allowed);
  ASSERT_TRUE(t.admit("account:3", "address:a").allowed);
  EXPECT_EQ(column("address:a", "window_count"), 3);
  t.succeeded("account:3", "address:a");
  EXPECT_EQ(column("address:a", "window_count"), 2);
  EXPECT_EQ(column("account:3", "consecutive"), 0);
  EXPECT_EQ(column("account:1", "consecutive"), 1);
}

TEST_P(LoginThrottleAdmit, ParallelAttemptsOnOneKeyAdmitExactlyTheFreeFailures) {
  store().reopen(16);
  auto t = throttle();
  constexpr int kThreads = 16;
  std::atomic<int> admitted{0};
  std::atomic<int> errors{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      try {
        if (t.admit("account:1", "address:a").allowed) ++admitted;
      } catch (const std::exception&) {
        ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(admitted.load(), config_.throttle.free_failures);
  EXPECT_EQ(column("account:1", "consecutive"), config_.throttle.free_failures);
  // Refused attempts were given back to the address.
  EXPECT_EQ(column("address:a", "window_count"), config_.throttle.free_failures);
}

CARELIVE_BACKENDS(LoginThrottling);
CARELIVE_BACKENDS(LoginThrottleAdmit);

}  // namespace
}  // namespace carelive::pass
