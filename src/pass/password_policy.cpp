#include "pass/password_policy.hpp"

#include <cstddef>
using std::size_t;  // crack.h uses size_t without including its header
#include <crack.h>

#include <mutex>
#include <optional>
#include <string_view>

#include "pass/validation.hpp"

namespace carelive::pass {

namespace {

constexpr std::string_view kSymbols = "@#$%&?!";

// A space (half-width, or the full-width 「　」 U+3000) or any full-width character: one plain
// message naming it (SPEC 14), not every rule such a password also seems to break.
std::optional<std::string> typing_problem(const std::string& pw) {
  if (pw.find(' ') != std::string::npos || pw.find('\t') != std::string::npos ||
      pw.find("\u3000") != std::string::npos)
    return "password_space";
  for (unsigned char c : pw)
    if (c >= 0x80) return "password_fullwidth";
  return std::nullopt;
}

}  // namespace

std::vector<std::string> password_rule_violations(const std::string& pw) {
  std::vector<std::string> codes;
  if (pw.empty()) return {"required"};
  if (auto problem = typing_problem(pw)) return {*problem};
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
