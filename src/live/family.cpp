#include "live/family.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;
using core::FieldErrorSet;

namespace sql {

// Links of live residents in open facilities, with both, in a stable order (SPEC 3 lists).
constexpr const char* kLinksOfAccount =
    "SELECT l.id, l.resident_id, l.account_id, l.kind, l.relationship, l.office_name, "
    "l.office_name_kana, r.facility_id, r.family_name, r.given_name, r.family_name_kana, "
    "r.given_name_kana, f.code, f.name, f.kind "
    "FROM links l JOIN residents r ON r.id = l.resident_id "
    "JOIN facilities f ON f.id = r.facility_id "
    "WHERE l.account_id = ? AND r.discharged_at IS NULL AND f.closed_at IS NULL "
    "ORDER BY f.id, r.id";
constexpr const char* kStaffFacilities =
    "SELECT f.id, f.code, f.name, f.kind FROM staff s JOIN facilities f ON f.id = s.facility_id "
    "WHERE s.account_id = ? AND f.closed_at IS NULL ORDER BY f.id";

constexpr const char* kHasConsent =
    "SELECT 1 FROM consents WHERE account_id = ? AND terms_version_id = ?";
constexpr const char* kAnyConsent = "SELECT 1 FROM consents WHERE account_id = ? LIMIT 1";
constexpr const char* kInsertConsent =
    "INSERT INTO consents (account_id, terms_version_id, agreed_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";

constexpr const char* kSetRelationship =
    "UPDATE links SET relationship = ?, office_name = ?, office_name_kana = ?, updated_at = ? "
    "WHERE id = ?";
constexpr const char* kInsertLink =
    "INSERT INTO links (resident_id, account_id, kind, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kApprovePending =
    "UPDATE applications SET status = 'approved', decided_at = ? "
    "WHERE resident_id = ? AND account_id = ? AND status = 'pending'";

constexpr const char* kAnnouncements =
    "SELECT a.id, a.title, a.body, a.published_at, "
    "CASE WHEN r.account_id IS NULL THEN 0 ELSE 1 END "
    "FROM announcements a LEFT JOIN announcement_reads r "
    "ON r.announcement_id = a.id AND r.account_id = ? "
    "ORDER BY a.published_at DESC, a.id DESC LIMIT 100";
constexpr const char* kAnnouncementById =
    "SELECT id, title, body, published_at FROM announcements WHERE id = ?";
constexpr const char* kMarkRead =
    "INSERT INTO announcement_reads (account_id, announcement_id, read_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";

}  // namespace sql

namespace {

constexpr int kOfficeNameMax = 50;

LinkedResident linked_from(const store::Row& r) {
  LinkedResident out;
  out.link = {r.integer(0),  r.integer(1),  r.integer(2), r.text(3),
              r.opt_text(4), r.opt_text(5), r.opt_text(6)};
  out.resident = {r.integer(1), r.integer(7), r.text(8),   r.text(9),
                  r.text(10),   r.text(11),   std::nullopt};
  out.facility = {r.integer(7), r.text(12), r.text(13), r.text(14), std::nullopt};
  out.needs_relationship =
      out.link.kind == "family" ? !out.link.relationship : !out.link.office_name;
  return out;
}

}  // namespace

FamilyService::FamilyService(store::Database& db, const core::Clock& clock, LiveService& live)
    : db_(db), clock_(clock), live_(live) {}

std::string FamilyService::after_confirm_for(const std::string& token, const std::string& kind) {
  return nlohmann::json{{"apply", {{"token", token}, {"kind", kind}}}}.dump();
}

std::optional<ApplyOutcome> FamilyService::apply_after_signup(std::int64_t account_id,
                                                              const std::string& after_confirm) {
  auto j = nlohmann::json::parse(after_confirm, nullptr, false);
  if (!j.is_object() || !j.contains("apply") || !j["apply"].is_object()) return std::nullopt;
  const auto& a = j["apply"];
  if (!a.contains("token") || !a["token"].is_string() || !a.contains("kind") ||
      !a["kind"].is_string())
    return std::nullopt;
  try {
    return live_.apply(a["token"].get<std::string>(), account_id, a["kind"].get<std::string>());
  } catch (const Error& e) {
    // The invite may have been revoked meanwhile: the account stands, the applicant scans again.
    spdlog::info("application after sign-up of account {} not submitted: {}", account_id, e.code());
    return std::nullopt;
  }
}

std::vector<LinkedResident> FamilyService::linked(store::Connection& c, std::int64_t account_id) {
  std::vector<LinkedResident> out;
  for (const auto& r : c.exec(sql::kLinksOfAccount, {account_id}).rows)
    out.push_back(linked_from(r));
  return out;
}

void FamilyService::require_terms(store::Connection& c, std::int64_t account_id) {
  auto latest = repo::latest_terms(c);
  if (latest && c.exec(sql::kHasConsent, {account_id, latest->id}).empty())
    throw Error(codes::kTermsRequired);
}

LinkedResident FamilyService::require(store::Connection& c, std::int64_t account_id,
                                      std::int64_t resident_id) {
  for (auto& l : linked(c, account_id)) {
    if (l.resident.id != resident_id) continue;
    require_terms(c, account_id);
    return l;
  }
  throw Error(codes::kForbidden);
}

Contexts FamilyService::contexts(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    Contexts out;
    for (const auto& r : c.exec(sql::kStaffFacilities, {account_id}).rows)
      out.staff.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), std::nullopt});
    out.links = linked(c, account_id);
    if (!out.links.empty()) {
      auto latest = repo::latest_terms(c);
      if (latest && c.exec(sql::kHasConsent, {account_id, latest->id}).empty()) {
        out.terms_required = true;
        out.terms_updated = !c.exec(sql::kAnyConsent, {account_id}).empty();
      }
    }
    return out;
  });
}

TermsView FamilyService::terms(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    auto latest = repo::latest_terms(c);
    if (!latest) throw Error(codes::kNotFound);
    TermsView v{*latest, false, !c.exec(sql::kHasConsent, {account_id, latest->id}).empty()};
    v.updated = !v.agreed && !c.exec(sql::kAnyConsent, {account_id}).empty();
    return v;
  });
}

void FamilyService::consent(std::int64_t account_id, int version) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto latest = repo::latest_terms(c);
    // Only the newest version counts (SPEC 4): a page left open over an update agrees again.
    if (!latest || latest->version != version) throw Error::field("version", "invalid");
    auto inserted = c.exec(sql::kInsertConsent, {account_id, latest->id, now});
    if (inserted.affected > 0)
      pass::repo::audit(c, now, account_id, "terms_agreed", "",
                        "{\"version\":" + std::to_string(version) + "}");
  });
}

Home FamilyService::home(std::int64_t account_id, std::int64_t resident_id) {
  return db_.with([&](store::Connection& c) {
    Home h;
    h.current = require(c, account_id, resident_id);
    std::set<std::int64_t> facilities;
    int residents_here = 0;
    for (const auto& l : linked(c, account_id)) {
      if (l.link.kind != h.current.link.kind) continue;
      facilities.insert(l.facility.id);
      if (l.facility.id == h.current.facility.id) ++residents_here;
    }
    h.several_facilities = facilities.size() > 1;
    h.several_residents = residents_here > 1;
    return h;
  });
}

Link FamilyService::set_relationship(std::int64_t account_id, std::int64_t resident_id,
                                     const RelationshipInput& in) {
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    auto current = require(c, account_id, resident_id);
    Link link = current.link;
    FieldErrorSet errors;
    if (link.kind == "family") {
      const auto& choices = relationship_choices();
      std::string value = core::trim(in.relationship);
      if (value.empty())
        errors.add("relationship", "required");
      else if (std::find(choices.begin(), choices.end(), value) == choices.end())
        errors.add("relationship", "invalid");
      link.relationship = value;
      link.office_name.reset();
      link.office_name_kana.reset();
    } else {
      std::string name = core::is_valid_utf8(in.office_name) ? core::trim(in.office_name) : "";
      if (name.empty())
        errors.add("office_name", "required");
      else if (!core::is_fullwidth(name))
        errors.add("office_name", "not_fullwidth");
      else if (core::char_count(name) > kOfficeNameMax)
        errors.add("office_name", "too_long");
      link.office_name = name;
      link.office_name_kana = pass::check_kana("office_name_kana", in.office_name_kana, errors);
      link.relationship.reset();
    }
    errors.throw_if_any();
    c.exec(sql::kSetRelationship,
           {store::nullable(link.relationship), store::nullable(link.office_name),
            store::nullable(link.office_name_kana), now, link.id});
    pass::repo::audit(c, now, account_id, "relationship_set", "",
                      "{\"resident_id\":" + std::to_string(resident_id) + "}");
    return link;
  });
}

std::vector<LinkedResident> FamilyService::relationships(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    auto out = linked(c, account_id);
    if (!out.empty()) require_terms(c, account_id);
    return out;
  });
}

std::vector<AnnouncementView> FamilyService::announcements(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    // Announcements are Live data: linked people who agreed to the terms, and staff.
    if (linked(c, account_id).empty()) {
      if (!repo::is_staff_anywhere(c, account_id)) throw Error(codes::kForbidden);
    } else {
      require_terms(c, account_id);
    }
    std::vector<AnnouncementView> out;
    for (const auto& r : c.exec(sql::kAnnouncements, {account_id}).rows)
      out.push_back({{r.integer(0), r.text(1), r.text(2), r.integer(3)}, r.integer(4) != 0});
    return out;
  });
}

Announcement FamilyService::announcement(std::int64_t account_id, std::int64_t id) {
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    if (linked(c, account_id).empty()) {
      if (!repo::is_staff_anywhere(c, account_id)) throw Error(codes::kForbidden);
    } else {
      require_terms(c, account_id);
    }
    auto rows = c.exec(sql::kAnnouncementById, {id});
    if (rows.empty()) throw Error(codes::kNotFound);
    const auto& r = rows.first();
    Announcement a{r.integer(0), r.text(1), r.text(2), r.integer(3)};
    c.exec(sql::kMarkRead, {account_id, id, now});
    return a;
  });
}

std::int64_t FamilyService::link_for_testing(std::int64_t resident_id, std::int64_t account_id,
                                             const std::string& kind) {
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    c.exec(sql::kApprovePending, {now, resident_id, account_id});
    return c.exec(sql::kInsertLink, {resident_id, account_id, kind, now, now}).first().integer(0);
  });
}

}  // namespace carelive::live
