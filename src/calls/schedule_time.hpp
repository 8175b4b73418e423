#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"

#include <unicode/uversion.h>

// icu is a namespace alias (icu_72); a forward declaration must name the real one.
U_NAMESPACE_BEGIN
class TimeZone;
U_NAMESPACE_END

namespace carelive::calls {

// A date and time as a person at the facility reads it: "2026-12-01" and "14:00".
struct LocalDateTime {
  std::string date;  // YYYY-MM-DD
  std::string time;  // HH:MM (24 hours)
};

// Wall-clock time of the facility (config `[server] time_zone`, an IANA name such as
// "Asia/Tokyo"), with ICU's time zone data: staff type the facility's date and time whatever
// their browser's zone is, and messages show it the same way. Immutable and thread-safe: every
// call makes its own ICU calendar or formatter (those are not safe to share).
class FacilityTime {
 public:
  // Throws std::invalid_argument for a zone ICU does not know.
  explicit FacilityTime(const std::string& zone);
  ~FacilityTime();
  FacilityTime(const FacilityTime&) = delete;
  FacilityTime& operator=(const FacilityTime&) = delete;

  const std::string& zone() const { return zone_; }

  // The instant of a local date and time; nullopt unless both are well-formed and the date
  // exists (2026-02-30 does not). A time skipped by a daylight-saving change resolves forward.
  std::optional<core::UnixSeconds> instant(const std::string& date, const std::string& time) const;
  LocalDateTime local(core::UnixSeconds t) const;
  // 「2026年12月1日（火）14:00」 — the form of the messages (ICU, Japanese weekday).
  std::string long_label(core::UnixSeconds t) const;

 private:
  std::string zone_;
  std::unique_ptr<icu::TimeZone> tz_;
};

}  // namespace carelive::calls
