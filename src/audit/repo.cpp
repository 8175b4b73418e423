#include "audit/repo.hpp"

#include <algorithm>

#include "store/rows.hpp"

namespace carelive::audit::repo {
namespace sql {

constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (at, account_id, event, ip, detail, facility_id, resident_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kColumns =
    "SELECT at, account_id, event, ip, detail, facility_id, resident_id, id FROM audit_log";
constexpr const char* kPurgeBefore = "DELETE FROM audit_log WHERE at < ?";

}  // namespace sql

namespace {

Entry entry_of(store::Columns& r) {
  Entry e;
  e.at = r.integer();
  e.account = r.opt_integer();
  e.event = r.text();
  e.address = r.text();
  e.detail = r.text();
  e.facility = r.opt_integer();
  e.resident = r.opt_integer();
  e.id = r.integer();
  return e;
}

}  // namespace

void insert(store::Connection& c, const Entry& e) {
  c.exec(sql::kInsertAudit, {e.at, store::nullable(e.account), e.event, e.address, e.detail,
                             store::nullable(e.facility), store::nullable(e.resident)});
}

void insert_many(store::Connection& c, const std::vector<Entry>& entries) {
  constexpr std::size_t kRowsPerStatement = 100;
  for (std::size_t first = 0; first < entries.size(); first += kRowsPerStatement) {
    const auto last = std::min(entries.size(), first + kRowsPerStatement);
    std::string statement =
        "INSERT INTO audit_log (at, account_id, event, ip, detail, facility_id, resident_id) "
        "VALUES ";
    store::Params params;
    params.reserve((last - first) * 7);
    for (auto i = first; i < last; ++i) {
      const auto& e = entries[i];
      statement += i == first ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
      params.insert(params.end(), {e.at, store::nullable(e.account), e.event, e.address, e.detail,
                                   store::nullable(e.facility), store::nullable(e.resident)});
    }
    c.exec(statement, params);
  }
}

std::vector<Entry> newest(store::Connection& c, std::int64_t limit) {
  return store::all_of(
      c.exec(std::string(sql::kColumns) + " ORDER BY at DESC, id DESC LIMIT ?", {limit}), entry_of);
}

// One statement with a placeholder per filter given; (at, id) as a row value, so that both
// SQLite and PostgreSQL start the walk down the index at the cursor.
std::vector<Entry> search(store::Connection& c, const Query& q) {
  std::string where;
  store::Params params;
  const auto add = [&](const std::string& condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  if (q.facility) {
    add("facility_id = ?");
    params.push_back(*q.facility);
  }
  if (q.accounts) {
    if (q.accounts->empty()) return {};
    std::string in;
    for (const auto id : *q.accounts) {
      in += in.empty() ? "?" : ", ?";
      params.push_back(id);
    }
    add("account_id IN (" + in + ")");
  }
  if (q.resident) {
    add("resident_id = ?");
    params.push_back(*q.resident);
  }
  if (!q.events.empty()) {
    std::string in;
    for (const auto& event : q.events) {
      in += in.empty() ? "?" : ", ?";
      params.push_back(event);
    }
    add("event IN (" + in + ")");
  }
  if (q.since) {
    add("at >= ?");
    params.push_back(*q.since);
  }
  if (q.until) {
    add("at < ?");
    params.push_back(*q.until);
  }
  if (q.after) {
    add("(at, id) < (?, ?)");
    params.push_back(q.after->at);
    params.push_back(q.after->id);
  }
  params.push_back(q.limit + 1);
  return store::all_of(
      c.exec(std::string(sql::kColumns) + where + " ORDER BY at DESC, id DESC LIMIT ?", params),
      entry_of);
}

std::int64_t purge_before(store::Connection& c, core::UnixSeconds before) {
  return c.exec(sql::kPurgeBefore, {before}).affected;
}

}  // namespace carelive::audit::repo
