#include "live/access_routes.hpp"

#include "core/error.hpp"
#include "core/mask.hpp"
#include "core/time_text.hpp"
#include "live/console_json.hpp"

namespace carelive::live {

using http::Access;
using http::Context;
using http::json_response;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

// The day's start in Japan; nullopt when empty; a field error when it is no date.
std::optional<core::UnixSeconds> jst_day(const json& body, const char* name) {
  const auto text = http::string_field(body, name);
  if (text.empty()) return std::nullopt;
  const auto start = jst_day_start(text);
  if (!start) throw core::Error::field(name, "invalid");
  return start;
}

std::optional<std::int64_t> optional_id(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
    throw core::Error::field(name, "invalid");
  return it->get<std::int64_t>();
}

// The filter of a search: {person, resident_id, event, since, until (days, both included),
// after (the cursor of the previous page)}.
AccessFilter filter_of(const json& body) {
  AccessFilter f;
  f.person = http::string_field(body, "person");
  f.resident = optional_id(body, "resident_id");
  f.event = http::string_field(body, "event");
  f.since = jst_day(body, "since");
  if (auto until = jst_day(body, "until")) f.until = *until + 24 * 3600;
  if (f.since && f.until && *f.since >= *f.until) throw core::Error::field("until", "before_since");
  if (const auto after = http::string_field(body, "after"); !after.empty()) {
    f.after = audit::Cursor::parse(after);
    if (!f.after) throw core::Error::field("after", "invalid");
  }
  return f;
}

json page_json(const AccessPage& page, bool with_events) {
  json rows = json::array();
  for (const auto& r : page.rows) {
    json person = nullptr;
    if (r.entry.account)
      person = {
          {"account_id", *r.entry.account},
          {"name", r.person_left ? json(nullptr) : json(r.person_name)},
          {"login_id", r.person_left ? json(nullptr) : json(core::masked_login_id(r.person_login))},
          {"left", r.person_left}};
    rows.push_back(
        {{"id", r.entry.id},
         {"at", http::iso8601(r.entry.at)},
         {"event", r.entry.event},
         {"address", r.entry.address},
         {"person", person},
         {"resident", r.entry.resident ? json{{"id", *r.entry.resident}, {"name", r.resident_name}}
                                       : json(nullptr)},
         {"facility", r.entry.facility ? json{{"id", *r.entry.facility}, {"name", r.facility_name}}
                                       : json(nullptr)},
         {"detail", json::parse(r.entry.detail, nullptr, false)}});
  }
  json answer = {{"records", rows}, {"next", page.next ? json(page.next->text()) : json(nullptr)}};
  if (with_events) {
    json events = json::array();
    for (const auto& e : access_events())
      events.push_back({{"code", e.code}, {"ja", e.ja}, {"en", e.en}, {"read", e.read}});
    answer["events"] = events;
  }
  return answer;
}

http::Response csv_response(Context& ctx, const AccessCsv& csv, core::UnixSeconds now) {
  auto res = http::download_response(ctx, "text/csv; charset=utf-8",
                                     core::jst(now, "access-records-%Y%m%d-%H%M.csv"), csv.body);
  res.set("X-CareLive-Rows", std::to_string(csv.rows));
  if (csv.truncated) res.set("X-CareLive-Truncated", std::to_string(AccessRecords::kCsvRows));
  return res;
}

}  // namespace

void register_access_routes(http::Router& r, AccessRecords& s) {
  const std::string fac = "/api/v1/staff/facilities/{fid}/access-records";
  r.add(verb::post, fac, Access::authenticated, [&s](Context& ctx) {
    const auto body = ctx.json_body();
    const auto f = filter_of(body);
    const auto page = s.search(ctx.who().account, console::id_param(ctx, "fid"), f, ctx.actor());
    return json_response(ctx, 200, page_json(page, !f.after));
  });
  r.add(verb::post, fac + "/csv", Access::authenticated, [&s](Context& ctx) {
    const auto csv = s.csv(ctx.who().account, console::id_param(ctx, "fid"),
                           filter_of(ctx.json_body()), ctx.actor());
    return csv_response(ctx, csv, s.now());
  });

  // The operator: every facility, or the one in "facility_id".
  const std::string all = "/api/v1/operator/access-records";
  r.add(verb::post, all, Access::authenticated, [&s](Context& ctx) {
    const auto body = ctx.json_body();
    const auto f = filter_of(body);
    const auto page =
        s.search(ctx.who().account, optional_id(body, "facility_id"), f, ctx.actor(), true);
    return json_response(ctx, 200, page_json(page, !f.after));
  });
  r.add(verb::post, all + "/csv", Access::authenticated, [&s](Context& ctx) {
    const auto body = ctx.json_body();
    const auto csv = s.csv(ctx.who().account, optional_id(body, "facility_id"), filter_of(body),
                           ctx.actor(), true);
    return csv_response(ctx, csv, s.now());
  });
}

}  // namespace carelive::live
