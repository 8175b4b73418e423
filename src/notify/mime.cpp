#include "notify/mime.hpp"

#include <chrono>
#include <cstdio>

namespace carelive::notify::mime {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// RFC 5322 atext (with RFC 6532's UTF-8 characters) plus space: a display name made of these
// needs no quoting.
bool is_plain_phrase(std::string_view s) {
  for (unsigned char c : s) {
    const bool ok = c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == ' ' ||
                    std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                        std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string rfc5322_date(core::UnixSeconds t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds local{seconds{t + 9 * core::kHour}};  // JST, no daylight saving
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss hms{local - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0900", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string header_safe(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string encode_words(std::string_view text, std::string_view eol) {
  if (is_ascii(text) && text.find("=?") == std::string_view::npos) return std::string(text);
  // 42 bytes -> 56 base64 characters -> 68 with "=?UTF-8?B?" "?=": with "Subject: " in front
  // the first line is 77 characters (RFC 5322 2.1.1: SHOULD stay within 78).
  constexpr std::size_t kChunk = 42;
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = std::min(text.size(), pos + kChunk);
    while (end < text.size() && end > pos && is_continuation(static_cast<unsigned char>(text[end])))
      --end;
    if (end == pos) end = std::min(text.size(), pos + kChunk);  // invalid UTF-8: cut anyway
    if (!out.empty()) {
      out += eol;
      out += ' ';
    }
    out += "=?UTF-8?B?" + base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

Mailbox parse_mailbox(std::string_view text) {
  const auto open = text.rfind('<');
  const auto close = text.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return Mailbox{"", trim(text)};
  std::string display = trim(text.substr(0, open));
  if (display.size() >= 2 && display.front() == '"' && display.back() == '"')
    display = display.substr(1, display.size() - 2);
  return Mailbox{display, trim(text.substr(open + 1, close - open - 1))};
}

std::string format_mailbox(const Mailbox& m, bool encode, std::string_view eol) {
  const std::string address = header_safe(m.address);
  if (m.display.empty()) return address;
  const std::string display = header_safe(m.display);
  std::string phrase;
  if (encode && !is_ascii(display)) {
    phrase = encode_words(display, eol);
  } else if (is_plain_phrase(display)) {
    phrase = display;
  } else {
    phrase = "\"";
    for (char c : display) {
      if (c == '"' || c == '\\') phrase += '\\';
      phrase += c;
    }
    phrase += '"';
  }
  return phrase + " <" + address + ">";
}

bool is_envelope_address(std::string_view a) {
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size() ||
      a.find('@', at + 1) != std::string_view::npos)
    return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == '\\')
      return false;
  }
  return true;
}

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t end = max_bytes;
  while (end > 0 && is_continuation(static_cast<unsigned char>(s[end]))) --end;
  return std::string(s.substr(0, end));
}

}  // namespace carelive::notify::mime
