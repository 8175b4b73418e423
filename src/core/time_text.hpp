#pragma once

#include <string>

#include "core/clock.hpp"

namespace carelive::core {

// A point in time for the API and the downloads: ISO 8601 in UTC ("2026-12-02T06:28:36Z").
std::string iso8601(UnixSeconds t);

}  // namespace carelive::core
