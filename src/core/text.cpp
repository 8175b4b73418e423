#include "core/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <stdexcept>

namespace carelive::core {
namespace {

icu::UnicodeString from_utf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

const icu::Normalizer2& nfkc_normalizer() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC unavailable");
  return *n;
}

// ICU transliterators are not safe to share between threads: one per thread. Only カタカナ
// letters are converted; ー stays as typed (the plain transform would turn ゆーじ into ゆうじ).
icu::Transliterator& katakana_to_hiragana() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "[\\u30A1-\\u30F6\\u30FD\\u30FE]; Katakana-Hiragana", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU Katakana-Hiragana unavailable");
    return made;
  }();
  return *t;
}

template <class F>
bool all_code_points(std::string_view s, F&& pred) {
  int32_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  if (n == 0) return false;
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0 || !pred(c)) return false;
  }
  return true;
}

bool is_space(UChar32 c) { return c == 0x3000 || u_isWhitespace(c); }

}  // namespace

bool is_valid_utf8(std::string_view s) {
  return s.empty() || all_code_points(s, [](UChar32) { return true; });
}

std::string trim(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  int32_t start = 0, end = n;
  while (start < n) {
    int32_t i = start;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0 || !is_space(c)) break;
    start = i;
  }
  while (end > start) {
    int32_t i = end;
    UChar32 c;
    U8_PREV(p, start, i, c);
    if (c < 0 || !is_space(c)) break;
    end = i;
  }
  return std::string(s.substr(start, end - start));
}

int char_count(std::string_view s) {
  int count = 0;
  if (s.empty()) return 0;
  bool ok = all_code_points(s, [&](UChar32) {
    ++count;
    return true;
  });
  return ok ? count : -1;
}

bool is_fullwidth(std::string_view s) {
  return all_code_points(s, [](UChar32 c) {
    int width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    return (width == U_EA_FULLWIDTH || width == U_EA_WIDE) && !is_space(c);
  });
}

std::string nfkc(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString out = nfkc_normalizer().normalize(from_utf8(s), status);
  if (U_FAILURE(status)) return std::string(s);
  return to_utf8(out);
}

std::string to_hiragana(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString u = nfkc_normalizer().normalize(from_utf8(s), status);
  if (U_FAILURE(status)) u = from_utf8(s);
  katakana_to_hiragana().transliterate(u);
  return to_utf8(u);
}

bool is_hiragana(std::string_view s) {
  return all_code_points(s, [](UChar32 c) { return (c >= 0x3041 && c <= 0x309F) || c == 0x30FC; });
}

}  // namespace carelive::core
