#include "live/family.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;
using core::FieldErrorSet;

namespace {

constexpr int kOfficeNameMax = 50;

}  // namespace

FamilyService::FamilyService(store::Database& db, const core::Clock& clock, LiveService& live)
    : db_(db), clock_(clock), live_(live) {}

std::string FamilyService::after_confirm_for(const std::string& token, const std::string& kind) {
  return nlohmann::json{{"apply", {{"invite", core::token_hash(token)}, {"kind", kind}}}}.dump();
}

std::optional<ApplyOutcome> FamilyService::apply_after_signup(const audit::Actor& account,
                                                              const std::string& after_confirm) {
  const auto account_id = account.account.value();
  auto j = nlohmann::json::parse(after_confirm, nullptr, false);
  if (!j.is_object() || !j.contains("apply") || !j["apply"].is_object()) return std::nullopt;
  const auto& a = j["apply"];
  const auto text = [&](const char* key) {
    return a.contains(key) && a[key].is_string() ? a[key].get<std::string>() : std::string();
  };
  const std::string hash = text("invite"), token = text("token"), kind = text("kind");
  if ((hash.empty() && token.empty()) || kind.empty()) return std::nullopt;
  try {
    return hash.empty() ? live_.apply(token, account_id, kind, account)
                        : live_.apply_by_hash(hash, account_id, kind, account);
  } catch (const Error& e) {
    // The invite may have been revoked meanwhile: the account stands, the applicant scans again.
    spdlog::info("application after sign-up of account {} not submitted: {}", account_id, e.code());
    return std::nullopt;
  }
}

std::vector<LinkedResident> FamilyService::linked(store::Connection& c, std::int64_t account_id) {
  return repo::linked_residents(c, account_id);
}

void FamilyService::require_terms(store::Connection& c, std::int64_t account_id) {
  auto latest = repo::latest_terms(c);
  if (latest && !repo::has_consent(c, account_id, latest->id)) throw Error(codes::kTermsRequired);
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

bool FamilyService::may_take_part_in_calls(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    if (repo::is_staff_anywhere(c, account_id)) return true;
    if (linked(c, account_id).empty()) return false;
    auto latest = repo::latest_terms(c);
    return !latest || repo::has_consent(c, account_id, latest->id);
  });
}

Contexts FamilyService::contexts(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    Contexts out;
    out.staff = repo::facilities_of_staff(c, account_id);
    out.links = linked(c, account_id);
    out.applications = repo::own_applications(c, account_id);
    if (!out.links.empty()) {
      auto latest = repo::latest_terms(c);
      if (latest && !repo::has_consent(c, account_id, latest->id)) {
        out.terms_required = true;
        out.terms_updated = repo::has_any_consent(c, account_id);
      }
    }
    return out;
  });
}

std::vector<OwnApplication> FamilyService::applications(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) { return repo::own_applications(c, account_id); });
}

TermsView FamilyService::terms(std::int64_t account_id) {
  return db_.with([&](store::Connection& c) {
    auto latest = repo::latest_terms(c);
    if (!latest) throw Error(codes::kNotFound);
    TermsView v{*latest, false, repo::has_consent(c, account_id, latest->id)};
    v.updated = !v.agreed && repo::has_any_consent(c, account_id);
    return v;
  });
}

void FamilyService::consent(std::int64_t account_id, int version, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto latest = repo::latest_terms(c);
    // Only the newest version counts (SPEC 4): a page left open over an update agrees again.
    if (!latest || latest->version != version) throw Error::field("version", "invalid");
    if (repo::insert_consent(c, account_id, latest->id, now))
      audit::record(c, now, by, "terms_agreed", {{"version", version}});
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
                                     const RelationshipInput& in, const audit::Actor& by) {
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
    repo::set_relationship(c, link, now);
    audit::record(c, now, by, "relationship_set",
                  {{"facility_id", current.resident.facility_id}, {"resident_id", resident_id}});
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
    return repo::announcements_for(c, account_id);
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
    auto a = repo::find_announcement(c, id);
    if (!a) throw Error(codes::kNotFound);
    repo::mark_announcement_read(c, account_id, id, now);
    return *a;
  });
}

std::int64_t FamilyService::link_for_testing(std::int64_t resident_id, std::int64_t account_id,
                                             const std::string& kind) {
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    repo::approve_pending_application(c, resident_id, account_id, now);
    return repo::insert_link(c, resident_id, account_id, kind, now);
  });
}

}  // namespace carelive::live
