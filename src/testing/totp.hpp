#pragma once

#include <liboath/oath.h>

#include <cstdlib>
#include <string>

namespace carelive::testing {

// The raw secret behind the base32 text the set-up page shows (what an authenticator app
// stores), for computing its codes in tests.
inline std::string totp_secret_of(const std::string& base32) {
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_decode(base32.data(), base32.size(), &out, &len) != OATH_OK) return "";
  std::string secret(out, len);
  std::free(out);
  return secret;
}

}  // namespace carelive::testing
