#include "audit/audit.hpp"

#include "audit/repo.hpp"

namespace carelive::audit {

void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const nlohmann::json& detail) {
  repo::insert(c, {at, actor.account, event, actor.address, detail.dump()});
}

std::vector<Entry> newest(store::Connection& c, std::int64_t limit) {
  return repo::newest(c, limit);
}

std::int64_t purge_before(store::Connection& c, core::UnixSeconds before) {
  return repo::purge_before(c, before);
}

}  // namespace carelive::audit
