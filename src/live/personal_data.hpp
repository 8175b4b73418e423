#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/database.hpp"

// Personal data held by CareLive Live (SPEC 15): a person's links to residents, applications,
// terms consents and staff memberships for their download; their links' departure when the Pass
// is deleted. In the caller's connection (the deletion in its transaction).
namespace carelive::live::personal_data {

// {"links", "applications", "consents", "staff"}, each with the resident's and facility's names.
nlohmann::json collect(store::Connection& c, std::int64_t account_id);

// Whether the account is staff anywhere (then it hands over first, SPEC 15).
bool is_staff(store::Connection& c, std::int64_t account_id);

// The account's links go, each leaving a departure (resident, kind, when) the facility sees as
// 「退会したユーザー」; its pending applications and staff invitations go (decided applications
// stay, with the id only). Returns the residents it was linked to.
std::vector<std::int64_t> erase(store::Connection& c, std::int64_t account_id,
                                core::UnixSeconds now);

struct Departure {
  std::string kind;  // "family" | "care_worker"
  core::UnixSeconds linked_at = 0, left_at = 0;
};
// The people who were linked to `resident` and deleted their Pass, newest first.
std::vector<Departure> departures(store::Connection& c, std::int64_t resident_id);

}  // namespace carelive::live::personal_data
