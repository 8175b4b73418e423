#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/access.hpp"
#include "core/clock.hpp"
#include "live/model.hpp"
#include "live/service.hpp"
#include "live/staff.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::live {

// The operator console (SPEC 11): facilities, facility admins, announcements, terms versions.
// Every function refuses (403 forbidden) unless the caller is an operator (accounts.is_operator).
class OperatorService {
 public:
  OperatorService(store::Database& db, const core::Clock& clock, LiveService& live);

  static void require_operator(const pass::Account& who);

  std::vector<FacilityRow> facilities(const pass::Account& who);
  Facility add_facility(const pass::Account& who, const std::string& code, const std::string& name,
                        const std::string& kind, const audit::Actor& by);
  Facility rename_facility(const pass::Account& who, std::int64_t facility_id,
                           const std::string& name, const audit::Actor& by);
  // A closed facility keeps its data; its staff console and invites stop working.
  void close_facility(const pass::Account& who, std::int64_t facility_id, const audit::Actor& by);

  std::vector<StaffRow> admins(const pass::Account& who, std::int64_t facility_id);
  StaffAdded add_admin(const pass::Account& who, std::int64_t facility_id, const NameInput& names,
                       const std::string& login_id, const audit::Actor& by);

  std::vector<Announcement> announcements(const pass::Account& who);
  Announcement add_announcement(const pass::Account& who, const std::string& title,
                                const std::string& body, const audit::Actor& by);

  std::vector<TermsVersion> terms(const pass::Account& who);
  TermsVersion publish_terms(const pass::Account& who, const std::string& body,
                             const audit::Actor& by);

  // Told after a facility closed: its staff's rights and its residents' calls end.
  void set_access_listener(auth::AccessListener listener) { access_ended_ = std::move(listener); }

 private:
  Facility require_facility(store::Connection& c, std::int64_t facility_id);

  store::Database& db_;
  const core::Clock& clock_;
  LiveService& live_;
  auth::AccessListener access_ended_;
};

}  // namespace carelive::live
