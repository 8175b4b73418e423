#include "push/encrypt.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "push/ec.hpp"

namespace carelive::push {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kAuthBytes = 16;
constexpr std::size_t kPointBytes = 65;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kKeyBytes = 16;
constexpr std::size_t kNonceBytes = 12;
constexpr std::uint32_t kRecordSize = 4096;
constexpr std::size_t kHeaderBytes = kSaltBytes + 4 + 1 + kPointBytes;  // 86
constexpr char kLastRecord = 0x02;  // RFC 8188 §2: the padding delimiter of the last record

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

struct Keys {
  std::string cek;
  std::string nonce;
};

// RFC 8291 §3.3–3.4 and RFC 8188 §2.2–2.3: from the ECDH secret to the content encryption key
// and nonce of the (single) record.
Keys derive_keys(std::string_view ecdh_secret, std::string_view auth_secret,
                 std::string_view ua_public, std::string_view as_public, std::string_view salt) {
  std::string key_info("WebPush: info", 13);
  key_info += '\0';
  key_info.append(ua_public);
  key_info.append(as_public);
  const std::string ikm = ec::hkdf_sha256(auth_secret, ecdh_secret, key_info, 32);
  return {
      ec::hkdf_sha256(salt, ikm, std::string_view("Content-Encoding: aes128gcm\0", 28), kKeyBytes),
      ec::hkdf_sha256(salt, ikm, std::string_view("Content-Encoding: nonce\0", 24), kNonceBytes)};
}

unsigned char* out_bytes(std::string& s, std::size_t at = 0) {
  return reinterpret_cast<unsigned char*>(s.data()) + at;
}
const unsigned char* in_bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// AES-128-GCM of `plain` appended to `out`, then the 16-byte tag.
void seal(const Keys& k, std::string_view plain, std::string& out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  const std::size_t at = out.size();
  out.resize(at + plain.size() + kTagBytes);
  int len = 0;
  int final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, in_bytes(k.cek),
                         in_bytes(k.nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out_bytes(out, at), &len, in_bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out_bytes(out, at + len), &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out_bytes(out, at + plain.size())) != 1)
    ec::fail("AES-128-GCM");
}

// The plaintext of one record (ciphertext and tag), or runtime_error when it does not
// authenticate.
std::string open(const Keys& k, std::string_view record) {
  if (record.size() < kTagBytes + 1) throw std::runtime_error("push record too short");
  const std::string_view cipher = record.substr(0, record.size() - kTagBytes);
  std::string tag(record.substr(cipher.size()));
  std::string plain(cipher.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, in_bytes(k.cek),
                         in_bytes(k.nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out_bytes(plain), &len, in_bytes(cipher),
                        static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out_bytes(plain, len), &final_len) != 1)
    throw std::runtime_error("push message does not authenticate");
  return plain;
}

void check_subscriber(std::string_view ua_public, std::string_view auth_secret) {
  if (ua_public.size() != kPointBytes)
    throw std::invalid_argument("p256dh must be a 65-byte P-256 point");
  if (auth_secret.size() != kAuthBytes)
    throw std::invalid_argument("the auth secret must be 16 bytes");
}

std::string encrypt_from(std::string_view plaintext, std::string_view ua_public,
                         std::string_view auth_secret, EVP_PKEY* as_key, std::string_view salt) {
  if (plaintext.size() > kMaxPlaintext)
    throw std::invalid_argument("push message longer than one record (3993 bytes)");
  check_subscriber(ua_public, auth_secret);
  if (salt.size() != kSaltBytes) throw std::invalid_argument("the salt must be 16 bytes");
  ec::Pkey ua = ec::from_public(ua_public);
  const std::string as_public = ec::public_bytes(as_key);
  const Keys keys =
      derive_keys(ec::derive(as_key, ua.get()), auth_secret, ua_public, as_public, salt);

  // RFC 8188 §2.1 header: salt, rs (uint32, network order), idlen, keyid = as_public.
  std::string body;
  body.reserve(kHeaderBytes + plaintext.size() + 1 + kTagBytes);
  body.append(salt);
  for (int shift = 24; shift >= 0; shift -= 8)
    body += static_cast<char>((kRecordSize >> shift) & 0xff);
  body += static_cast<char>(kPointBytes);
  body.append(as_public);
  std::string padded(plaintext);
  padded += kLastRecord;
  seal(keys, padded, body);
  return body;
}

}  // namespace

UaKeys UaKeys::generate() {
  ec::Pkey key = ec::generate();
  UaKeys ua{ec::private_bytes(key.get()), ec::public_bytes(key.get()),
            std::string(kAuthBytes, '\0')};
  if (RAND_bytes(out_bytes(ua.auth_secret), kAuthBytes) != 1) ec::fail("RAND_bytes");
  return ua;
}

std::string encrypt(std::string_view plaintext, std::string_view ua_public,
                    std::string_view auth_secret) {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(out_bytes(salt), kSaltBytes) != 1) ec::fail("RAND_bytes");
  ec::Pkey ephemeral = ec::generate();
  return encrypt_from(plaintext, ua_public, auth_secret, ephemeral.get(), salt);
}

std::string encrypt_with(std::string_view plaintext, std::string_view ua_public,
                         std::string_view auth_secret, std::string_view as_private,
                         std::string_view salt) {
  ec::Pkey as_key = ec::from_private(as_private);
  return encrypt_from(plaintext, ua_public, auth_secret, as_key.get(), salt);
}

std::string decrypt(std::string_view body, const UaKeys& ua) {
  check_subscriber(ua.public_key, ua.auth_secret);
  if (body.size() < kSaltBytes + 5) throw std::runtime_error("push body too short");
  const std::string_view salt = body.substr(0, kSaltBytes);
  std::uint32_t rs = 0;
  for (std::size_t i = 0; i < 4; ++i)
    rs = (rs << 8) | static_cast<unsigned char>(body[kSaltBytes + i]);
  const std::size_t idlen = static_cast<unsigned char>(body[kSaltBytes + 4]);
  // RFC 8291 §4: the keyid is the sender's 65-byte public key.
  if (idlen != kPointBytes || body.size() < kHeaderBytes)
    throw std::runtime_error("push body has no P-256 key id");
  const std::string_view as_public = body.substr(kSaltBytes + 5, kPointBytes);
  const std::string_view record = body.substr(kHeaderBytes);
  if (rs < kTagBytes + 2 || record.size() > rs)
    throw std::runtime_error("push body holds more than one record");

  ec::Pkey own = ec::from_private(ua.private_key);
  ec::Pkey peer;
  try {
    peer = ec::from_public(as_public);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  const Keys keys = derive_keys(ec::derive(own.get(), peer.get()), ua.auth_secret, ua.public_key,
                                as_public, salt);
  std::string plain = open(keys, record);
  // RFC 8188 §2: padding is zeros after the delimiter; the last record's delimiter is 0x02.
  const std::size_t end = plain.find_last_not_of('\0');
  if (end == std::string::npos || plain[end] != kLastRecord)
    throw std::runtime_error("push record has no final padding delimiter");
  plain.resize(end);
  return plain;
}

}  // namespace carelive::push
