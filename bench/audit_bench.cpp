// The access records' search over a large audit log (SPEC 15: "1,000,000 rows stay fast").
// Fills a fresh store (SQLite in --data, or PostgreSQL with --database) with --rows audit rows
// spread over a year, --facilities facilities, their residents and staff, as the server writes
// them (audit::record's own insert), then times the searches the console makes — a facility's
// newest page, by resident, by person, by event and period, and a page 200 deep by cursor —
// through audit::search, the server's own SQL. Prints p50 / p99 / max per search.
//
//   audit_bench --data /tmp/audit --rows 1000000 [--runs 200]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "app.hpp"
#include "audit/audit.hpp"

using namespace carelive;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kEvents[] = {"people_viewed",         "applications_viewed",  "calls_viewed",
                               "call_schedules_viewed", "residents_viewed",     "invite_viewed",
                               "resident_edited",       "application_approved", "login_ok",
                               "call_scheduled"};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

void report(const char* name, std::vector<double> ms, std::size_t rows) {
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))]; };
  std::printf("  %-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu rows a page)\n", name,
              at(0.50), at(0.99), ms.back(), rows);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"audit search benchmark"};
  std::string data, database;
  std::int64_t rows = 1'000'000, facilities = 20, residents_each = 100, staff_each = 15;
  int runs = 200;
  cli.add_option("--data", data, "data folder (made if missing)")->required();
  cli.add_option("--database", database, "a PostgreSQL URL instead of SQLite in --data");
  cli.add_option("--rows", rows, "audit rows to write first");
  cli.add_option("--facilities", facilities, "facilities");
  cli.add_option("--runs", runs, "searches per kind");
  CLI11_PARSE(cli, argc, argv);

  Config config;
  config.data_dir = data;
  if (!database.empty()) config.database = database;
  App app(config);
  auto& db = app.db();

  // A year of rows, oldest first, as they would have come: each by one of the facility's staff
  // (or a family member), about one of its residents.
  const core::UnixSeconds end = 1'796'000'000, start = end - 365 * 86400;
  std::mt19937_64 rng(42);
  const auto existing = db.with([](store::Connection& c) {
    return c.exec("SELECT COUNT(*) FROM audit_log").first().integer(0);
  });
  const auto t0 = Clock::now();
  for (std::int64_t done = existing; done < rows;) {
    db.transaction([&](store::Connection& c) {
      for (int i = 0; i < 10'000 && done < rows; ++i, ++done) {
        const auto facility = std::int64_t(rng() % facilities) + 1;
        const auto resident = facility * 1000 + std::int64_t(rng() % residents_each);
        const auto account = facility * 100 + std::int64_t(rng() % staff_each);
        const auto at = start + (end - start) * done / rows;
        audit::record(c, at, audit::Actor::account_at(account, "192.0.2.1"),
                      kEvents[rng() % std::size(kEvents)],
                      {{"facility_id", facility}, {"resident_id", resident}});
      }
    });
  }
  // The planner's statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE keeps them.
  db.with([](store::Connection& c) { c.exec("ANALYZE audit_log"); });
  const auto total = db.with([](store::Connection& c) {
    return c.exec("SELECT COUNT(*) FROM audit_log").first().integer(0);
  });
  std::printf("audit_log: %lld rows (%s, %lld written in %.1f s), %lld facilities\n",
              static_cast<long long>(total), database.empty() ? "SQLite" : "PostgreSQL",
              static_cast<long long>(total - existing), ms_since(t0) / 1000,
              static_cast<long long>(facilities));

  const auto time_search = [&](const char* name, auto make_query) {
    std::vector<double> ms;
    std::size_t page_rows = 0;
    for (int i = 0; i < runs; ++i) {
      const auto q = make_query(i);
      const auto t = Clock::now();
      const auto page = db.with([&](store::Connection& c) { return audit::search(c, q); });
      ms.push_back(ms_since(t));
      page_rows = page.entries.size();
    }
    report(name, ms, page_rows);
  };
  const auto facility_of = [&](int i) { return std::int64_t(i % facilities) + 1; };
  time_search("a facility's newest page", [&](int i) {
    audit::Query q;
    q.facility = facility_of(i);
    return q;
  });
  time_search("by resident", [&](int i) {
    audit::Query q;
    q.facility = facility_of(i);
    q.resident = facility_of(i) * 1000 + i % residents_each;
    return q;
  });
  time_search("by person (one account)", [&](int i) {
    audit::Query q;
    q.facility = facility_of(i);
    q.accounts = std::vector<std::int64_t>{facility_of(i) * 100 + i % staff_each};
    return q;
  });
  time_search("by event, one month half a year back", [&](int i) {
    audit::Query q;
    q.facility = facility_of(i);
    q.events = {"people_viewed"};
    q.since = start + 180 * 86400;
    q.until = q.since.value() + 30 * 86400;
    return q;
  });
  time_search("every read of a resident, one week", [&](int i) {
    audit::Query q;
    q.facility = facility_of(i);
    q.resident = facility_of(i) * 1000 + i % residents_each;
    q.events = {kEvents[0], kEvents[1], kEvents[2], kEvents[3], kEvents[4], kEvents[5]};
    q.since = start + 200 * 86400;
    q.until = q.since.value() + 7 * 86400;
    return q;
  });
  time_search("the operator's newest page (all facilities)", [&](int) { return audit::Query{}; });

  // Page 200 of a facility's log, by cursor: the cost of one page does not grow with depth.
  std::vector<double> deep;
  for (int f = 1; f <= std::min<std::int64_t>(facilities, 5); ++f) {
    audit::Query q;
    q.facility = f;
    for (int page = 0; page < 200; ++page) {
      const auto t = Clock::now();
      const auto found = db.with([&](store::Connection& c) { return audit::search(c, q); });
      deep.push_back(ms_since(t));
      if (!found.next) break;
      q.after = found.next;
    }
  }
  report("each of 200 pages in a row, by cursor", deep, 50);
  return 0;
}
