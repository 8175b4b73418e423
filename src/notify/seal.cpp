#include "notify/seal.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "core/crypto.hpp"

namespace carelive::notify {
namespace {

static_assert(Sealer::kKeyBytes == crypto_secretbox_KEYBYTES);
static_assert(crypto_auth_hmacsha256_BYTES == 32);

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

}  // namespace

Sealer::Sealer(std::string_view server_secret, std::string_view purpose) {
  if (server_secret.size() < 32) throw std::invalid_argument("server secret must be 32+ bytes");
  const auto key = core::derive_key(server_secret, purpose);
  std::copy(key.begin(), key.end(), key_.begin());
  has_key_ = true;
}

std::string Sealer::seal(std::string_view plain) const {
  if (!has_key_) throw std::logic_error("no key to seal a message body with");
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plain.size());
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        key_.data());
  std::string out(sodium_base64_encoded_len(box.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), box.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Sealer::open(std::string_view sealed) const {
  if (!has_key_) throw std::runtime_error("no key to open a sealed message body");
  std::vector<unsigned char> box(sealed.size());
  std::size_t len = 0;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, kVariant) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw std::runtime_error("sealed message body is malformed");
  const unsigned char* nonce = box.data();
  const unsigned char* cipher = box.data() + crypto_secretbox_NONCEBYTES;
  const std::size_t cipher_len = len - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), cipher, cipher_len,
                                 nonce, key_.data()) != 0)
    throw std::runtime_error("sealed message body does not open with this server's secret");
  return plain;
}

bool holds_link(std::string_view body) { return body.find("token=") != std::string_view::npos; }

std::string installation_tag(std::string_view server_secret) {
  const auto mac = core::derive_key(server_secret, "carelive:installation:v1");
  std::string hex(17, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(mac.data()), 8);
  hex.pop_back();
  return hex;
}

}  // namespace carelive::notify
