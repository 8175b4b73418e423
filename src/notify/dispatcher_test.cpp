#include "notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "notify/repo.hpp"
#include "notify/test_support.hpp"
#include "store/test_support.hpp"

namespace carelive::notify {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// What the transports of one test saw; shared by every transport and dispatcher of it.
struct SendLog {
  std::mutex mutex;
  int calls = 0;
  std::vector<Message> sent;
  std::map<std::string, int> sends_per_body;

  int sent_count() {
    std::lock_guard lock(mutex);
    return static_cast<int>(sent.size());
  }
  int call_count() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

// Fails its first `failures` sends (the failure chosen by `fail`), then delivers; may run a
// hook while "sending" (to act as a second process in the middle of a send).
class ScriptedTransport final : public Transport {
 public:
  ScriptedTransport(
      std::shared_ptr<SendLog> log, int failures = 0,
      std::function<void()> fail = [] { throw std::runtime_error("server busy"); })
      : log_(std::move(log)), failures_(failures), fail_(std::move(fail)) {}

  void send(const Message& m) override {
    if (during_send) {
      auto hook = std::move(during_send);
      during_send = nullptr;
      hook();
    }
    {
      std::lock_guard lock(log_->mutex);
      ++log_->calls;
    }
    if (failures_ > 0) {
      --failures_;
      fail_();
    }
    std::lock_guard lock(log_->mutex);
    log_->sent.push_back(m);
    ++log_->sends_per_body[m.body];
  }

  std::function<void()> during_send;

 private:
  std::shared_ptr<SendLog> log_;
  int failures_;
  std::function<void()> fail_;
};

struct Row {
  std::int64_t attempts;
  std::int64_t next_attempt_at;
  std::optional<std::int64_t> sent_at;
  std::optional<std::string> last_error;
  std::int64_t claimed_until;
};

// Runs on SQLite and on PostgreSQL (store/test_support.hpp: CARELIVE_TEST_PG_URL).
class DispatcherTest : public store::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (not_ready()) return;
    db_ = &db();
  }

  // Another process's pool on the same store.
  std::unique_ptr<store::Database> second_process() {
    return store::open_database(store().url(), store().data_dir(), 2);
  }

  std::int64_t queue(const Message& m) {
    return db_->transaction([&](store::Connection& c) { return enqueue(c, m, clock_.now()); });
  }
  std::int64_t queue_email(const std::string& body) {
    return queue(Message{Channel::email, "hanako@example.jp", "件名", body});
  }

  Row row(std::int64_t id) {
    return db_->with([&](store::Connection& c) {
      const auto r = c.exec(
          "SELECT attempts, next_attempt_at, sent_at, last_error, claimed_until FROM messages "
          "WHERE id = ?",
          {id});
      const auto& x = r.first();
      return Row{x.integer(0), x.integer(1), x.opt_integer(2), x.opt_text(3), x.integer(4)};
    });
  }

  std::unique_ptr<ScriptedTransport> transport(int failures = 0) {
    return std::make_unique<ScriptedTransport>(log_, failures);
  }

  // Waits for something another thread does (not for time to pass); fails after 10 s.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  TempDir dir_;  // outbox files
  store::Database* db_ = nullptr;
  core::ManualClock clock_;
  std::shared_ptr<SendLog> log_ = std::make_shared<SendLog>();
};

TEST_P(DispatcherTest, RetriesWithBackoffUntilSent) {
  const auto t0 = clock_.now();
  const auto id = queue_email("本文");
  Dispatcher d(*db_, clock_, transport(2), transport());

  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 1);
  Row r = row(id);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.next_attempt_at, t0 + 30);
  EXPECT_EQ(r.last_error, "server busy");
  EXPECT_FALSE(r.sent_at);
  EXPECT_EQ(r.claimed_until, 0);

  EXPECT_EQ(d.run_once(), 0);  // not due yet
  clock_.advance(29);
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 1);

  clock_.advance(1);
  EXPECT_EQ(d.run_once(), 0);  // second failure: the delay doubles
  EXPECT_EQ(log_->call_count(), 2);
  EXPECT_EQ(row(id).attempts, 2);
  EXPECT_EQ(row(id).next_attempt_at, t0 + 30 + 60);

  clock_.advance(59);
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 2);

  clock_.advance(1);
  EXPECT_EQ(d.run_once(), 1);
  r = row(id);
  EXPECT_EQ(r.sent_at, t0 + 90);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_FALSE(r.last_error);
  ASSERT_EQ(log_->sent_count(), 1);
  EXPECT_EQ(log_->sent[0].body, "本文");

  clock_.advance(core::kDay);
  EXPECT_EQ(d.run_once(), 0);  // sent means sent
  EXPECT_EQ(log_->call_count(), 3);
}

TEST_P(DispatcherTest, BackoffDoublesUpToOneHour) {
  const auto id = queue_email("本文");
  Dispatcher d(*db_, clock_, transport(1000), transport());
  const std::vector<std::int64_t> expected = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(d.run_once(), 0);
    const Row r = row(id);
    EXPECT_EQ(r.attempts, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(r.next_attempt_at - clock_.now(), expected[i]) << "after failure " << i + 1;
    clock_.set(r.next_attempt_at);
  }
}

TEST_P(DispatcherTest, SendsEachChannelThroughItsTransport) {
  auto email_log = std::make_shared<SendLog>();
  auto sms_log = std::make_shared<SendLog>();
  queue(Message{Channel::email, "hanako@example.jp", "件名", "メール"});
  queue(Message{Channel::sms, "+819012345678", "", "SMS"});
  Dispatcher d(*db_, clock_, std::make_unique<ScriptedTransport>(email_log),
               std::make_unique<ScriptedTransport>(sms_log));
  EXPECT_EQ(d.run_once(), 2);
  ASSERT_EQ(email_log->sent_count(), 1);
  ASSERT_EQ(sms_log->sent_count(), 1);
  EXPECT_EQ(email_log->sent[0].channel, Channel::email);
  EXPECT_EQ(email_log->sent[0].to, "hanako@example.jp");
  EXPECT_EQ(email_log->sent[0].subject, "件名");
  EXPECT_EQ(sms_log->sent[0].channel, Channel::sms);
  EXPECT_EQ(sms_log->sent[0].to, "+819012345678");
  EXPECT_EQ(sms_log->sent[0].body, "SMS");
}

TEST_P(DispatcherTest, SecondDispatcherSkipsAMessageClaimedByTheFirst) {
  // A second process (own connection pool on the same file) runs while the first is in the
  // middle of sending message 1: it must leave 1 alone and may send the others.
  auto other_db = second_process();
  const auto first = queue_email("1");
  queue_email("2");
  queue_email("3");

  Dispatcher b(*other_db, clock_, transport(), transport());
  auto a_email = transport();
  int b_delivered = -1;
  a_email->during_send = [&] {
    EXPECT_GT(row(first).claimed_until, clock_.now());
    b_delivered = b.run_once();
  };
  Dispatcher a(*db_, clock_, std::move(a_email), transport());
  const int a_delivered = a.run_once();

  EXPECT_EQ(a_delivered, 1);
  EXPECT_EQ(b_delivered, 2);
  EXPECT_EQ(log_->sent_count(), 3);
  for (const auto& [body, count] : log_->sends_per_body) EXPECT_EQ(count, 1) << body;
  EXPECT_TRUE(row(first).sent_at);
  EXPECT_EQ(a.run_once() + b.run_once(), 0);
}

TEST_P(DispatcherTest, TwoDispatchersInParallelSendEveryMessageOnce) {
  constexpr int kMessages = 120;
  for (int i = 0; i < kMessages; ++i) queue_email("message " + std::to_string(i));
  auto other_db = second_process();
  Dispatcher a(*db_, clock_, transport(), transport());
  Dispatcher b(*other_db, clock_, transport(), transport());

  int sent_a = 0, sent_b = 0;
  std::thread ta([&] { sent_a = a.run_once(); });
  std::thread tb([&] { sent_b = b.run_once(); });
  ta.join();
  tb.join();

  EXPECT_EQ(sent_a + sent_b, kMessages);
  EXPECT_EQ(log_->sent_count(), kMessages);
  EXPECT_EQ(log_->sends_per_body.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [body, count] : log_->sends_per_body) EXPECT_EQ(count, 1) << body;
}

TEST_P(DispatcherTest, AnExpiredClaimIsTakenOver) {
  // A dispatcher that died after claiming leaves claimed_until behind; after it runs out the
  // message goes out anyway (at-least-once).
  const auto id = queue_email("本文");
  db_->with([&](store::Connection& c) {
    c.exec("UPDATE messages SET claimed_until = ? WHERE id = ?", {clock_.now() + 120, id});
  });
  Dispatcher d(*db_, clock_, transport(), transport());
  EXPECT_EQ(d.run_once(), 0);
  clock_.advance(120);
  EXPECT_EQ(d.run_once(), 1);
}

TEST_P(DispatcherTest, BackgroundThreadSurvivesTransportExceptionsAndWakes) {
  const auto id = queue_email("本文");
  auto email = std::make_unique<ScriptedTransport>(log_, 2, [n = 0]() mutable {
    if (n++ == 0) throw std::logic_error("bug in a transport");
    throw 42;  // not even a std::exception
  });
  Dispatcher d(*db_, clock_, std::move(email), transport());
  d.start();
  d.wake();
  ASSERT_TRUE(eventually([&] { return row(id).attempts == 1; }));
  EXPECT_EQ(row(id).last_error, "bug in a transport");

  clock_.advance(30);
  d.wake();
  ASSERT_TRUE(eventually([&] { return row(id).attempts == 2; }));
  EXPECT_TRUE(row(id).last_error.has_value());

  clock_.advance(60);
  d.wake();
  ASSERT_TRUE(eventually([&] { return row(id).sent_at.has_value(); }));

  // A message queued later goes out on wake() as well: the thread is still alive.
  const auto later = queue_email("後で");
  d.wake();
  ASSERT_TRUE(eventually([&] { return row(later).sent_at.has_value(); }));
  d.stop();
  d.stop();  // idempotent
  EXPECT_EQ(log_->sent_count(), 2);
}

TEST_P(DispatcherTest, UnknownChannelIsRecordedAsAFailure) {
  const auto id = queue_email("本文");
  db_->with([&](store::Connection& c) {
    c.exec("UPDATE messages SET channel = 'fax' WHERE id = ?", {id});
  });
  Dispatcher d(*db_, clock_, transport(), transport());
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(row(id).attempts, 1);
  EXPECT_NE(row(id).last_error.value_or("").find("fax"), std::string::npos);
  EXPECT_EQ(log_->call_count(), 0);
}

TEST_P(DispatcherTest, DeliversThroughTheOutbox) {
  queue_email("本文");
  queue(Message{Channel::sms, "+819012345678", "", "SMS本文"});
  const std::string outbox = dir_.str("outbox");
  Dispatcher d(*db_, clock_, make_outbox_transport(outbox, "CareLive <no-reply@carelive.test>"),
               make_outbox_transport(outbox, "CareLive <no-reply@carelive.test>"));
  EXPECT_EQ(d.run_once(), 2);
  EXPECT_EQ(testing::files_with(outbox, ".eml").size(), 1u);
  ASSERT_EQ(testing::files_with(outbox, ".sms").size(), 1u);
  EXPECT_EQ(testing::read_file(testing::files_with(outbox, ".sms")[0]),
            "To: +819012345678\n\nSMS本文");
}

TEST_P(DispatcherTest, EnqueueStoresAMessageDueNow) {
  const auto now = clock_.now();
  const auto a = queue(Message{Channel::sms, "+819012345678", "", "本文"});
  const auto b = queue_email("本文");
  EXPECT_GT(b, a);
  db_->with([&](store::Connection& c) {
    const auto r = c.exec(
        "SELECT channel, recipient, subject, body, created_at, next_attempt_at, attempts, "
        "claimed_until, sent_at, last_error FROM messages WHERE id = ?",
        {a});
    const auto& x = r.first();
    EXPECT_EQ(x.text(0), "sms");
    EXPECT_EQ(x.text(1), "+819012345678");
    EXPECT_EQ(x.text(2), "");
    EXPECT_EQ(x.text(3), "本文");
    EXPECT_EQ(x.integer(4), now);
    EXPECT_EQ(x.integer(5), now);
    EXPECT_EQ(x.integer(6), 0);
    EXPECT_EQ(x.integer(7), 0);
    EXPECT_TRUE(x.is_null(8));
    EXPECT_TRUE(x.is_null(9));
  });
}

TEST_P(DispatcherTest, EnqueueRollsBackWithTheCallersTransaction) {
  EXPECT_THROW(db_->transaction([&](store::Connection& c) {
    enqueue(c, Message{Channel::email, "a@example.jp", "s", "b"}, clock_.now());
    throw std::runtime_error("the change that caused the message failed");
  }),
               std::runtime_error);
  Dispatcher d(*db_, clock_, transport(), transport());
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 0);
}

// Hardening issue 3: a body holding a link is stored sealed and wiped once sent.
TEST_P(DispatcherTest, ALinkIsStoredSealedSentOpenAndWipedOnceSent) {
  const Sealer sealer(std::string(48, 'k'));
  const std::string link = "https://live.test/password/reset?token=SecretToken_123";
  Message m{Channel::email, "hanako@example.jp", "件名", "開いてください\n" + link + "\n"};
  m.sealed = sealer.seal(m.body);
  const auto id = queue(m);
  const auto stored = [&] {
    return db_->with([&](store::Connection& c) {
      const auto r = c.exec("SELECT body, sealed_body FROM messages WHERE id = ?", {id});
      return std::pair(r.first().text(0), r.first().opt_text(1));
    });
  };
  EXPECT_EQ(stored().first, "");
  ASSERT_TRUE(stored().second);
  EXPECT_EQ(stored().second->find("SecretToken"), std::string::npos);

  Dispatcher d(*db_, clock_, transport(), transport(), {sealer, "inst", ClaimOwner::self()});
  EXPECT_EQ(d.run_once(), 1);
  ASSERT_EQ(log_->sent_count(), 1);
  EXPECT_EQ(log_->sent[0].body, m.body);
  EXPECT_EQ(log_->sent[0].id, id);
  EXPECT_EQ(log_->sent[0].installation, "inst");
  EXPECT_FALSE(stored().second);
}

TEST_P(DispatcherTest, EnqueueRefusesALinkThatIsNotSealed) {
  EXPECT_THROW(queue_email("https://live.test/pass/confirm?token=abc"), std::logic_error);
  EXPECT_EQ(db_->with([&](store::Connection& c) {
    return c.exec("SELECT COUNT(*) FROM messages").first().integer(0);
  }),
            0);
}

TEST_P(DispatcherTest, ASealedBodyTheKeyCannotOpenIsRetriedNotSentGarbled) {
  Message m{Channel::email, "hanako@example.jp", "件名", "?token=abc"};
  m.sealed = Sealer(std::string(48, 'a')).seal(m.body);
  const auto id = queue(m);
  Dispatcher d(*db_, clock_, transport(), transport(),
               {Sealer(std::string(48, 'b')), "inst", ClaimOwner::self()});
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 0);
  EXPECT_EQ(row(id).attempts, 1);
}

TEST_P(DispatcherTest, ALinkMessageNotDeliveredWhileTheLinkIsValidIsGivenUpAndWiped) {
  const Sealer sealer(std::string(48, 'k'));
  Message m{Channel::email, "hanako@example.jp", "件名", "?token=abc"};
  m.sealed = sealer.seal(m.body);
  const auto id = queue(m);
  clock_.advance(24 * core::kHour);
  Dispatcher d(*db_, clock_, transport(), transport(), {sealer, "inst", ClaimOwner::self()});
  EXPECT_EQ(d.run_once(), 0);
  EXPECT_EQ(log_->call_count(), 0);
  db_->with([&](store::Connection& c) {
    const auto r =
        c.exec("SELECT sealed_body, abandoned_at, sent_at FROM messages WHERE id = ?", {id});
    EXPECT_TRUE(r.first().is_null(0));
    EXPECT_FALSE(r.first().is_null(1));
    EXPECT_TRUE(r.first().is_null(2));
  });
  EXPECT_EQ(d.run_once(), 0);  // no longer due
  EXPECT_EQ(log_->call_count(), 0);
}

// Hardening issue 7: a restart does not wait for its predecessor's claims to run out.
TEST_P(DispatcherTest, ClaimsOfAProcessOnThisHostThatIsGoneAreReleasedAtOnce) {
  const auto id = queue_email("本文");
  ClaimOwner dead = ClaimOwner::self();
  dead.start = "0";  // our pid, but not this process's start: a predecessor killed with -9
  ASSERT_TRUE(certainly_gone(ClaimOwner::self(), dead));
  db_->with([&](store::Connection& c) {
    repo::claim(c, id, clock_.now(), clock_.now() + 120, dead.to_string());
  });
  Dispatcher d(*db_, clock_, transport(), transport());
  EXPECT_EQ(d.run_once(), 1);
  EXPECT_EQ(log_->sent_count(), 1);
}

TEST_P(DispatcherTest, ClaimsOfALiveOrFarAwayProcessAreLeftToRunOut) {
  const auto mine = queue_email("生きている");
  const auto far = queue_email("別のホスト");
  ClaimOwner alive = ClaimOwner::self();  // this very process, another dispatcher
  ClaimOwner elsewhere = ClaimOwner::self();
  elsewhere.host = "another-host";
  elsewhere.start = "0";
  db_->with([&](store::Connection& c) {
    repo::claim(c, mine, clock_.now(), clock_.now() + 120, alive.to_string());
    repo::claim(c, far, clock_.now(), clock_.now() + 120, elsewhere.to_string());
  });
  Dispatcher d(*db_, clock_, transport(), transport());
  EXPECT_EQ(d.run_once(), 0);
  clock_.advance(120);
  EXPECT_EQ(d.run_once(), 2);
}

TEST(ClaimOwner, RoundTripsThroughItsText) {
  const auto me = ClaimOwner::self();
  const auto back = ClaimOwner::parse(me.to_string());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_string(), me.to_string());
  EXPECT_FALSE(certainly_gone(me, *back));
  EXPECT_FALSE(ClaimOwner::parse("garbage"));
  EXPECT_FALSE(ClaimOwner::parse("host/boot/notapid/1/x"));
}

// The crash window: the file was written, the process died before the row was marked sent.
// Sending again replaces that file: one file per message, whatever happened.
TEST_P(DispatcherTest, SendingAgainAfterACrashReplacesTheSameOutboxFile) {
  const auto id = queue_email("本文");
  queue(Message{Channel::sms, "+819012345678", "", "SMS本文"});
  const std::string outbox = dir_.str("outbox");
  const std::string from = "CareLive <no-reply@carelive.test>";
  Message first{Channel::email, "hanako@example.jp", "件名", "本文"};
  first.id = id;
  make_outbox_transport(outbox, from)->send(first);  // the killed process's write
  ASSERT_EQ(testing::files_with(outbox, ".eml").size(), 1u);

  Dispatcher d(*db_, clock_, make_outbox_transport(outbox, from),
               make_outbox_transport(outbox, from));
  EXPECT_EQ(d.run_once(), 2);
  const auto emails = testing::files_with(outbox, ".eml");
  ASSERT_EQ(emails.size(), 1u);
  EXPECT_EQ(emails[0].filename().string(),
            std::string(12 - std::to_string(id).size(), '0') + std::to_string(id) + ".eml");
  EXPECT_EQ(testing::files_with(outbox, ".sms").size(), 1u);
}

// "Notify/DispatcherTest.…/sqlite": the prefix keeps the suite inside --gtest_filter='Notify*'.
INSTANTIATE_TEST_SUITE_P(Notify, DispatcherTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive::notify
