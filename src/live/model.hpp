#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace carelive::live {

struct Facility {
  std::int64_t id = 0;
  std::string code;  // e.g. livetest01
  std::string name;  // ふじ園
  std::string kind;  // 老人保健施設（施設サービス版）
  std::optional<core::UnixSeconds> closed_at;
};

struct Resident {
  std::int64_t id = 0;
  std::int64_t facility_id = 0;
  std::string family_name, given_name, family_name_kana, given_name_kana;
  std::optional<core::UnixSeconds> discharged_at;
  std::string display_name() const { return family_name + given_name; }
};

struct StaffMember {
  std::int64_t id = 0;
  std::int64_t facility_id = 0;
  std::int64_t account_id = 0;
  bool is_admin = false;
};

// An invitation to be staff of a facility (migrations/0007). Names and login id as the admin
// typed them.
struct StaffInvitation {
  std::int64_t id = 0;
  std::int64_t facility_id = 0;
  std::int64_t account_id = 0;
  std::string family_name, given_name, family_name_kana, given_name_kana;
  std::string login_id;
  bool is_admin = false;
  bool new_account = false;  // made by this invitation: accepted by setting its password
  std::optional<std::int64_t> invited_by;
  core::UnixSeconds created_at = 0;
  core::UnixSeconds expires_at = 0;
  std::optional<core::UnixSeconds> accepted_at, declined_at, revoked_at;
  std::string name() const { return family_name + " " + given_name; }
  std::string kana() const { return family_name_kana + " " + given_name_kana; }
  bool open(core::UnixSeconds now) const {
    return !accepted_at && !declined_at && !revoked_at && now < expires_at;
  }
};

// "family" (家族・親族) or "care_worker" (ケア担当者).
inline bool valid_link_kind(const std::string& k) { return k == "family" || k == "care_worker"; }

struct Invite {
  std::int64_t id = 0;
  std::int64_t resident_id = 0;
  std::string nonce;
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> revoked_at;
};

struct Application {
  std::int64_t id = 0;
  std::int64_t resident_id = 0;
  std::int64_t account_id = 0;
  std::string kind;    // family | care_worker
  std::string status;  // pending | approved | rejected
  core::UnixSeconds created_at = 0;
};

struct Link {
  std::int64_t id = 0;
  std::int64_t resident_id = 0;
  std::int64_t account_id = 0;
  std::string kind;
  std::optional<std::string> relationship;                   // 続柄 (family)
  std::optional<std::string> office_name, office_name_kana;  // care worker
};

struct TermsVersion {
  std::int64_t id = 0;
  int version = 0;
  std::string body;
  core::UnixSeconds published_at = 0;
};

struct Announcement {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  core::UnixSeconds published_at = 0;
};

// Rows of the consoles' lists: an entity with what the list shows beside it.

struct StaffFacility {
  Facility facility;
  bool is_admin = false;
  std::int64_t pending = 0;  // applications waiting for 「承認」/「却下」
};

struct ResidentSummary {
  Resident resident;
  std::int64_t pending = 0;
  std::int64_t linked = 0;
};

// One of the account's own applications that has not (yet) become a link (SPEC 14): pending,
// or the latest one for that resident was rejected.
struct OwnApplication {
  Application application;
  Resident resident;
  Facility facility;
  std::optional<core::UnixSeconds> decided_at;
};

struct PendingApplication {
  Application application;
  Resident resident;
  std::string applicant_name, applicant_kana;
  std::string applicant_login_id;  // email, or E.164 number (shown masked)
};

struct LinkedPerson {
  Link link;
  std::string name, kana;
};

struct StaffRow {
  StaffMember member;
  std::string name, kana, login_id;
  bool second_factor = false;  // an authenticator app is set up (SPEC 15)
};

struct FacilityRow {
  Facility facility;
  std::int64_t residents = 0;
  std::int64_t staff = 0;
};

// One call of the call log (issue 4): who started it, when, how long, who took part.
struct CallParticipant {
  std::int64_t account_id = 0;
  std::string name;
  std::int64_t joined_at = 0;
  std::optional<std::int64_t> left_at;
};
struct CallLogEntry {
  std::int64_t id = 0;
  std::int64_t resident_id = 0;
  std::string resident_name;
  std::int64_t started_by = 0;
  std::string started_by_name;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> ended_at;
  std::vector<CallParticipant> participants;  // in the order they joined
};

// One resident the account is linked to, with what is still missing before home (SPEC 3–5).
struct LinkedResident {
  Resident resident;
  Facility facility;
  Link link;
  bool needs_relationship = false;
};

struct AnnouncementView {
  Announcement announcement;
  bool read = false;
};

}  // namespace carelive::live
