#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carelive::core {

// Japanese text rules with ICU (SPEC 2: 全角 names, ひらがな furigana, カタカナ converted).

// Trims ASCII and ideographic (U+3000) white space at both ends.
std::string trim(std::string_view s);
// Number of code points (limits are in characters, not bytes); -1 for invalid UTF-8.
int char_count(std::string_view utf8);
bool is_valid_utf8(std::string_view s);
// Every character is East Asian Wide or Fullwidth (UAX #11) — 全角 only.
bool is_fullwidth(std::string_view utf8);
// NFKC (half-width カタカナ → full-width), then カタカナ → ひらがな (ICU "Katakana-Hiragana").
std::string to_hiragana(std::string_view utf8);
// Only ひらがな (U+3041–U+309F) and the long vowel mark ー.
bool is_hiragana(std::string_view utf8);
// NFKC: full-width digits and letters become ASCII (for login ids and phone numbers).
std::string nfkc(std::string_view utf8);

}  // namespace carelive::core
