#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace carelive::notify {

// Seals the body of a message that holds a sign-in link (`?token=`), so the `messages` table,
// a dump of it or a copy of the database file shows no usable link (SPEC "Tokens ... stored
// only as hashes"). The key is derived from the server secret (`server.secret` or
// `<data>/secret.key`), which is not in the database; every process of one installation shares
// it, so any of them can send. Sealed parts are wiped once the message is sent or given up.
class Sealer {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  Sealer() = default;  // no key: seal() and open() throw (a Templates used without a server)
  // The key is derived from the secret for one `purpose`: message bodies by default; other
  // sealed columns (second-factor secrets) name their own.
  explicit Sealer(std::string_view server_secret, std::string_view purpose = kMessageBodies);

  static constexpr std::string_view kMessageBodies = "carelive:message-body:v1";

  bool has_key() const { return has_key_; }
  // base64(nonce || XSalsa20-Poly1305 box) (libsodium crypto_secretbox), a fresh random nonce.
  std::string seal(std::string_view plain) const;
  // The plain text; std::runtime_error when the text was not sealed with this key.
  std::string open(std::string_view sealed) const;

 private:
  std::array<unsigned char, kKeyBytes> key_{};
  bool has_key_ = false;
};

// A body holds a link when it carries a `token=` query parameter: every link sent by message
// (sign-up, reset, contact change, staff password) and every invite URL is built that way.
bool holds_link(std::string_view body);

// A short stable name of the installation (16 hex digits), derived from the server secret:
// the same for every process and after a restart, different between installations. It goes
// into the Message-ID of emails, so a message sent again after a crash carries the same one.
std::string installation_tag(std::string_view server_secret);

}  // namespace carelive::notify
