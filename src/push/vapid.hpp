#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// VAPID (RFC 8292): the application server identifies itself to push services with a P-256
// key pair and a short-lived ES256 JWT (RFC 7515/7519) per push service origin.
namespace carelive::push {

// The server's VAPID key pair. Copies share one immutable OpenSSL key, so a copy is cheap and
// signing from several threads at once is safe.
class VapidKey {
 public:
  // A new random P-256 key pair.
  static VapidKey generate();
  // The key pair of a stored 32-byte private scalar (the public point is computed);
  // invalid_argument when it is not a valid P-256 private key.
  static VapidKey from_private(std::string_view raw32);

  // The 32-byte private scalar, to store (a secret).
  std::string private_bytes() const;
  // The 65-byte uncompressed public point.
  const std::string& public_bytes() const { return public_; }
  // The public point in base64url without padding: the browser's applicationServerKey and the
  // `k=` of the Authorization header.
  std::string public_base64url() const;

  // The ES256 signature of `data` as JOSE's raw r || s (64 bytes).
  std::string sign(std::string_view data) const;

 private:
  explicit VapidKey(std::shared_ptr<EVP_PKEY> key);
  std::shared_ptr<EVP_PKEY> key_;
  std::string public_;
};

// The longest a VAPID token may live (RFC 8292 §2: no more than 24 hours).
inline constexpr std::int64_t kMaxTokenLifetimeSeconds = 24 * 60 * 60;

// Unix time now from the system clock, the default of vapid_jwt's `now_unix`.
inline std::int64_t system_unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The VAPID JWT (RFC 8292 §2): header {"typ":"JWT","alg":"ES256"}, claims {"aud": audience
// (the push service's origin, see endpoint_origin), "exp": expires_unix, "sub": subject
// ("mailto:…" or "https://…")}, signed ES256, each part base64url without padding.
// invalid_argument when exp is not after now_unix or more than 24 h ahead of it, or when
// audience or subject do not have the required form.
std::string vapid_jwt(const VapidKey& key, std::string_view audience, std::string_view subject,
                      std::int64_t expires_unix, std::int64_t now_unix = system_unix_now());

// The Authorization header's value (RFC 8292 §3): "vapid t=<jwt>, k=<public key base64url>".
std::string vapid_authorization(const VapidKey& key, std::string_view jwt);

// The origin of a push endpoint URL, "https://host" or "https://host:port" (the port only when
// it is not the scheme's default; host in lower case), parsed by libcurl's URL API; nullopt
// when it is not an absolute http(s) URL with a host.
std::optional<std::string> endpoint_origin(std::string_view endpoint);

// What a push service reads from a verified VAPID token.
struct VapidClaims {
  std::string audience;
  std::string subject;
  std::int64_t expires_unix = 0;
};

// The receiver's check (a push service's, used by tests and the loopback push service): the
// claims of `jwt` when its header says ES256 and its signature verifies under the 65-byte
// public key `public_key`; nullopt otherwise. It does not judge aud and exp: the caller does.
std::optional<VapidClaims> verify_vapid_jwt(std::string_view jwt, std::string_view public_key);

}  // namespace carelive::push
