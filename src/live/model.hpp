#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace carelive::live
