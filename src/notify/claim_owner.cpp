#include "notify/claim_owner.hpp"

#include <sodium.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace carelive::notify {
namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  std::string out(buf);
  // '/' separates the parts of the owner text.
  for (char& ch : out)
    if (ch == '/') ch = '_';
  return out.empty() ? "unknown" : out;
}

}  // namespace

std::string process_start(long pid) {
  const std::string stat = read_first_line("/proc/" + std::to_string(pid) + "/stat");
  // "pid (comm) state ppid …": comm may hold spaces and ')', so fields count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  // Field 3 (state) is the first after ')'; starttime is field 22.
  for (int i = 3; i <= 22; ++i)
    if (!(rest >> field)) return "";
  return field;
}

ClaimOwner ClaimOwner::self() {
  ClaimOwner o;
  o.host = host_name();
  o.boot = read_first_line("/proc/sys/kernel/random/boot_id");
  o.pid = static_cast<long>(::getpid());
  o.start = process_start(o.pid);
  unsigned char bytes[4];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    o.nonce += kHex[b >> 4];
    o.nonce += kHex[b & 15];
  }
  return o;
}

std::string ClaimOwner::to_string() const {
  return host + "/" + boot + "/" + std::to_string(pid) + "/" + start + "/" + nonce;
}

std::optional<ClaimOwner> ClaimOwner::parse(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (std::size_t slash; (slash = text.find('/', pos)) != std::string::npos; pos = slash + 1)
    parts.push_back(text.substr(pos, slash - pos));
  parts.push_back(text.substr(pos));
  if (parts.size() != 5 || parts[0].empty()) return std::nullopt;
  ClaimOwner o;
  o.host = parts[0];
  o.boot = parts[1];
  try {
    std::size_t used = 0;
    o.pid = std::stol(parts[2], &used);
    if (used != parts[2].size() || o.pid <= 0) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  o.start = parts[3];
  o.nonce = parts[4];
  return o;
}

bool certainly_gone(const ClaimOwner& me, const ClaimOwner& other) {
  if (other.host != me.host) return false;  // cannot look at another machine's processes
  // Without /proc on either side nothing is certain.
  if (me.boot.empty() || me.start.empty() || other.boot.empty() || other.start.empty())
    return false;
  if (other.boot != me.boot) return true;                            // the host rebooted since
  if (other.pid == me.pid && other.start == me.start) return false;  // this very process
  const std::string start = process_start(other.pid);
  // No such process, or the pid now belongs to a process started later.
  return start.empty() || start != other.start;
}

}  // namespace carelive::notify
