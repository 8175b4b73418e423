#include "retention.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "pass/service.hpp"
#include "testing/world.hpp"

// Retention (SPEC 15, `[retention]`) on both stores: what is past its day goes — ended
// sessions, used or expired links and sign-ups, the bodies of sent messages, audit rows when
// `audit_days` is set — and what is still in use or young stays; the purge is audited.

namespace carelive::retention {
namespace {

using core::kDay;
using testing::kPassword;

class RetentionTest : public carelive::testing::World {
 protected:
  Purged purge_now(const Settings& s = {}) { return purge(db(), s, clock_.now()); }
};

TEST_P(RetentionTest, EndedSessionsGoAfterTheirDaysAndLiveOnesStay) {
  add_account("kuma@example.jp");
  const pass::RequestMeta meta{"192.0.2.1", "test"};
  const auto old_session = pass().login("kuma@example.jp", kPassword, meta);
  clock_.advance(40 * kDay);  // the family's 30 idle days passed 10 days ago
  const auto live_session = pass().login("kuma@example.jp", kPassword, meta);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 2);
  EXPECT_EQ(purge_now(Settings{.ended_sessions_days = 30}).sessions, 0) << "ended only 10 days ago";
  EXPECT_EQ(purge_now(Settings{.ended_sessions_days = 5}).sessions, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_TRUE(pass().authenticate(live_session.session_token));
  EXPECT_FALSE(pass().authenticate(old_session.session_token));
}

TEST_P(RetentionTest, UsedOrExpiredLinksAndSentMessageBodiesGoAuditRowsOnlyWhenAsked) {
  add_account("kuma@example.jp");
  pass().request_password_reset("kuma@example.jp", {"192.0.2.1", "test"});
  db().with(
      [&](store::Connection& c) { c.exec("UPDATE messages SET sent_at = ?", {clock_.now()}); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_tokens"), 1);
  EXPECT_EQ(purge_now().total(), 0) << "everything is young";

  clock_.advance(32 * kDay);  // the link expired 31 days ago
  auto purged = purge_now();
  EXPECT_EQ(purged.links, 1);
  EXPECT_EQ(purged.message_bodies, 0);
  EXPECT_EQ(purged.audit_rows, 0) << "kept unless audit_days is set";
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_tokens"), 0);

  clock_.advance(60 * kDay);
  purged = purge_now();
  EXPECT_EQ(purged.message_bodies, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = '' AND sealed_body IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1) << "who and when stay";
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'retention_purged'"), 2);

  clock_.advance(1);
  const auto before = count("SELECT COUNT(*) FROM audit_log");
  purged = purge_now(Settings{.audit_days = 30});
  EXPECT_GT(purged.audit_rows, 0);
  EXPECT_LT(count("SELECT COUNT(*) FROM audit_log"), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE at < ?", {clock_.now() - 30 * kDay}), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'retention_purged' AND at = ?",
                  {clock_.now()}),
            1)
      << "the purge itself is recorded after it";
}

CARELIVE_BACKENDS(RetentionTest);

}  // namespace
}  // namespace carelive::retention
