#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

// Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps) for the second
// step of a staff sign-in (SPEC 15), computed by liboath: what every authenticator app speaks.
// A code names its time step; the caller keeps the last step it accepted for an account and
// takes only later ones, so a code is good once (no replay within its window).
namespace carelive::auth::totp {

inline constexpr unsigned kDigits = 6;
inline constexpr unsigned kStepSeconds = 30;
// Steps either side of now that are accepted: a phone's clock a little off, a code typed late.
inline constexpr unsigned kWindow = 1;
inline constexpr std::size_t kSecretBytes = 20;  // RFC 4226 §4: 160 bits

// A new shared secret: kSecretBytes random bytes (libsodium).
std::string generate_secret();

// The secret as authenticator apps take it typed: RFC 4648 base32, no padding.
std::string base32(std::string_view secret);

// The otpauth:// URI of the QR code (Key Uri Format): the label "issuer:account" and the
// parameters percent-encoded.
std::string uri(std::string_view issuer, std::string_view account, std::string_view secret);

// The code for time `t` (`digits` 6 to 8: RFC 6238's test vectors are 8 digits).
std::string code_at(std::string_view secret, core::UnixSeconds t, unsigned digits = kDigits);

// The time step of `code` if it is the code of a step within kWindow of `now`; nullopt for
// anything else (wrong, expired, not 6 digits).
std::optional<std::uint64_t> step_of(std::string_view secret, std::string_view code,
                                     core::UnixSeconds now);

}  // namespace carelive::auth::totp
