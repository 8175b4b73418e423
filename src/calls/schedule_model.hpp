#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace carelive::calls {

struct ScheduleInvitee {
  std::int64_t account_id = 0;
  std::string name;
};

struct CallSchedule {
  std::int64_t id = 0;
  std::int64_t facility_id = 0;
  std::int64_t resident_id = 0;
  std::string resident_name;  // 「駿河 市子」
  core::UnixSeconds starts_at = 0;
  std::string note;
  std::int64_t created_by = 0;
  std::string created_by_name;
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> cancelled_at, reminded_at;
  std::vector<ScheduleInvitee> invitees;
};

// The next call a family member or care worker is invited to, for their home screen.
struct NextCall {
  std::int64_t id = 0;
  core::UnixSeconds starts_at = 0;
  std::string note;
};

}  // namespace carelive::calls
