#pragma once

#include <string>

#include "core/clock.hpp"

namespace carelive::core {

// A point in time for the API and the downloads: ISO 8601 in UTC ("2026-12-02T06:28:36Z").
std::string iso8601(UnixSeconds t);

// A point in time as Japan reads it (UTC+9, no daylight saving), through strftime's `format`:
// "%Y/%m/%d %H:%M:%S" for a CSV row, "%Y%m%d" for a file name.
std::string jst(UnixSeconds t, const char* format);

}  // namespace carelive::core
