#include "audit/repo.hpp"

#include "store/rows.hpp"

namespace carelive::audit::repo {
namespace sql {

constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (at, account_id, event, ip, detail) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kNewest =
    "SELECT at, account_id, event, ip, detail FROM audit_log ORDER BY id DESC LIMIT ?";

constexpr const char* kPurgeBefore = "DELETE FROM audit_log WHERE at < ?";

}  // namespace sql

void insert(store::Connection& c, const Entry& e) {
  c.exec(sql::kInsertAudit, {e.at, store::nullable(e.account), e.event, e.address, e.detail});
}

std::vector<Entry> newest(store::Connection& c, std::int64_t limit) {
  return store::all_of(c.exec(sql::kNewest, {limit}), [](store::Columns& r) {
    return Entry{r.integer(), r.opt_integer(), r.text(), r.text(), r.text()};
  });
}

std::int64_t purge_before(store::Connection& c, core::UnixSeconds before) {
  return c.exec(sql::kPurgeBefore, {before}).affected;
}

}  // namespace carelive::audit::repo
