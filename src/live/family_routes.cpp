#include "live/family_routes.hpp"

#include "audit/actor.hpp"
#include "core/error.hpp"
#include "live/entity_json.hpp"

namespace carelive::live {

using http::Access;
using http::Context;
using http::id_param;
using http::iso8601;
using http::json_response;
using http::string_field;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

const char* outcome_name(ApplyOutcome o) {
  switch (o) {
    case ApplyOutcome::submitted:
      return "submitted";
    case ApplyOutcome::already_pending:
      return "already_pending";
    case ApplyOutcome::already_linked:
      return "already_linked";
  }
  return "submitted";
}

json link_json(const Link& l) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  return {{"kind", l.kind},
          {"relationship", opt(l.relationship)},
          {"office_name", opt(l.office_name)},
          {"office_name_kana", opt(l.office_name_kana)}};
}

json linked_json(const LinkedResident& l) {
  return {{"resident", family_resident_json(l.resident)},
          {"facility", family_facility_json(l.facility)},
          {"link", link_json(l.link)},
          {"needs_relationship", l.needs_relationship}};
}

// Facilities of one role with their residents, in the order the choice screens list them.
json role_json(const Contexts& c, const std::string& kind) {
  json facilities = json::array();
  for (const auto& l : c.links) {
    if (l.link.kind != kind) continue;
    if (facilities.empty() || facilities.back()["id"] != l.facility.id) {
      auto f = family_facility_json(l.facility);
      f["residents"] = json::array();
      facilities.push_back(f);
    }
    auto r = family_resident_json(l.resident);
    r["needs_terms"] = c.terms_required;
    r["needs_relationship"] = l.needs_relationship;
    facilities.back()["residents"].push_back(r);
  }
  return facilities;
}

}  // namespace

void register_family_routes(http::Router& r, FamilyService& s) {
  const std::string v1 = "/api/v1";

  r.add(verb::get, v1 + "/invites/{token}", Access::anonymous, [&s](Context& ctx) {
    auto view = s.open_invite(ctx.params.at("token"));
    return json_response(ctx, 200,
                         {{"facility",
                           {{"code", view.facility.code},
                            {"name", view.facility.name},
                            {"kind", view.facility.kind}}},
                          {"resident", {{"name", view.resident.display_name()}}}});
  });

  r.add(verb::post, v1 + "/invites/{token}/apply", Access::authenticated, [&s](Context& ctx) {
    auto kind = string_field(ctx.json_body(), "kind");
    auto outcome = s.apply(ctx.params.at("token"), ctx.who().account.id, kind, ctx.actor());
    return json_response(ctx, 200, {{"status", outcome_name(outcome)}});
  });

  r.add(verb::get, v1 + "/live/contexts", Access::authenticated, [&s](Context& ctx) {
    auto c = s.contexts(ctx.who().account.id);
    json staff = json::array();
    for (const auto& f : c.staff) staff.push_back(family_facility_json(f));
    auto family = role_json(c, "family");
    auto care_worker = role_json(c, "care_worker");
    json applications = json::array();
    for (const auto& a : c.applications) applications.push_back(own_application_json(a));
    json roles = json::array();
    if (!staff.empty()) roles.push_back("staff");
    if (!family.empty()) roles.push_back("family");
    if (!care_worker.empty()) roles.push_back("care_worker");
    // Operators run the service from their own console (SPEC 11).
    if (ctx.who().account.is_operator) roles.push_back("operator");
    return json_response(
        ctx, 200,
        {{"roles", roles},
         {"staff", staff},
         {"family", family},
         {"care_worker", care_worker},
         {"applications", applications},
         {"terms", {{"required", c.terms_required}, {"updated", c.terms_updated}}}});
  });

  r.add(verb::get, v1 + "/live/terms", Access::authenticated, [&s](Context& ctx) {
    auto t = s.terms(ctx.who().account.id);
    return json_response(ctx, 200,
                         {{"version", t.terms.version},
                          {"body", t.terms.body},
                          {"published_at", iso8601(t.terms.published_at)},
                          {"updated", t.updated},
                          {"agreed", t.agreed}});
  });

  r.add(verb::post, v1 + "/live/terms/consent", Access::authenticated, [&s](Context& ctx) {
    auto body = ctx.json_body();
    if (!body.contains("version") || !body["version"].is_number_integer())
      throw core::Error::field("version", "invalid");
    s.consent(ctx.who().account.id, body["version"].get<int>(), ctx.actor());
    return json_response(ctx, 200, {{"status", "agreed"}});
  });

  r.add(verb::get, v1 + "/live/residents/{id}/home", Access::authenticated, [&s](Context& ctx) {
    auto h = s.home(ctx.who().account.id, id_param(ctx));
    auto out = linked_json(h.current);
    out["menu"] = {{"switch_facility", h.several_facilities},
                   {"switch_resident", h.several_residents}};
    return json_response(ctx, 200, out);
  });

  r.add(verb::put, v1 + "/live/residents/{id}/relationship", Access::authenticated,
        [&s](Context& ctx) {
          auto body = ctx.json_body();
          RelationshipInput in{string_field(body, "relationship"),
                               string_field(body, "office_name"),
                               string_field(body, "office_name_kana")};
          auto link = s.set_relationship(ctx.who().account.id, id_param(ctx), in, ctx.actor());
          return json_response(ctx, 200, {{"link", link_json(link)}});
        });

  r.add(verb::get, v1 + "/live/relationships", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& l : s.relationships(ctx.who().account.id)) list.push_back(linked_json(l));
    return json_response(ctx, 200, {{"relationships", list}});
  });

  r.add(verb::get, v1 + "/live/announcements", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& a : s.announcements(ctx.who().account.id)) {
      list.push_back({{"id", a.announcement.id},
                      {"title", a.announcement.title},
                      {"published_at", iso8601(a.announcement.published_at)},
                      {"unread", !a.read}});
    }
    return json_response(ctx, 200, {{"announcements", list}});
  });

  r.add(verb::get, v1 + "/live/announcements/{id}", Access::authenticated, [&s](Context& ctx) {
    auto a = s.announcement(ctx.who().account.id, id_param(ctx));
    return json_response(ctx, 200,
                         {{"id", a.id},
                          {"title", a.title},
                          {"body", a.body},
                          {"published_at", iso8601(a.published_at)}});
  });
}

}  // namespace carelive::live
