#pragma once

#include <cstdint>

namespace carelive::pass {

// Session lifetimes (SPEC "Rules that hold everywhere"): families and care workers 30 days
// from last use; staff and operator 12 hours, or 30 minutes idle.
struct SessionSettings {
  std::int64_t family_idle = 30 * 24 * 3600;
  std::int64_t family_absolute = 365 * 24 * 3600;
  std::int64_t staff_idle = 30 * 60;
  std::int64_t staff_absolute = 12 * 3600;
};

// Login throttling defaults from SPEC "Rules that hold everywhere".
struct ThrottleSettings {
  int free_failures = 5;             // consecutive failures before delays start
  std::int64_t max_delay = 15 * 60;  // 1 s, 2 s, 4 s … up to this
  int lock_failures = 20;            // failures within `lock_window` lock the id
  std::int64_t lock_window = 12 * 3600;
  std::int64_t lock_duration = 15 * 60;
  int address_failures = 100;  // per client address and hour
  std::int64_t address_window = 3600;
  // Messages one person can cause per hour: sign-ups per client address (IPv6: per /64),
  // sign-up messages to one email address or phone number whoever asks, reset and
  // contact-change links per account. Past that the answer is the same but nothing is sent
  // (sign-up answers rate_limited, or destination_limited for the one address or number).
  int signups_per_address = 20;
  int signups_per_destination = 3;
  int links_per_account = 5;
  std::int64_t message_window = 3600;
};

// Two-step sign-in (SPEC 15, `[security]`).
struct SecuritySettings {
  // staff_mfa = "required" (the default): staff and operators without a second factor set one
  // up right after their password and reach nothing else until done; "optional" leaves it to
  // them, as it is for families.
  bool staff_mfa_required = true;
  // How long a sign-in waits between the password and its second step (or the set-up).
  std::int64_t second_step_seconds = 10 * 60;
};

}  // namespace carelive::pass
