#pragma once

#include <vector>

#include "audit/audit.hpp"
#include "store/database.hpp"

// The SQL of the audit log (table audit_log); only audit.cpp calls it.

namespace carelive::audit::repo {

void insert(store::Connection& c, const Entry& e);
// Many rows in few statements (a hundred a statement): the access log's batches.
void insert_many(store::Connection& c, const std::vector<Entry>& entries);
std::vector<Entry> newest(store::Connection& c, std::int64_t limit);
// Up to q.limit + 1 rows (one more says there is a next page).
std::vector<Entry> search(store::Connection& c, const Query& q);
std::int64_t purge_before(store::Connection& c, core::UnixSeconds before);

}  // namespace carelive::audit::repo
