// What a person types in the sign-up, login and profile forms, through the checks the server
// applies (SPEC 2, docs/api.md limits): login ids (email, or a Japanese mobile number through
// libphonenumber), 全角 names, ふりがな (カタカナ converted), passwords (rules, then cracklib).
// The input is one field's text, checked as each of them.
//
// Findings, besides crashes and sanitizer reports, are broken promises of the checks:
// - a login id normalises to a value that normalises to itself; an email to lower-case ASCII
//   of at most 254 bytes with one '@'; a phone number to E.164 (+81…) whose display form reads
//   back as the same number;
// - a name or ふりがな that passes is valid UTF-8, trimmed, within its length, 全角 / ひらがな
//   only, and passes again unchanged;
// - a password that passes the rules is 8–64 characters of the allowed set.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/phone.hpp"
#include "core/text.hpp"
#include "pass/password_policy.hpp"
#include "pass/validation.hpp"

namespace {

using namespace carelive;

[[noreturn]] void finding(const char* what, std::string_view input, std::string_view got = {}) {
  std::fprintf(stderr, "FINDING: %s\n  input: %.*s\n  got:   %.*s\n", what,
               static_cast<int>(input.size()), input.data(), static_cast<int>(got.size()),
               got.data());
  __builtin_trap();
}

bool is_ascii_graphic(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7F) return false;
  return true;
}

void check_login_id(const std::string& input) {
  const auto id = pass::normalize_login_id(input);
  const auto again = pass::normalize_login_id(id.value);
  switch (id.kind) {
    case pass::LoginId::Kind::email: {
      if (id.value.size() > pass::kEmailMax || !is_ascii_graphic(id.value) ||
          id.value.find('@') != id.value.rfind('@'))
        finding("email login id not plain ASCII with one @", input, id.value);
      for (char c : id.value)
        if (c >= 'A' && c <= 'Z') finding("email login id not lower-case", input, id.value);
      if (again.kind != id.kind || again.value != id.value)
        finding("email login id does not normalise to itself", input, id.value);
      break;
    }
    case pass::LoginId::Kind::phone: {
      if (!id.value.starts_with("+81") || id.value.size() > 16 ||
          id.value.find_first_not_of("0123456789", 1) != std::string::npos)
        finding("phone login id not E.164 (+81…)", input, id.value);
      if (again.kind != id.kind || again.value != id.value)
        finding("phone login id does not normalise to itself", input, id.value);
      const auto display = core::phone_display(id.value);
      const auto back = core::parse_mobile_jp(display);
      if (!back.number || back.number->e164 != id.value)
        finding("phone display form does not read back", input, display);
      break;
    }
    case pass::LoginId::Kind::unknown:
      if (!core::is_valid_utf8(id.value)) finding("unknown login id not UTF-8", input, id.value);
      break;
  }
  core::FieldErrorSet errors;
  const auto email = pass::check_email("email", input, errors);
  if (errors.empty() && email != pass::normalize_email(input).value_or("<none>"))
    finding("check_email and normalize_email disagree", input, email);
}

void check_names(const std::string& input) {
  core::FieldErrorSet errors;
  const auto name = pass::check_name("family_name", input, errors);
  if (errors.empty()) {
    if (!core::is_valid_utf8(name) || !core::is_fullwidth(name) || core::trim(name) != name ||
        core::char_count(name) < 1 || core::char_count(name) > pass::kNameMax)
      finding("accepted name breaks the name rules", input, name);
    core::FieldErrorSet again;
    if (pass::check_name("family_name", name, again) != name || !again.empty())
      finding("accepted name does not pass again unchanged", input, name);
  }
  core::FieldErrorSet kana_errors;
  const auto kana = pass::check_kana("family_name_kana", input, kana_errors);
  if (kana_errors.empty()) {
    if (!core::is_valid_utf8(kana) || !core::is_hiragana(kana) || core::char_count(kana) < 1 ||
        core::char_count(kana) > pass::kKanaMax)
      finding("accepted ふりがな breaks the ふりがな rules", input, kana);
    core::FieldErrorSet again;
    if (pass::check_kana("family_name_kana", kana, again) != kana || !again.empty())
      finding("accepted ふりがな does not pass again unchanged", input, kana);
  }
}

void check_password(const std::string& input) {
  if (!pass::password_rule_violations(input).empty()) return;
  if (input.size() < pass::kPasswordMin || input.size() > pass::kPasswordMax ||
      !is_ascii_graphic(input))
    finding("accepted password breaks the rules", input);
  pass::check_new_password(input);  // cracklib on what passed the rules, as the server does
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // the forms' fields are short; long inputs only slow the search
  const std::string input(reinterpret_cast<const char*>(data), size);
  check_login_id(input);
  check_names(input);
  check_password(input);
  // The text helpers on any bytes (the checks above only pass them valid UTF-8).
  core::nfkc(input);
  core::to_hiragana(input);
  core::char_count(input);
  core::is_fullwidth(input);
  return 0;
}
