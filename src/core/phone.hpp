#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carelive::core {

struct PhoneNumber {
  std::string e164;     // +819012345678
  std::string display;  // 090-1234-5678 (national format)
};

enum class PhoneProblem { invalid, not_mobile };

// Parses a Japanese number in any common formatting (090-1234-5678, 09012345678,
// +81 90 1234 5678, full-width digits) with libphonenumber and accepts mobile numbers only.
struct PhoneParse {
  std::optional<PhoneNumber> number;
  PhoneProblem problem = PhoneProblem::invalid;
};
PhoneParse parse_mobile_jp(std::string_view input);

// Display form of a stored E.164 number; the input itself when it cannot be parsed.
std::string phone_display(const std::string& e164);

}  // namespace carelive::core
