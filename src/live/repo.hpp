#pragma once

#include <optional>
#include <string>
#include <vector>

#include "live/model.hpp"
#include "store/database.hpp"

// Live's SQL, and nothing else of Live runs SQL (STYLE.md). Functions run inside the caller's
// connection or transaction; none checks access or rules.

namespace carelive::live::repo {

using store::Connection;

// Facilities.
std::int64_t insert_facility(Connection& c, const Facility& f, core::UnixSeconds now);
std::optional<Facility> find_facility(Connection& c, const std::string& code);
std::optional<Facility> find_facility(Connection& c, std::int64_t id);
void rename_facility(Connection& c, std::int64_t facility_id, const std::string& name);
void close_facility(Connection& c, std::int64_t facility_id, core::UnixSeconds now);
// Every facility with its live residents and staff: open ones first, by code (operator).
std::vector<FacilityRow> facility_rows(Connection& c);

// Residents.
std::int64_t insert_resident(Connection& c, const Resident& r, core::UnixSeconds now);
std::optional<Resident> find_resident(Connection& c, std::int64_t id);
void update_resident_names(Connection& c, const Resident& r, core::UnixSeconds now);
void discharge_resident(Connection& c, std::int64_t resident_id, core::UnixSeconds now);
// A no-op write that row-locks the resident on PostgreSQL until commit (SQLite's BEGIN IMMEDIATE
// already serializes writers).
void lock_resident(Connection& c, std::int64_t resident_id);
// The facility's residents with pending applications and links; discharged ones last.
std::vector<ResidentSummary> resident_summaries(Connection& c, std::int64_t facility_id);

// Staff.
std::optional<StaffMember> find_staff(Connection& c, std::int64_t facility_id,
                                      std::int64_t account_id);
std::optional<StaffMember> find_staff_member(Connection& c, std::int64_t staff_id,
                                             std::int64_t facility_id);
// `invited_as`: the login id whoever added the member typed (shown in the console).
std::int64_t insert_staff(Connection& c, const StaffMember& s, const std::string& invited_as,
                          core::UnixSeconds now);
void set_staff_admin(Connection& c, std::int64_t staff_id, bool is_admin);
void delete_staff(Connection& c, std::int64_t staff_id);
std::int64_t admin_count(Connection& c, std::int64_t facility_id);
bool is_staff_anywhere(Connection& c, std::int64_t account_id);
// Login ids of the facility's staff (email, else phone), for notices to them.
std::vector<std::string> staff_login_ids(Connection& c, std::int64_t facility_id);
// The open facilities where the account is staff, by name, with their pending applications.
std::vector<StaffFacility> staff_facilities(Connection& c, std::int64_t account_id);
// The open facilities where the account is staff, by id (the contexts after login).
std::vector<Facility> facilities_of_staff(Connection& c, std::int64_t account_id);
std::vector<StaffRow> staff_rows(Connection& c, std::int64_t facility_id);
std::vector<StaffRow> admin_rows(Connection& c, std::int64_t facility_id);

// Staff invitations (only a token's hash is kept).
std::int64_t insert_staff_invitation(Connection& c, const StaffInvitation& i,
                                     const std::optional<std::string>& token_hash);
// Revokes the facility's unanswered invitations of the account (a new one replaces them).
void revoke_open_staff_invitations(Connection& c, std::int64_t facility_id, std::int64_t account_id,
                                   core::UnixSeconds now);
std::optional<StaffInvitation> find_staff_invitation(Connection& c, std::int64_t id);
std::optional<StaffInvitation> find_staff_invitation_by_hash(Connection& c,
                                                             const std::string& token_hash);
// Not accepted and not revoked (open, expired or declined), newest first: the console's list.
std::vector<StaffInvitation> unanswered_staff_invitations(Connection& c, std::int64_t facility_id);
// The invitations that made the account (it had no password then).
std::vector<StaffInvitation> new_account_invitations(Connection& c, std::int64_t account_id);
// Writes accepted_at / declined_at / revoked_at.
void close_staff_invitation(Connection& c, const StaffInvitation& i);

// Invites.
std::optional<Invite> active_invite(Connection& c, std::int64_t resident_id);
std::optional<Invite> find_invite_by_hash(Connection& c, const std::string& token_hash);
bool has_invites(Connection& c, std::int64_t resident_id);  // revoked ones included
std::int64_t insert_invite(Connection& c, const Invite& i, const std::string& token_hash);
void revoke_invites(Connection& c, std::int64_t resident_id, core::UnixSeconds now);

// Applications.
std::optional<Application> pending_application(Connection& c, std::int64_t resident_id,
                                               std::int64_t account_id);
std::optional<Application> find_application(Connection& c, std::int64_t application_id,
                                            std::int64_t facility_id);
std::int64_t insert_application(Connection& c, const Application& a);
// Pending applications of the facility's live residents, oldest first.
std::vector<PendingApplication> pending_applications(Connection& c, std::int64_t facility_id);
// The account's applications still waiting, and those rejected (the latest for their resident,
// who is not linked to the account), of live residents of open facilities; newest first.
std::vector<OwnApplication> own_applications(Connection& c, std::int64_t account_id);
// Compare-and-set from pending to `status`: false when it was decided already.
bool decide_application(Connection& c, std::int64_t application_id, const std::string& status,
                        std::int64_t decided_by, core::UnixSeconds now);
// Approves the pending application without a decider (links made directly, for tests).
void approve_pending_application(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                                 core::UnixSeconds now);

// Links.
std::optional<Link> find_link(Connection& c, std::int64_t resident_id, std::int64_t account_id);
std::int64_t insert_link(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                         const std::string& kind, core::UnixSeconds now);
// Keeps an existing link of the pair as it is.
void insert_link_if_absent(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                           const std::string& kind, core::UnixSeconds now);
void set_relationship(Connection& c, const Link& link, core::UnixSeconds now);
bool delete_link(Connection& c, std::int64_t link_id, std::int64_t resident_id);
std::vector<LinkedPerson> linked_people(Connection& c, std::int64_t resident_id);
// Account ids linked to the resident, oldest link first.
std::vector<std::int64_t> linked_account_ids(Connection& c, std::int64_t resident_id);
// Links of live residents in open facilities, with both, in a stable order (SPEC 3 lists).
std::vector<LinkedResident> linked_residents(Connection& c, std::int64_t account_id);

// The call log of a facility, newest first, at most `limit` calls with their participants.
std::vector<CallLogEntry> call_log(Connection& c, std::int64_t facility_id, std::int64_t limit);

// Terms and consent.
std::optional<TermsVersion> latest_terms(Connection& c);
std::vector<TermsVersion> terms_versions(Connection& c);
std::int64_t insert_terms(Connection& c, int version, const std::string& body,
                          core::UnixSeconds now);
bool has_consent(Connection& c, std::int64_t account_id, std::int64_t terms_version_id);
bool has_any_consent(Connection& c, std::int64_t account_id);
// False when the account had agreed to that version already.
bool insert_consent(Connection& c, std::int64_t account_id, std::int64_t terms_version_id,
                    core::UnixSeconds now);

// Announcements.
std::int64_t insert_announcement(Connection& c, const Announcement& a);
std::optional<Announcement> find_announcement(Connection& c, std::int64_t id);
std::vector<Announcement> announcements(Connection& c);
// The newest 100, each with whether the account read it.
std::vector<AnnouncementView> announcements_for(Connection& c, std::int64_t account_id);
void mark_announcement_read(Connection& c, std::int64_t account_id, std::int64_t announcement_id,
                            core::UnixSeconds now);

}  // namespace carelive::live::repo
