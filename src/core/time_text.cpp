#include "core/time_text.hpp"

#include <ctime>

namespace carelive::core {

std::string iso8601(UnixSeconds t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string jst(UnixSeconds t, const char* format) {
  std::time_t tt = static_cast<std::time_t>(t + 9 * 3600);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  const auto n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace carelive::core
