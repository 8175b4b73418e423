#include "calls/schedule_routes.hpp"

#include "audit/actor.hpp"
#include "live/access_records.hpp"
#include "live/console_json.hpp"

namespace carelive::calls {

using http::Access;
using http::Context;
using http::json_response;
using live::console::id_param;
using live::console::iso8601;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

// `{"resident_id", "date", "time", "note", "invitee_account_ids"}`; a wrong JSON type is the
// field's `invalid`, reported with the rest of the form's errors by the service where it can.
ScheduleInput input_of(const json& b) {
  ScheduleInput in;
  core::FieldErrorSet errors;
  if (b.contains("resident_id") && !b["resident_id"].is_null()) {
    if (b["resident_id"].is_number_integer())
      in.resident_id = b["resident_id"].get<std::int64_t>();
    else
      errors.add("resident_id", "invalid");
  }
  in.date = http::string_field(b, "date");
  in.time = http::string_field(b, "time");
  in.note = http::string_field(b, "note");
  if (b.contains("invitee_account_ids") && !b["invitee_account_ids"].is_null()) {
    const auto& list = b["invitee_account_ids"];
    std::vector<std::int64_t> ids;
    bool ok = list.is_array();
    if (ok) {
      for (const auto& v : list) {
        if (!v.is_number_integer()) {
          ok = false;
          break;
        }
        ids.push_back(v.get<std::int64_t>());
      }
    }
    if (ok)
      in.invitees = std::move(ids);
    else
      errors.add("invitees", "invalid");
  }
  errors.throw_if_any();
  return in;
}

json schedule_json(const ScheduleService& s, const CallSchedule& c) {
  json invitees = json::array();
  for (const auto& i : c.invitees)
    invitees.push_back({{"account_id", i.account_id}, {"name", i.name}});
  const auto local = s.facility_time().local(c.starts_at);
  return {{"id", c.id},
          {"resident", {{"id", c.resident_id}, {"name", c.resident_name}}},
          {"starts_at", iso8601(c.starts_at)},
          {"date", local.date},
          {"time", local.time},
          {"note", c.note},
          {"status", s.status_of(c)},
          {"invitees", invitees},
          {"created_by", {{"account_id", c.created_by}, {"name", c.created_by_name}}},
          {"created_at", iso8601(c.created_at)},
          {"cancelled_at", iso8601(c.cancelled_at)},
          {"reminded_at", iso8601(c.reminded_at)}};
}

}  // namespace

void register_schedule_routes(http::Router& r, ScheduleService& s, audit::AccessLog& log) {
  const std::string base = "/api/v1/staff/facilities/{fid}/call-schedules";
  auto fid = [](const Context& ctx) { return id_param(ctx, "fid"); };

  r.add(verb::get, base, Access::authenticated, [&s, fid, &log](Context& ctx) {
    json list = json::array();
    std::set<std::int64_t> shown;
    for (const auto& c : s.list(ctx.who().account, fid(ctx))) {
      list.push_back(schedule_json(s, c));
      shown.insert(c.resident_id);
    }
    live::viewed(log, ctx.actor(), "call_schedules_viewed", fid(ctx), shown);
    return json_response(ctx, 200, {{"time_zone", s.facility_time().zone()}, {"schedules", list}});
  });

  r.add(verb::post, base, Access::authenticated, [&s, fid](Context& ctx) {
    auto created = s.create(ctx.who().account, fid(ctx), input_of(ctx.json_body()), ctx.actor());
    return json_response(ctx, 201, {{"schedule", schedule_json(s, created)}});
  });

  r.add(verb::put, base + "/{sid}", Access::authenticated, [&s, fid](Context& ctx) {
    auto changed = s.change(ctx.who().account, fid(ctx), id_param(ctx, "sid"),
                            input_of(ctx.json_body()), ctx.actor());
    return json_response(ctx, 200, {{"schedule", schedule_json(s, changed)}});
  });

  r.add(verb::post, base + "/{sid}/cancel", Access::authenticated, [&s, fid](Context& ctx) {
    s.cancel(ctx.who().account, fid(ctx), id_param(ctx, "sid"), ctx.actor());
    return http::empty_response(ctx, 204);
  });

  // The family's home: the next call the account is invited to (SPEC 7), or null.
  r.add(verb::get, "/api/v1/live/residents/{id}/next-call", Access::authenticated,
        [&s](Context& ctx) {
          auto next = s.next_call(ctx.who().account.id, id_param(ctx, "id"));
          if (!next) return json_response(ctx, 200, {{"next_call", nullptr}});
          const auto local = s.facility_time().local(next->starts_at);
          return json_response(ctx, 200,
                               {{"next_call",
                                 {{"id", next->id},
                                  {"starts_at", iso8601(next->starts_at)},
                                  {"date", local.date},
                                  {"time", local.time},
                                  {"time_zone", s.facility_time().zone()},
                                  {"note", next->note}}}});
        });
}

}  // namespace carelive::calls
