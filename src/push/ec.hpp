#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

// P-256 keys, ECDH, HKDF-SHA-256 and ES256 through OpenSSL 3's EVP interface. Internal to push/:
// the public headers speak in raw bytes and base64url text.
namespace carelive::push::ec {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// A fresh P-256 key pair.
Pkey generate();
// The key pair of a 32-byte private scalar (its public point computed); invalid_argument when
// the scalar is not in [1, n-1].
Pkey from_private(std::string_view raw32);
// A peer's public key from its 65-byte uncompressed point, checked to lie on the curve;
// invalid_argument otherwise.
Pkey from_public(std::string_view raw65);

// The 32-byte big-endian private scalar.
std::string private_bytes(const EVP_PKEY* key);
// The 65-byte uncompressed public point (0x04 || X || Y).
std::string public_bytes(const EVP_PKEY* key);

// ECDH (EVP_PKEY_derive): the 32-byte X coordinate of own × peer.
std::string derive(EVP_PKEY* own, EVP_PKEY* peer);

// HKDF-SHA-256 (RFC 5869, EVP_KDF "HKDF"): extract with `salt`, expand with `info`.
std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                        std::size_t length);

// An ES256 signature (ECDSA P-256, SHA-256) of `data` as JOSE's raw r || s, 64 bytes
// (RFC 7518 §3.4), converted from OpenSSL's DER.
std::string sign_es256(EVP_PKEY* key, std::string_view data);
// Checks a raw r || s ES256 signature of `data` under `key` (converted back to DER).
bool verify_es256(EVP_PKEY* key, std::string_view data, std::string_view signature);

// runtime_error "<what>: <OpenSSL's first queued error>", clearing OpenSSL's error queue.
[[noreturn]] void fail(const char* what);

}  // namespace carelive::push::ec
