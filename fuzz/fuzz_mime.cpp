// Message texts and their email form: every template rendered with fuzzed names, URLs,
// recipients, brand names and times (libFuzzer's FuzzedDataProvider splits the input into
// strings at "\" + another character), then render_email in both forms (outbox: raw UTF-8 and
// "\n"; SMTP: 7-bit, CRLF, encoded words, base64 body), and the MIME helpers on their own.
//
// Findings, besides crashes and sanitizer reports:
// - the header block is exactly From, To, Subject, Date, Message-ID, MIME-Version,
//   Content-Type, Content-Transfer-Encoding, with no CR, LF or other control character from
//   the input (header injection), only folded with eol + space;
// - the SMTP form is 7-bit, its body base64 lines of at most 76 characters that decode to the
//   body with CRLF line ends; the outbox body has no CR;
// - an encoded word is at most 75 characters (RFC 2047 2) and the words decode to the text;
// - truncate_utf8 keeps valid UTF-8 valid and within the limit; base64 decodes back;
// - a template that is given a URL puts it in the text.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "notify/dispatcher.hpp"
#include "notify/mime.hpp"
#include "notify/templates.hpp"

namespace {

using namespace carelive;
using namespace carelive::notify;

[[noreturn]] void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "FINDING: %s\n----\n%.*s\n----\n", what,
               static_cast<int>(std::min<std::size_t>(detail.size(), 2000)), detail.data());
  __builtin_trap();
}

std::string unbase64(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0, value = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) finding("not base64", text);
    value = (value << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = text.find(sep);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + sep.size());
  }
}

std::string with_line_ends(std::string_view body, std::string_view eol) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
      out += eol;
    } else if (body[i] == '\n') {
      out += eol;
    } else {
      out += body[i];
    }
  }
  if (!out.ends_with(eol)) out += eol;
  return out;
}

// The words of encode_words(text, eol) decode to text; each is a whole encoded word ≤ 75.
void check_encoded_words(std::string_view text, std::string_view encoded, std::string_view eol) {
  if (mime::is_ascii(text) && text.find("=?") == std::string_view::npos) {
    if (encoded != text) finding("ASCII text changed by encode_words", encoded);
    return;
  }
  std::string decoded;
  for (auto word : split(encoded, std::string(eol) + " ")) {
    if (word.size() > 75 || !word.starts_with("=?UTF-8?B?") || !word.ends_with("?="))
      finding("not one encoded word of at most 75 characters", word);
    decoded += unbase64(word.substr(10, word.size() - 12));
  }
  if (decoded != text) finding("encoded words do not decode to the text", encoded);
}

void check_header_line(std::string_view line, const std::string& email) {
  for (unsigned char c : line)
    if (c < 0x20 || c == 0x7F) finding("control character in a header line", email);
}

void check_email(const Message& m, const std::string& from, core::UnixSeconds at, bool smtp) {
  const std::string email = render_email(m, from, at, smtp);
  const std::string_view eol = smtp ? "\r\n" : "\n";
  const auto blank = email.find(std::string(eol) + std::string(eol));
  if (blank == std::string::npos) finding("no blank line after the headers", email);
  static const std::vector<std::string_view> kNames = {
      "From",       "To",           "Subject",      "Date",
      "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"};
  std::size_t header = 0;
  for (auto line : split(std::string_view(email).substr(0, blank), eol)) {
    check_header_line(line, email);
    if (line.starts_with(" ") && header > 0) continue;  // folded
    if (header >= kNames.size() || !line.starts_with(std::string(kNames[header]) + ": "))
      finding("unexpected header line", email);
    ++header;
  }
  if (header != kNames.size()) finding("missing header", email);
  const std::string_view body = std::string_view(email).substr(blank + 2 * eol.size());
  if (!smtp) {
    if (body.find('\r') != std::string_view::npos) finding("CR in an outbox body", email);
    return;
  }
  // Addresses are ASCII where they come from (normalised login ids, the configured sender);
  // everything else must be encoded.
  if (mime::is_ascii(m.to) && mime::is_ascii(mime::parse_mailbox(from).address) &&
      !mime::is_ascii(email))
    finding("8-bit byte in the SMTP form", email);
  std::string base64;
  for (auto line : split(body, "\r\n")) {
    if (line.size() > 76) finding("body line longer than 76", email);
    base64 += line;
  }
  if (unbase64(base64) != with_line_ends(m.body, "\r\n"))
    finding("base64 body does not decode to the text", email);
}

void check_mime_helpers(FuzzedDataProvider& in) {
  const std::string text = in.ConsumeRandomLengthString(512);
  if (unbase64(mime::base64(text)) != text) finding("base64 does not decode back", text);
  check_encoded_words(text, mime::encode_words(text, "\r\n"), "\r\n");
  check_header_line(mime::header_safe(text), text);
  const auto max = in.ConsumeIntegralInRange<std::size_t>(0, 600);
  const std::string cut = mime::truncate_utf8(text, max);
  if (cut.size() > max && text.size() > max) finding("truncate_utf8 over the limit", cut);
  if (!text.starts_with(cut)) finding("truncate_utf8 not a prefix", cut);
  if (core::is_valid_utf8(text) && !core::is_valid_utf8(cut))
    finding("truncate_utf8 split a character", cut);
  const auto box = mime::parse_mailbox(text);
  for (bool encode : {false, true}) {
    const std::string formatted = mime::format_mailbox(box, encode, "\r\n");
    for (auto part : split(formatted, "\r\n ")) check_header_line(part, formatted);
  }
  if (mime::is_envelope_address(text) && text.find_first_of("\r\n <>") != std::string::npos)
    finding("envelope address with a space, line break or angle bracket", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;
  FuzzedDataProvider in(data, size);
  Brand brand;
  brand.pass = in.ConsumeRandomLengthString(64);
  brand.live = in.ConsumeRandomLengthString(64);
  brand.company_url = in.ConsumeRandomLengthString(128);
  const std::string to = in.ConsumeRandomLengthString(300);
  const std::string url = in.ConsumeRandomLengthString(300);
  const std::string name = in.ConsumeRandomLengthString(200);
  const std::string from = in.ConsumeRandomLengthString(200);
  const CallNotice call{name, in.ConsumeRandomLengthString(100), in.ConsumeRandomLengthString(100),
                        in.ConsumeRandomLengthString(200), url};
  const auto at = in.ConsumeIntegralInRange<core::UnixSeconds>(0, 4'102'444'800);  // to 2100
  const Templates t(brand);

  const std::vector<std::pair<Message, bool>> messages = {
      {t.signup_provisional(to, url, at), true},
      {t.signup_account_exists(to, url, url, at), true},
      {t.signup_completed(to, url), true},
      {t.password_reset(to, url, at), true},
      {t.password_changed(to, at), false},
      {t.contact_verify(to, url, at), true},
      {t.contact_changed(to, name, at), false},
      {t.contact_taken(to, at), false},
      {t.login_locked(to, static_cast<int>(at % 1440), at), false},
      {t.second_factor_changed(to, SecondFactorChange::reset_by_facility, at), false},
      {t.application_received(to, name, name, url), true},
      {t.application_approved(to, name, name, url), true},
      {t.application_rejected(to, name), false},
      {t.staff_welcome(to, name, url, at), true},
      {t.call_scheduled(to, call), true},
      {t.call_changed(to, call, name), true},
      {t.call_cancelled(to, call), false},
      {t.call_reminder(to, call), true},
  };
  for (const auto& [m, has_url] : messages) {
    if (has_url && m.body.find(url) == std::string::npos)
      finding("the URL is missing from the text", m.body);
    if (m.channel != Channel::email) continue;
    check_email(m, from, at, false);
    check_email(m, from, at, true);
  }
  check_mime_helpers(in);
  return 0;
}
