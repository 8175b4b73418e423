#include "audit/audit.hpp"

#include <charconv>

#include "audit/repo.hpp"

namespace carelive::audit {

namespace {

std::optional<std::int64_t> id_in(const nlohmann::json& detail, const char* key) {
  if (!detail.is_object()) return std::nullopt;
  const auto it = detail.find(key);
  if (it == detail.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace

void record(store::Connection& c, core::UnixSeconds at, const Actor& actor,
            const std::string& event, const nlohmann::json& detail) {
  repo::insert(c, {at, actor.account, event, actor.address, detail.dump(),
                   id_in(detail, "facility_id"), id_in(detail, "resident_id")});
}

std::vector<Entry> newest(store::Connection& c, std::int64_t limit) {
  return repo::newest(c, limit);
}

std::string Cursor::text() const { return std::to_string(at) + "." + std::to_string(id); }

std::optional<Cursor> Cursor::parse(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  Cursor c;
  const auto* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), text.data() + dot, c.at);
  const auto b = std::from_chars(text.data() + dot + 1, end, c.id);
  if (a.ec != std::errc() || a.ptr != text.data() + dot || b.ec != std::errc() || b.ptr != end)
    return std::nullopt;
  return c;
}

Page search(store::Connection& c, const Query& q) {
  Page page;
  page.entries = repo::search(c, q);
  if (static_cast<std::int64_t>(page.entries.size()) > q.limit) {
    page.entries.resize(static_cast<std::size_t>(q.limit));
    page.next = Cursor{page.entries.back().at, page.entries.back().id};
  }
  return page;
}

std::int64_t purge_before(store::Connection& c, core::UnixSeconds before) {
  return repo::purge_before(c, before);
}

}  // namespace carelive::audit
