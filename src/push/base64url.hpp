#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carelive::push {

// Base64url without padding (RFC 4648 §5; libsodium's URL-safe variant): the encoding of JOSE
// (RFC 7515) and of a browser's PushSubscription keys (`p256dh`, `auth`).
std::string base64url_encode(std::string_view bytes);

// The bytes of base64url text without padding; nullopt when it is not such text.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace carelive::push
