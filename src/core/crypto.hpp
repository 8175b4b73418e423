#pragma once

#include <string>
#include <string_view>

namespace carelive::core {

// Call once before any other function here (sodium_init).
void init_crypto();

// 256 random bits, base64url without padding: the secret part of every link and session.
std::string random_token();

// What the database keeps of a token: BLAKE2b-256 of it, hex. A leaked table gives no
// usable link or session (SPEC "Tokens ... stored only as hashes").
std::string token_hash(std::string_view token);

// A key for one purpose, derived from the server secret: HMAC-SHA-256 of `purpose` under it
// (32 bytes). Each purpose gets its own key, none of them the secret itself.
std::string derive_key(std::string_view server_secret, std::string_view purpose);

// What the database keeps of a short secret a person types (a recovery code): BLAKE2b-256 under
// `key` (a derived key, which is not in the database), hex. A leaked table cannot be searched
// for the codes without the server secret, though each code has only about 50 bits.
std::string keyed_hash(std::string_view key, std::string_view text);

// Constant-time comparison of two equally long strings (sodium_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// Argon2id with libsodium. OWASP's minimum is m = 19 MiB, t = 2, p = 1; config may only go up.
struct PasswordHashParams {
  unsigned long long ops_limit = 2;
  std::size_t mem_limit = 19u * 1024u * 1024u;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashParams params = {});
  std::string hash(std::string_view password) const;
  bool verify(std::string_view encoded, std::string_view password) const;
  const PasswordHashParams& params() const { return params_; }

 private:
  PasswordHashParams params_;
};

}  // namespace carelive::core
