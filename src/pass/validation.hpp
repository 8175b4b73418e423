#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"

namespace carelive::pass {

// Field limits (docs/api.md): names 1–20 characters, furigana 1–40, email ≤ 254.
inline constexpr int kNameMax = 20;
inline constexpr int kKanaMax = 40;
inline constexpr int kEmailMax = 254;
inline constexpr int kPasswordMin = 8;
inline constexpr int kPasswordMax = 64;

// 全角 name (SPEC 2). Returns the trimmed value; adds field errors to `errors`.
std::string check_name(const std::string& field, const std::string& input,
                       core::FieldErrorSet& errors);
// ひらがな furigana; カタカナ (also half-width) is converted first (SPEC 2).
std::string check_kana(const std::string& field, const std::string& input,
                       core::FieldErrorSet& errors);
// Lower-cased, NFKC'd address; `email_invalid` when it does not look like one.
std::string check_email(const std::string& field, const std::string& input,
                        core::FieldErrorSet& errors);
std::optional<std::string> normalize_email(const std::string& input);

struct LoginId {
  enum class Kind { email, phone, unknown } kind;
  std::string value;  // lower-case email, E.164 number, or the trimmed input
};
// A login id as typed: email in any case, or a mobile number in any common formatting.
LoginId normalize_login_id(const std::string& input);

}  // namespace carelive::pass
