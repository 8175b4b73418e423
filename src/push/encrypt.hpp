#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188): what a
// push service carries is readable only by the browser that subscribed.
namespace carelive::push {

// The most plaintext one push message holds: 4096 octets of body less the 86-octet header, the
// 16-octet tag and the padding delimiter (RFC 8291 §4).
inline constexpr std::size_t kMaxPlaintext = 3993;

// A browser's side of a subscription: what PushSubscription.getKey("p256dh") and
// getKey("auth") give, plus the private key that only the browser knows. The server never has
// `private_key`; tests and the loopback push service (push/test_support_sink.hpp) do.
struct UaKeys {
  std::string private_key;  // 32-byte P-256 scalar
  std::string public_key;   // 65-byte uncompressed point (p256dh)
  std::string auth_secret;  // 16 random bytes (auth)

  // A new subscriber, as a browser makes one.
  static UaKeys generate();
};

// The body of a push message for the subscriber `ua_public` (65 bytes) with its `auth_secret`
// (16 bytes): the RFC 8188 header (a random 16-byte salt, rs = 4096, the 65-byte public key of a
// fresh ephemeral key pair) and one record. invalid_argument for a plaintext longer than
// kMaxPlaintext or keys of the wrong size or not on the curve.
std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret);

// encrypt() with the ephemeral private key (32 bytes) and the salt (16 bytes) given, so that
// the result is reproducible (RFC 8291 Appendix A). Never reuse a key or salt in production.
std::string encrypt_with(std::string_view plaintext, std::string_view ua_public,
                         std::string_view auth_secret, std::string_view as_private,
                         std::string_view salt);

// The receiver's side: the plaintext of a body made by encrypt() for `ua`. runtime_error when
// the body is malformed, has more than one record, or does not authenticate.
std::string decrypt(std::string_view body, const UaKeys& ua);

}  // namespace carelive::push
