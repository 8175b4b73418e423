#include "pass/password_policy.hpp"

#include <cstddef>
using std::size_t;  // crack.h uses size_t without including its header
#include <crack.h>

#include <mutex>
#include <string_view>

#include "pass/validation.hpp"

namespace carelive::pass {

namespace {
constexpr std::string_view kSymbols = "@#$%&?!";
}

std::vector<std::string> password_rule_violations(const std::string& pw) {
  std::vector<std::string> codes;
  if (pw.empty()) return {"required"};
  bool upper = false, lower = false, digit = false, symbol = false, invalid = false;
  for (unsigned char c : pw) {
    if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else if (kSymbols.find(static_cast<char>(c)) != std::string_view::npos)
      symbol = true;
    else
      invalid = true;
  }
  if (invalid) codes.push_back("password_invalid_char");
  if (pw.size() < static_cast<std::size_t>(kPasswordMin)) codes.push_back("password_too_short");
  if (pw.size() > static_cast<std::size_t>(kPasswordMax)) codes.push_back("too_long");
  if (!upper) codes.push_back("password_missing_upper");
  if (!lower) codes.push_back("password_missing_lower");
  if (!digit) codes.push_back("password_missing_digit");
  if (!symbol) codes.push_back("password_missing_symbol");
  return codes;
}

bool is_common_password(const std::string& pw) {
  // cracklib keeps the opened dictionary in static state: one caller at a time.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  // A fixed user name, so the check never compares against the server's own login account.
  const char* verdict = FascistCheckUser(pw.c_str(), GetDefaultCracklibDict(), "carelive", "");
  return verdict != nullptr;
}

std::vector<std::string> check_new_password(const std::string& pw) {
  auto codes = password_rule_violations(pw);
  if (codes.empty() && is_common_password(pw)) codes.push_back("password_common");
  return codes;
}

}  // namespace carelive::pass
