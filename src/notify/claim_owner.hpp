#pragma once

#include <optional>
#include <string>

namespace carelive::notify {

// Who holds a claim on a message: one start of one process. Written into `messages.claimed_by`
// so that a dispatcher can tell the claims of a process that is gone (killed, crashed) from
// those of one still sending: on the same host (and boot) a process is gone when no process
// with its pid and start time runs any more; another host's process cannot be checked from
// here, so its claims simply run out (the claim time). Host names must therefore differ
// between the machines (or containers) that share one database.
struct ClaimOwner {
  std::string host;  // gethostname(2)
  std::string boot;  // /proc/sys/kernel/random/boot_id: a reboot ends every process
  long pid = 0;
  std::string start;  // start time of the process, clock ticks since boot (/proc/<pid>/stat)
  std::string nonce;  // random: two dispatchers of one process (tests) are two owners

  // This process, with a fresh nonce.
  static ClaimOwner self();
  static std::optional<ClaimOwner> parse(const std::string& text);
  std::string to_string() const;  // "host/boot/pid/start/nonce"
};

// True only when `other` certainly runs no more, as seen from `me`'s host.
bool certainly_gone(const ClaimOwner& me, const ClaimOwner& other);

// The start time of process `pid` (field 22 of /proc/<pid>/stat), empty when it is not running.
std::string process_start(long pid);

}  // namespace carelive::notify
