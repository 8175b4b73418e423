#pragma once

#include <optional>
#include <string>
#include <vector>

#include "live/model.hpp"
#include "store/database.hpp"

namespace carelive::live::repo {

using store::Connection;

std::int64_t insert_facility(Connection& c, const Facility& f, core::UnixSeconds now);
std::optional<Facility> find_facility(Connection& c, const std::string& code);
std::optional<Facility> find_facility(Connection& c, std::int64_t id);

std::int64_t insert_resident(Connection& c, const Resident& r, core::UnixSeconds now);
std::optional<Resident> find_resident(Connection& c, std::int64_t id);

std::optional<StaffMember> find_staff(Connection& c, std::int64_t facility_id,
                                      std::int64_t account_id);
std::int64_t insert_staff(Connection& c, const StaffMember& s, core::UnixSeconds now);
void set_staff_admin(Connection& c, std::int64_t staff_id, bool is_admin);
bool is_staff_anywhere(Connection& c, std::int64_t account_id);
// Login ids of the facility's staff (email, else phone), for notices to them.
std::vector<std::string> staff_login_ids(Connection& c, std::int64_t facility_id);

std::optional<Invite> active_invite(Connection& c, std::int64_t resident_id);
std::optional<Invite> find_invite_by_hash(Connection& c, const std::string& token_hash);
std::int64_t insert_invite(Connection& c, const Invite& i, const std::string& token_hash);
void revoke_invites(Connection& c, std::int64_t resident_id, core::UnixSeconds now);

std::optional<Application> pending_application(Connection& c, std::int64_t resident_id,
                                               std::int64_t account_id);
std::int64_t insert_application(Connection& c, const Application& a);
std::optional<Link> find_link(Connection& c, std::int64_t resident_id, std::int64_t account_id);

std::optional<TermsVersion> latest_terms(Connection& c);
std::int64_t insert_terms(Connection& c, int version, const std::string& body,
                          core::UnixSeconds now);
std::int64_t insert_announcement(Connection& c, const Announcement& a);

}  // namespace carelive::live::repo
