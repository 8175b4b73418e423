#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"

// Small pieces of RFC 5322 / MIME that render_email needs. Internal to notify/ (and its tests).
namespace carelive::notify::mime {

std::string base64(std::string_view bytes);

// "Tue, 24 Nov 2026 19:35:00 +0900" (RFC 5322 section 3.3), in Japan time.
std::string rfc5322_date(core::UnixSeconds t);

// Header text made safe to put on one header line: CR, LF and other controls become spaces
// (no header injection through a subject or an address).
std::string header_safe(std::string_view value);

bool is_ascii(std::string_view s);

// RFC 2047 "B" encoded-words for `text` when it holds non-ASCII (or looks like one), split on
// UTF-8 character boundaries so that every line stays under 78 characters, folded with
// `eol` + space. ASCII text comes back unchanged.
std::string encode_words(std::string_view text, std::string_view eol);

// "Name <addr@host>", "\"Name\" <addr@host>" or "addr@host" split into its parts.
struct Mailbox {
  std::string display;
  std::string address;
};
Mailbox parse_mailbox(std::string_view text);
// The header form of a mailbox; a non-ASCII display name is encoded when `encode`.
std::string format_mailbox(const Mailbox& m, bool encode, std::string_view eol);

// An address that can go into an SMTP envelope (<addr>) unchanged: one '@', no spaces,
// controls, angle brackets or quotes.
bool is_envelope_address(std::string_view address);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 character.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace carelive::notify::mime
