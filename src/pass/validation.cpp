#include "pass/validation.hpp"

#include <algorithm>
#include <cctype>

#include "core/phone.hpp"
#include "core/text.hpp"

namespace carelive::pass {

std::string check_name(const std::string& field, const std::string& input,
                       core::FieldErrorSet& errors) {
  std::string value = core::trim(input);
  if (value.empty()) {
    errors.add(field, "required");
  } else if (!core::is_valid_utf8(value) || !core::is_fullwidth(value)) {
    errors.add(field, "not_fullwidth");
  } else if (core::char_count(value) > kNameMax) {
    errors.add(field, "too_long");
  }
  return value;
}

std::string check_kana(const std::string& field, const std::string& input,
                       core::FieldErrorSet& errors) {
  std::string value = core::trim(input);
  if (value.empty()) {
    errors.add(field, "required");
    return value;
  }
  if (!core::is_valid_utf8(value)) {
    errors.add(field, "not_hiragana");
    return value;
  }
  value = core::to_hiragana(value);
  if (!core::is_hiragana(value)) {
    errors.add(field, "not_hiragana");
  } else if (core::char_count(value) > kKanaMax) {
    errors.add(field, "too_long");
  }
  return value;
}

std::optional<std::string> normalize_email(const std::string& input) {
  if (!core::is_valid_utf8(input)) return std::nullopt;
  std::string v = core::nfkc(core::trim(input));
  if (v.empty() || v.size() > kEmailMax) return std::nullopt;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto at = v.find('@');
  if (at == std::string::npos || at == 0 || at != v.rfind('@') || at > 64) return std::nullopt;
  std::string local = v.substr(0, at), domain = v.substr(at + 1);
  auto ok_local = [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
  };
  if (!std::all_of(local.begin(), local.end(), ok_local)) return std::nullopt;
  if (local.front() == '.' || local.back() == '.') return std::nullopt;
  if (domain.size() < 3 || domain.find('.') == std::string::npos) return std::nullopt;
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos)
    return std::nullopt;
  auto ok_domain = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; };
  if (!std::all_of(domain.begin(), domain.end(), ok_domain)) return std::nullopt;
  return v;
}

std::string check_email(const std::string& field, const std::string& input,
                        core::FieldErrorSet& errors) {
  if (core::trim(input).empty()) {
    errors.add(field, "required");
    return {};
  }
  if (input.size() > kEmailMax * 4) {
    errors.add(field, "too_long");
    return {};
  }
  auto email = normalize_email(input);
  if (!email) {
    errors.add(field,
               core::char_count(core::trim(input)) > kEmailMax ? "too_long" : "email_invalid");
    return {};
  }
  return *email;
}

LoginId normalize_login_id(const std::string& input) {
  std::string trimmed = core::is_valid_utf8(input) ? core::trim(input) : std::string();
  if (trimmed.find('@') != std::string::npos || trimmed.find("＠") != std::string::npos) {
    if (auto email = normalize_email(trimmed)) return {LoginId::Kind::email, *email};
    return {LoginId::Kind::unknown, trimmed};
  }
  auto phone = core::parse_mobile_jp(trimmed);
  if (phone.number) return {LoginId::Kind::phone, phone.number->e164};
  return {LoginId::Kind::unknown, trimmed};
}

}  // namespace carelive::pass
