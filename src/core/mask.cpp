#include "core/mask.hpp"

#include <algorithm>
#include <cctype>

#include "core/phone.hpp"
#include "core/text.hpp"

namespace carelive::core {

namespace {

std::string stars(std::size_t n) { return std::string(n, '*'); }

}  // namespace

std::string masked_login_id(const std::string& login_id) {
  // Always four: the stars say nothing about the address's length either.
  if (const auto at = login_id.rfind('@'); at != std::string::npos && at > 0)
    return login_id.substr(0, std::min<std::size_t>(2, at)) + stars(4) + login_id.substr(at);
  if (!login_id.empty() && login_id[0] == '+') {
    std::string digits;
    for (char c : phone_display(login_id))
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    if (digits.size() >= 8) {
      const auto middle = digits.size() - 7;
      return digits.substr(0, 3) + "-" + stars(middle) + "-" + digits.substr(digits.size() - 4);
    }
  }
  return stars(static_cast<std::size_t>(char_count(login_id)));
}

}  // namespace carelive::core
