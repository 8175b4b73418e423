#include "push/ec.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <stdexcept>

namespace carelive::push::ec {
namespace {

constexpr std::size_t kScalarBytes = 32;
constexpr std::size_t kPointBytes = 65;
constexpr const char* kGroup = "prime256v1";  // P-256 (secp256r1)

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtx = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
struct OpenSslFree {
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Builds an EC key from OSSL_PARAMs (group, public point, and the private scalar if given).
Pkey from_data(const std::string& point, const BIGNUM* priv) {
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kGroup, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()) ||
      (priv && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv)))
    fail("OSSL_PARAM_BLD");
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) <= 0) {
    ERR_clear_error();
    throw std::invalid_argument("not a P-256 key");
  }
  return Pkey(key);
}

}  // namespace

void fail(const char* what) {
  const unsigned long code = ERR_get_error();
  char detail[256] = "unknown error";
  if (code) ERR_error_string_n(code, detail, sizeof detail);
  ERR_clear_error();
  throw std::runtime_error(std::string(what) + ": " + detail);
}

Pkey generate() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kGroup));
  if (!key) fail("P-256 key generation");
  return key;
}

Pkey from_private(std::string_view raw32) {
  if (raw32.size() != kScalarBytes) throw std::invalid_argument("a P-256 private key is 32 bytes");
  Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  BnCtx bn_ctx(BN_CTX_new());
  Bn priv(BN_bin2bn(bytes(raw32), static_cast<int>(raw32.size()), nullptr));
  if (!group || !bn_ctx || !priv) fail("P-256 private key");
  if (BN_is_zero(priv.get()) || BN_cmp(priv.get(), EC_GROUP_get0_order(group.get())) >= 0)
    throw std::invalid_argument("the P-256 private key is out of range");
  // OpenSSL 3 imports a key pair only with its public point: pub = priv × G.
  Point pub(EC_POINT_new(group.get()));
  std::string point(kPointBytes, '\0');
  if (!pub || !EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, bn_ctx.get()) ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(point.data()), point.size(),
                         bn_ctx.get()) != kPointBytes)
    fail("P-256 public point");
  return from_data(point, priv.get());
}

Pkey from_public(std::string_view raw65) {
  if (raw65.size() != kPointBytes || raw65[0] != 0x04)
    throw std::invalid_argument("a P-256 public key is a 65-byte uncompressed point");
  Pkey key = from_data(std::string(raw65), nullptr);
  // On the curve (an invalid point would leak the private key through ECDH); P-256's cofactor
  // is 1, so the quick check is the whole check.
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check_quick(ctx.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("the P-256 public key is not a point of the curve");
  }
  return key;
}

std::string private_bytes(const EVP_PKEY* key) {
  BIGNUM* raw = nullptr;
  if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &raw)) fail("P-256 private key");
  Bn priv(raw);
  std::string out(kScalarBytes, '\0');
  if (BN_bn2binpad(priv.get(), reinterpret_cast<unsigned char*>(out.data()), kScalarBytes) !=
      static_cast<int>(kScalarBytes))
    fail("P-256 private key");
  return out;
}

std::string public_bytes(const EVP_PKEY* key) {
  std::string out(kPointBytes, '\0');
  std::size_t len = 0;
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                       reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                       &len) ||
      len != kPointBytes || out[0] != 0x04)
    fail("P-256 public point");
  return out;
}

std::string derive(EVP_PKEY* own, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  std::size_t len = kScalarBytes;
  std::string out(len, '\0');
  // The peer was checked when it was imported (from_public).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0) <= 0 ||
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) <= 0 ||
      len != kScalarBytes)
    fail("ECDH");
  return out;
}

std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                        std::size_t length) {
  // A fetched algorithm is immutable and may be shared by threads; fetching costs a lookup.
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (!kdf) fail("HKDF");
  KdfCtx ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) fail("HKDF");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()),
                                        ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params) <=
      0)
    fail("HKDF");
  return out;
}

std::string sign_es256(EVP_PKEY* key, std::string_view data) {
  MdCtx md(EVP_MD_CTX_new());
  std::size_t der_len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) <= 0 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, bytes(data), data.size()) <= 0)
    fail("ES256 signature");
  std::string der(der_len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len, bytes(data),
                     data.size()) <= 0)
    fail("ES256 signature");
  const unsigned char* p = bytes(der);
  Sig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) fail("ES256 signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * kScalarBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, kScalarBytes) != kScalarBytes ||
      BN_bn2binpad(s, o + kScalarBytes, kScalarBytes) != kScalarBytes)
    fail("ES256 signature");
  return out;
}

bool verify_es256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  if (signature.size() != 2 * kScalarBytes) return false;
  Sig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(signature), kScalarBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(signature) + kScalarBytes, kScalarBytes, nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    fail("ES256 signature");
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) fail("ES256 signature");
  std::unique_ptr<unsigned char, OpenSslFree> owned(der);
  MdCtx md(EVP_MD_CTX_new());
  const bool ok = md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) > 0 &&
                  EVP_DigestVerify(md.get(), der, der_len, bytes(data), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace carelive::push::ec
