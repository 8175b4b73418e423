#include "calls/schedule_time.hpp"

#include <unicode/calendar.h>
#include <unicode/gregocal.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <chrono>
#include <regex>
#include <stdexcept>

namespace carelive::calls {
namespace {

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string format(const icu::TimeZone& tz, core::UnixSeconds t, const char* pattern,
                   const icu::Locale& locale) {
  UErrorCode status = U_ZERO_ERROR;
  icu::SimpleDateFormat fmt(icu::UnicodeString::fromUTF8(pattern), locale, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU date format unavailable");
  fmt.setTimeZone(tz);
  icu::UnicodeString out;
  fmt.format(static_cast<UDate>(t) * 1000.0, out);
  return to_utf8(out);
}

}  // namespace

FacilityTime::FacilityTime(const std::string& zone)
    : zone_(zone), tz_(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone))) {
  // ICU answers an unknown name with the "Etc/Unknown" zone (UTC) rather than failing.
  icu::UnicodeString id;
  if (!tz_ || zone.empty() || tz_->getID(id) == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID))
    throw std::invalid_argument("config: server.time_zone \"" + zone +
                                "\" is not a known time zone (e.g. \"Asia/Tokyo\")");
}

FacilityTime::~FacilityTime() = default;

std::optional<core::UnixSeconds> FacilityTime::instant(const std::string& date,
                                                       const std::string& time) const {
  static const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
  static const std::regex kTime(R"((\d{2}):(\d{2}))");
  std::smatch d, t;
  if (!std::regex_match(date, d, kDate) || !std::regex_match(time, t, kTime)) return std::nullopt;
  const int year = std::stoi(d[1]), month = std::stoi(d[2]), day = std::stoi(d[3]);
  const int hour = std::stoi(t[1]), minute = std::stoi(t[2]);
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || year < 2000 || hour > 23 || minute > 59) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar cal(*tz_, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU calendar unavailable");
  cal.clear();
  cal.set(year, month - 1, day, hour, minute, 0);
  const UDate ms = cal.getTime(status);
  if (U_FAILURE(status)) return std::nullopt;
  return static_cast<core::UnixSeconds>(ms / 1000.0);
}

LocalDateTime FacilityTime::local(core::UnixSeconds t) const {
  return {format(*tz_, t, "yyyy-MM-dd", icu::Locale::getRoot()),
          format(*tz_, t, "HH:mm", icu::Locale::getRoot())};
}

std::string FacilityTime::long_label(core::UnixSeconds t) const {
  return format(*tz_, t, "y年M月d日（E）H:mm", icu::Locale::getJapanese());
}

}  // namespace carelive::calls
