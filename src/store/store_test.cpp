#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/postgres.hpp"
#include "store/test_support.hpp"

namespace carelive::store {
namespace {

using testing::BackendTest;

std::int64_t count(Database& db, const std::string& sql, const Params& params = {}) {
  return db.with([&](Connection& c) { return c.exec(sql, params).first().integer(0); });
}

// Ways a DbError can be told apart; kind() is what callers branch on.
template <class F>
DbError::Kind error_kind_of(F&& fn) {
  try {
    fn();
  } catch (const DbError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no DbError thrown";
  return DbError::Kind::other;
}

// ---------------------------------------------------------------------------------------------
// Migrations (migrations/NNNN_name.sql, applied in order at start-up).

class StoreMigrations : public BackendTest {};

TEST_P(StoreMigrations, FreshStoreAppliesEveryMigrationOnceThenNothing) {
  const auto total = static_cast<int>(migrations().size());
  ASSERT_GT(total, 0);
  auto raw = store().open_unmigrated();
  EXPECT_EQ(migrate(*raw), total);
  EXPECT_EQ(migrate(*raw), 0);
  EXPECT_EQ(count(*raw, "SELECT COUNT(*) FROM schema_migrations"), total);
  EXPECT_EQ(count(*raw, "SELECT COUNT(*) FROM accounts"), 0);
  // Each migration is recorded under its own number and name.
  for (const auto& m : migrations()) {
    auto r = raw->with([&](Connection& c) {
      return c.exec("SELECT name FROM schema_migrations WHERE number = ?",
                    {std::int64_t{m.number}});
    });
    ASSERT_EQ(r.rows.size(), 1u) << m.name;
    EXPECT_EQ(r.first().text(0), m.name);
  }
}

TEST_P(StoreMigrations, ReopeningTheStoreAppliesNothingAndKeepsData) {
  const auto total = static_cast<int>(migrations().size());
  db().with([](Connection& c) {
    c.exec("INSERT INTO audit_log (at, event) VALUES (?, ?)",
           {std::int64_t{1}, std::string("kept")});
  });
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM schema_migrations"), total);

  Database& again = store().reopen();
  EXPECT_EQ(migrate(again), 0);
  EXPECT_EQ(count(again, "SELECT COUNT(*) FROM schema_migrations"), total);
  EXPECT_EQ(count(again, "SELECT COUNT(*) FROM audit_log WHERE event = ?", {std::string("kept")}),
            1);
}

// Issue 10: processes started at the same instant on an empty database all come up, and every
// step is applied once.
TEST_P(StoreMigrations, ProcessesStartingTogetherOnAnEmptyDatabaseAllComeUp) {
  const auto total = static_cast<int>(migrations().size());
  constexpr int kProcesses = 4;
  std::vector<std::unique_ptr<Database>> pools;
  for (int i = 0; i < kProcesses; ++i) pools.push_back(store().open_unmigrated());
  std::atomic<int> ready{0};
  std::atomic<int> applied{0};
  std::vector<std::string> failures(kProcesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcesses; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kProcesses) std::this_thread::yield();
      try {
        applied += migrate(*pools[i]);
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(applied.load(), total);
  EXPECT_EQ(count(*pools[0], "SELECT COUNT(*) FROM schema_migrations"), total);
}

// Issue 10: an older binary never serves a database a newer one migrated.
TEST_P(StoreMigrations, ADatabaseOfANewerCareLiveIsRefusedUntouched) {
  auto raw = store().open_unmigrated();
  migrate(*raw);
  raw->with([](Connection& c) {
    c.exec("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
           {std::int64_t{9999}, std::string("9999_from_the_future"), std::int64_t{1}});
  });
  const auto before = count(*raw, "SELECT COUNT(*) FROM schema_migrations");
  try {
    migrate(*raw);
    ADD_FAILURE() << "a newer schema was accepted";
  } catch (const SchemaTooNew& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("9999_from_the_future"), std::string::npos) << what;
    EXPECT_NE(what.find(migrations().back().name), std::string::npos) << what;
  }
  EXPECT_EQ(count(*raw, "SELECT COUNT(*) FROM schema_migrations"), before);
}

TEST_P(StoreMigrations, RendersIdColumnsForTheBackend) {
  const auto dialect = db().dialect();
  EXPECT_EQ(dialect, GetParam() == "sqlite" ? Dialect::sqlite : Dialect::postgres);
  const auto sql = render_for_dialect("CREATE TABLE t (id {{ID}}, x {{ID}})", dialect);
  EXPECT_EQ(sql.find("{{ID}}"), std::string::npos);
  // Ids are handed out by the store on both backends.
  auto first = db().with([](Connection& c) {
    return c.exec("INSERT INTO audit_log (at, event) VALUES (1, 'a') RETURNING id")
        .first()
        .integer(0);
  });
  auto second = db().with([](Connection& c) {
    return c.exec("INSERT INTO audit_log (at, event) VALUES (1, 'b') RETURNING id")
        .first()
        .integer(0);
  });
  EXPECT_GT(first, 0);
  EXPECT_GT(second, first);
}

// ---------------------------------------------------------------------------------------------
// Parameter binding: null, 64-bit integers and UTF-8 text, round-tripped through both drivers.

class StoreBinding : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (not_ready()) return;
    db().with([](Connection& c) {
      c.exec_script("CREATE TABLE bind_test (id BIGINT PRIMARY KEY, n BIGINT, label TEXT)");
    });
  }
};

TEST_P(StoreBinding, RoundTripsNullIntegerAndJapaneseText) {
  const std::string japanese = "富士田　熊吉（ふじた くまきち）様・ｶﾅ・😀";
  const std::string quoted = R"(it's "quoted", a ? and a \ backslash)";
  const auto big = std::numeric_limits<std::int64_t>::max();
  const auto small = std::numeric_limits<std::int64_t>::min();
  db().with([&](Connection& c) {
    const char* insert = "INSERT INTO bind_test (id, n, label) VALUES (?, ?, ?)";
    c.exec(insert, {std::int64_t{1}, nullptr, nullptr});
    c.exec(insert, {std::int64_t{2}, big, japanese});
    c.exec(insert, {std::int64_t{3}, small, quoted});
    c.exec(insert, {std::int64_t{4}, std::int64_t{0}, std::string()});
  });
  auto r = db().with(
      [](Connection& c) { return c.exec("SELECT id, n, label FROM bind_test ORDER BY id"); });
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_TRUE(r.rows[0].is_null(1));
  EXPECT_TRUE(r.rows[0].is_null(2));
  EXPECT_EQ(r.rows[0].opt_integer(1), std::nullopt);
  EXPECT_EQ(r.rows[0].opt_text(2), std::nullopt);
  EXPECT_THROW(r.rows[0].text(2), DbError);
  EXPECT_EQ(r.rows[1].integer(1), big);
  EXPECT_EQ(r.rows[1].text(2), japanese);
  EXPECT_EQ(r.rows[2].integer(1), small);
  EXPECT_EQ(r.rows[2].text(2), quoted);
  // An empty string is a value, not NULL.
  EXPECT_FALSE(r.rows[3].is_null(2));
  EXPECT_EQ(r.rows[3].text(2), "");
  EXPECT_EQ(r.rows[3].integer(1), 0);
}

TEST_P(StoreBinding, JapaneseTextAndNullWorkAsConditions) {
  db().with([](Connection& c) {
    const char* insert = "INSERT INTO bind_test (id, n, label) VALUES (?, ?, ?)";
    c.exec(insert, {std::int64_t{1}, nullptr, std::string("ふじ園")});
    c.exec(insert, {std::int64_t{2}, std::int64_t{7}, std::string("さくら苑")});
  });
  auto by_label = db().with([](Connection& c) {
    return c.exec("SELECT id FROM bind_test WHERE label = ?", {std::string("さくら苑")});
  });
  ASSERT_EQ(by_label.rows.size(), 1u);
  EXPECT_EQ(by_label.first().integer(0), 2);
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM bind_test WHERE n IS NULL"), 1);
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM bind_test WHERE n = ?", {std::int64_t{7}}), 1);
  // store::nullable maps an empty optional to NULL.
  db().with([](Connection& c) {
    c.exec("UPDATE bind_test SET label = ? WHERE id = ?",
           {nullable(std::optional<std::string>()), std::int64_t{2}});
  });
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM bind_test WHERE label IS NULL"), 1);
}

TEST_P(StoreBinding, ReportsAffectedRowsAlike) {
  db().with([](Connection& c) {
    for (std::int64_t i = 1; i <= 5; ++i)
      c.exec("INSERT INTO bind_test (id, n) VALUES (?, ?)", {i, i % 2});
  });
  auto updated = db().with([](Connection& c) {
    return c.exec("UPDATE bind_test SET label = ? WHERE n = ?",
                  {std::string("odd"), std::int64_t{1}});
  });
  EXPECT_EQ(updated.affected, 3);
  auto none = db().with([](Connection& c) {
    return c.exec("UPDATE bind_test SET label = ? WHERE id = ?",
                  {std::string("x"), std::int64_t{99}});
  });
  EXPECT_EQ(none.affected, 0);
  auto deleted = db().with(
      [](Connection& c) { return c.exec("DELETE FROM bind_test WHERE n = ?", {std::int64_t{0}}); });
  EXPECT_EQ(deleted.affected, 2);
}

// ---------------------------------------------------------------------------------------------
// Errors: callers branch on DbError::kind(), so both drivers must map alike.

class StoreErrors : public BackendTest {};

TEST_P(StoreErrors, UniqueViolationIsReportedAsUniqueViolation) {
  const char* insert =
      "INSERT INTO accounts (family_name, given_name, family_name_kana, given_name_kana, email, "
      "password_hash, created_at, updated_at) VALUES ('富士田', '熊吉', 'ふじた', 'くまきち', ?, "
      "'h', 0, 0)";
  db().with([&](Connection& c) { c.exec(insert, {std::string("kuma@example.jp")}); });
  EXPECT_EQ(error_kind_of([&] {
              db().with([&](Connection& c) { c.exec(insert, {std::string("kuma@example.jp")}); });
            }),
            DbError::Kind::unique_violation);
  // A primary key is a unique constraint too.
  db().with([](Connection& c) {
    c.exec("INSERT INTO login_throttle (throttle_key) VALUES (?)", {std::string("k")});
  });
  EXPECT_EQ(error_kind_of([&] {
              db().with([](Connection& c) {
                c.exec("INSERT INTO login_throttle (throttle_key) VALUES (?)", {std::string("k")});
              });
            }),
            DbError::Kind::unique_violation);
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM accounts"), 1);
}

TEST_P(StoreErrors, OtherFailuresAreNotUniqueViolations) {
  // NOT NULL and CHECK constraints, and bad SQL.
  EXPECT_EQ(
      error_kind_of([&] {
        db().with([](Connection& c) {
          c.exec("INSERT INTO audit_log (at, event) VALUES (?, ?)", {std::int64_t{1}, nullptr});
        });
      }),
      DbError::Kind::other);
  EXPECT_EQ(error_kind_of([&] {
              db().with([](Connection& c) {
                c.exec(
                    "INSERT INTO accounts (family_name, given_name, family_name_kana, "
                    "given_name_kana, password_hash, created_at, updated_at) "
                    "VALUES ('a', 'b', 'c', 'd', 'h', 0, 0)");
              });
            }),
            DbError::Kind::other);
  EXPECT_EQ(error_kind_of(
                [&] { db().with([](Connection& c) { c.exec("SELECT * FROM no_such_table"); }); }),
            DbError::Kind::other);
  // The pool still works afterwards.
  EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log"), 0);
}

// ---------------------------------------------------------------------------------------------
// Transactions.

class StoreTransactions : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (not_ready()) return;
    // One connection: whatever a failed transaction leaves behind, the next caller gets.
    store().reopen(1);
  }
  std::int64_t events(const std::string& name) {
    return count(db(), "SELECT COUNT(*) FROM audit_log WHERE event = ?", {name});
  }
  static void log(Connection& c, const std::string& event) {
    c.exec("INSERT INTO audit_log (at, event) VALUES (?, ?)", {std::int64_t{1}, event});
  }
};

TEST_P(StoreTransactions, CommitsWhenTheFunctionReturns) {
  auto id = db().transaction([](Connection& c) {
    log(c, "first");
    return c.exec("INSERT INTO audit_log (at, event) VALUES (1, 'second') RETURNING id")
        .first()
        .integer(0);
  });
  EXPECT_GT(id, 0);
  EXPECT_EQ(events("first"), 1);
  EXPECT_EQ(events("second"), 1);
}

TEST_P(StoreTransactions, RollsBackWhenTheFunctionThrows) {
  EXPECT_THROW(db().transaction([](Connection& c) {
    log(c, "lost");
    throw std::runtime_error("domain failure");
  }),
               std::runtime_error);
  EXPECT_EQ(events("lost"), 0);
  // The connection is clean: the next transaction commits.
  db().transaction([](Connection& c) { log(c, "after"); });
  EXPECT_EQ(events("after"), 1);
}

TEST_P(StoreTransactions, RollsBackEarlierWritesWhenAStatementFails) {
  db().with(
      [](Connection& c) { c.exec("INSERT INTO login_throttle (throttle_key) VALUES ('taken')"); });
  auto kind = error_kind_of([&] {
    db().transaction([](Connection& c) {
      log(c, "lost");
      c.exec("INSERT INTO login_throttle (throttle_key) VALUES ('taken')");
    });
  });
  EXPECT_EQ(kind, DbError::Kind::unique_violation);
  EXPECT_EQ(events("lost"), 0);
  // PostgreSQL refuses every statement of an aborted transaction until ROLLBACK: the one
  // pooled connection must have been rolled back.
  db().with([](Connection& c) { log(c, "plain"); });
  db().transaction([](Connection& c) { log(c, "in_tx"); });
  EXPECT_EQ(events("plain"), 1);
  EXPECT_EQ(events("in_tx"), 1);
}

// ---------------------------------------------------------------------------------------------
// `?` placeholders (PostgreSQL numbers them; quoted text is left alone).

TEST(NumberPlaceholders, NumbersQuestionMarksInOrder) {
  EXPECT_EQ(number_placeholders("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(number_placeholders("VALUES (?,?,?)"), "VALUES ($1,$2,$3)");
  EXPECT_EQ(number_placeholders("SELECT 1"), "SELECT 1");
}

TEST(NumberPlaceholders, LeavesQuestionMarksInsideQuotesAlone) {
  EXPECT_EQ(number_placeholders("SELECT '?', ?"), "SELECT '?', $1");
  EXPECT_EQ(number_placeholders(R"(SELECT ? AS "what?", '??' || ?)"),
            R"(SELECT $1 AS "what?", '??' || $2)");
  // A doubled quote inside a literal ('') does not end it early.
  EXPECT_EQ(number_placeholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
  EXPECT_EQ(number_placeholders(R"(SELECT "a""?", ?)"), R"(SELECT "a""?", $1)");
  // Japanese text around it is copied byte for byte.
  EXPECT_EQ(number_placeholders("SELECT 'どうですか？?' WHERE x = ?"),
            "SELECT 'どうですか？?' WHERE x = $1");
}

class StorePlaceholders : public BackendTest {};

TEST_P(StorePlaceholders, QuestionMarkInQuotedTextIsNotAParameter) {
  auto r = db().with([](Connection& c) {
    return c.exec(R"(SELECT '?', ?, 'it''s ?', ? AS "why?")", {std::string("a"), std::string("b")});
  });
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.first().text(0), "?");
  EXPECT_EQ(r.first().text(1), "a");
  EXPECT_EQ(r.first().text(2), "it's ?");
  EXPECT_EQ(r.first().text(3), "b");

  db().with([](Connection& c) {
    c.exec("INSERT INTO audit_log (at, event, detail) VALUES (?, 'why?', ?)",
           {std::int64_t{5}, std::string("{\"q\":\"?\"}")});
  });
  auto row = db().with([](Connection& c) {
    return c.exec("SELECT at, event, detail FROM audit_log WHERE event = 'why?'");
  });
  ASSERT_EQ(row.rows.size(), 1u);
  EXPECT_EQ(row.first().integer(0), 5);
  EXPECT_EQ(row.first().text(2), "{\"q\":\"?\"}");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMigrations, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, StoreBinding, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);
// Issue 9: a full disk is "unavailable" (503 with Retry-After), not an internal error, and the
// store says so for a while (GET /healthz). SQLite: the page limit set to what the file has.
TEST_P(StoreErrors, AFullStoreIsUnavailableAndSaysSoForAWhile) {
  if (GetParam() != std::string("sqlite")) GTEST_SKIP() << "PostgreSQL: class 53 (disk_full)";
  EXPECT_FALSE(db().recently_unavailable());
  EXPECT_EQ(error_kind_of([&] {
              db().with([](Connection& c) {
                const auto pages = c.exec("PRAGMA page_count").first().integer(0);
                c.exec("PRAGMA max_page_count = " + std::to_string(pages));
                for (int i = 0; i < 1000; ++i)
                  c.exec("INSERT INTO audit_log (at, event, detail) VALUES (1, 'x', ?)",
                         {std::string(4000, 'x')});
              });
            }),
            DbError::Kind::unavailable);
  EXPECT_TRUE(db().recently_unavailable());
}

// Issue 9: a pooled PostgreSQL connection whose server side went away (a restart, an idle
// timeout) is replaced without failing the call that finds it.
TEST_P(StoreErrors, ABrokenPooledConnectionIsReplacedWithoutFailingTheCall) {
  if (GetParam() != std::string("postgres")) GTEST_SKIP() << "SQLite has no server connection";
  PostgresDatabase pooled(store().url(), 1);
  auto pid = [&] {
    return pooled.with(
        [](Connection& c) { return c.exec("SELECT pg_backend_pid()").first().integer(0); });
  };
  auto terminate = [&](std::int64_t backend) {
    db().with([&](Connection& c) { c.exec("SELECT pg_terminate_backend(?)", {backend}); });
  };
  const auto first = pid();
  terminate(first);
  const auto second = pid();  // the same call: no error
  EXPECT_NE(second, first);
  terminate(second);
  EXPECT_EQ(pooled.transaction([](Connection& c) { return c.exec("SELECT 1").first().integer(0); }),
            1);
  EXPECT_FALSE(pooled.recently_unavailable());
}

// A store that cannot be reached at all is unavailable too (503), never internal.
TEST_P(StoreErrors, AStoreThatCannotBeReachedIsUnavailable) {
  if (GetParam() != std::string("postgres")) GTEST_SKIP() << "SQLite is a file";
  EXPECT_EQ(
      error_kind_of([] { PostgresDatabase("postgresql://127.0.0.1:1/none?connect_timeout=2", 1); }),
      DbError::Kind::unavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreErrors, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, StoreTransactions, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, StorePlaceholders, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace carelive::store
