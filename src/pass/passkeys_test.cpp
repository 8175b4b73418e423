#include "pass/passkeys.hpp"

#include <cbor.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/error_testing.hpp"
#include "pass/service.hpp"
#include "push/base64url.hpp"
#include "testing/world.hpp"

// Passkeys (SPEC 15) through PassService, as the routes use them, on both stores. The browser's
// side is a software authenticator below: a P-256 key (OpenSSL), the authenticator data and
// attestation object framed as WebAuthn §6.1 and §6.5 say (libcbor), signatures by OpenSSL.
// webauthn_test.cpp checks the verification against data a real (virtual) authenticator made.

namespace carelive::pass {
namespace {

using auth::SessionStage;
using core::testing::code_of;
using nlohmann::json;
using testing::kPassword;

constexpr const char* kStaff = "staff@example.jp";
constexpr const char* kFamily = "kuma@example.jp";
constexpr const char* kOrigin = "https://live.test";  // testing::World's public URL
const RequestMeta kMeta{"192.0.2.10", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"};

std::string sha256(std::string_view s) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return out;
}

std::string be(std::uint64_t v, int bytes) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

std::string cbor_bytes(cbor_item_t* item) {
  unsigned char* buf = nullptr;
  std::size_t size = 0;
  const auto length = cbor_serialize_alloc(item, &buf, &size);
  std::string out(reinterpret_cast<char*>(buf), length);
  std::free(buf);
  cbor_decref(&item);
  return out;
}

void add(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  cbor_map_add(map, {cbor_move(key), cbor_move(value)});
}

cbor_item_t* bytes_item(const std::string& s) {
  return cbor_build_bytestring(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// A platform authenticator holding one ES256 passkey for relying party "live.test".
class SoftAuthenticator {
 public:
  SoftAuthenticator() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free) {
    id_.resize(16);
    randombytes_buf(id_.data(), id_.size());
  }

  std::uint32_t count = 0;
  std::uint8_t flags = 0x05;  // UP | UV

  // navigator.credentials.create's answer to `options` (PublicKeyCredentialCreationOptions).
  json create(const json& options) {
    const auto client_data = client_data_of("webauthn.create", options["challenge"]);
    auto* cose = cbor_new_definite_map(5);
    add(cose, cbor_build_uint8(1), cbor_build_uint8(2));    // kty: EC2
    add(cose, cbor_build_uint8(3), cbor_build_negint8(6));  // alg: -7 (ES256)
    add(cose, cbor_build_negint8(0), cbor_build_uint8(1));  // crv: P-256
    add(cose, cbor_build_negint8(1), bytes_item(coordinate(OSSL_PKEY_PARAM_EC_PUB_X)));
    add(cose, cbor_build_negint8(2), bytes_item(coordinate(OSSL_PKEY_PARAM_EC_PUB_Y)));
    const auto auth_data = sha256(options["rp"]["id"].get<std::string>()) +
                           static_cast<char>(flags | 0x40) + be(count, 4) + std::string(16, '\0') +
                           be(id_.size(), 2) + id_ + cbor_bytes(cose);
    auto* object = cbor_new_definite_map(3);
    add(object, cbor_build_string("fmt"), cbor_build_string("none"));
    add(object, cbor_build_string("attStmt"), cbor_new_definite_map(0));
    add(object, cbor_build_string("authData"), bytes_item(auth_data));
    return {{"id", push::base64url_encode(id_)},
            {"client_data_json", push::base64url_encode(client_data)},
            {"attestation_object", push::base64url_encode(cbor_bytes(object))}};
  }

  // navigator.credentials.get's answer to `options` (PublicKeyCredentialRequestOptions).
  json get(const json& options, const std::string& origin = kOrigin) {
    ++count;
    const auto client_data = client_data_of("webauthn.get", options["challenge"], origin);
    const auto auth_data =
        sha256(options["rpId"].get<std::string>()) + static_cast<char>(flags) + be(count, 4);
    return {{"id", push::base64url_encode(id_)},
            {"client_data_json", push::base64url_encode(client_data)},
            {"authenticator_data", push::base64url_encode(auth_data)},
            {"signature", push::base64url_encode(sign(auth_data + sha256(client_data)))}};
  }

 private:
  static std::string client_data_of(const char* type, const json& challenge,
                                    const std::string& origin = kOrigin) {
    return json{
        {"type", type}, {"challenge", challenge}, {"origin", origin}, {"crossOrigin", false}}
        .dump();
  }

  std::string coordinate(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), name, &bn);
    std::string out(32, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(bn);
    return out;
  }

  std::string sign(const std::string& message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
    std::size_t length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(message.data());
    EVP_DigestSign(ctx.get(), nullptr, &length, in, message.size());
    std::string sig(length, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &length, in,
                   message.size());
    sig.resize(length);
    return sig;
  }

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
  std::string id_;
};

class PasskeysTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.security.staff_mfa_required = true;
  }

  Principal who(const LoginResult& r) { return pass().authenticate(r.session_token).value(); }
  LoginResult password(const std::string& login_id) {
    return pass().login(login_id, kPassword, kMeta);
  }

  // `login_id` signed in, with the passkey of `device` registered.
  Principal registered(const std::string& login_id, SoftAuthenticator& device) {
    const auto p = who(password(login_id));
    const auto added =
        pass().add_passkey(p, device.create(pass().passkey_registration_options(p)), kMeta);
    return added.signed_in ? who(*added.signed_in) : p;
  }
};

TEST_P(PasskeysTest, StaffRegisterAPasskeyAtTheSetUpAndSignInWithItAlone) {
  add_facility("fuji", "ふじ園");
  add_staff(kStaff, "fuji");
  const auto waiting = who(password(kStaff));
  ASSERT_EQ(waiting.session.stage, SessionStage::setup);
  const auto options = pass().passkey_registration_options(waiting);
  EXPECT_EQ(options["rp"]["id"], "live.test");
  EXPECT_EQ(options["attestation"], "none");
  EXPECT_EQ(options["authenticatorSelection"]["userVerification"], "required");
  EXPECT_EQ(options["user"]["name"], kStaff);
  EXPECT_EQ(options["user"]["id"].get<std::string>().find("staff"), std::string::npos)
      << "the user handle is opaque";

  SoftAuthenticator phone;
  const auto added = pass().add_passkey(waiting, phone.create(options), kMeta);
  EXPECT_EQ(added.recovery_codes.size(), 10u) << "the first second factor comes with codes";
  ASSERT_TRUE(added.signed_in.has_value());
  EXPECT_EQ(added.signed_in->stage, SessionStage::full);
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】パスキーを登録しました");
  const auto state = pass().second_factor_state(who(*added.signed_in));
  ASSERT_EQ(state.passkeys.size(), 1u);
  EXPECT_EQ(state.passkeys[0].user_agent, kMeta.user_agent);

  // The passkey alone signs in (it verified the person); the password then asks for it.
  const auto signed_in =
      pass().sign_in_with_passkey(phone.get(pass().passkey_sign_in_options()), kMeta);
  EXPECT_EQ(signed_in.stage, SessionStage::full);
  EXPECT_EQ(signed_in.account.email.value_or(""), kStaff);
  const auto next = who(password(kStaff));
  EXPECT_EQ(next.session.stage, SessionStage::second_factor);
  const auto step = pass().second_step_with_passkey(
      next, phone.get(pass().second_step_passkey_options(next)), kMeta);
  EXPECT_EQ(step.stage, SessionStage::full);
  EXPECT_EQ(count("SELECT sign_count FROM passkeys"), phone.count);
}

TEST_P(PasskeysTest, EachChallengeIsAnsweredOnceForItsPurposeWithinMinutes) {
  add_account(kFamily);
  SoftAuthenticator phone;
  registered(kFamily, phone);
  // The same answer twice: the second is a replay.
  const auto answer = phone.get(pass().passkey_sign_in_options());
  pass().sign_in_with_passkey(answer, kMeta);
  EXPECT_EQ(code_of([&] { pass().sign_in_with_passkey(answer, kMeta); }), "passkey_refused");
  // A second step's challenge does not sign in from the login page.
  const auto waiting = who(password(kFamily));
  const auto for_step = phone.get(pass().second_step_passkey_options(waiting));
  EXPECT_EQ(code_of([&] { pass().sign_in_with_passkey(for_step, kMeta); }), "passkey_refused");
  // Five minutes pass: the challenge has expired.
  const auto late = phone.get(pass().passkey_sign_in_options());
  clock_.advance(Passkeys::kChallengeSeconds + 1);
  EXPECT_EQ(code_of([&] { pass().sign_in_with_passkey(late, kMeta); }), "passkey_refused");
  // Another origin (a look-alike site relaying the challenge).
  const auto phished = phone.get(pass().passkey_sign_in_options(), "https://live.test.example");
  EXPECT_EQ(code_of([&] { pass().sign_in_with_passkey(phished, kMeta); }), "passkey_refused");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'login_failed' AND detail LIKE "
                  "'%wrong_challenge%'"),
            3)
      << "the replay, the second step's challenge, the expired one";
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE event = 'login_failed' AND detail LIKE "
                  "'%wrong_origin%'"),
            1);
}

TEST_P(PasskeysTest, ACountThatWentBackOrAnotherAccountsPasskeyIsRefused) {
  add_account(kFamily);
  add_account("other@example.jp");
  SoftAuthenticator phone, clone, other;
  registered(kFamily, phone);
  registered("other@example.jp", other);
  pass().sign_in_with_passkey(phone.get(pass().passkey_sign_in_options()), kMeta);
  // A cloned authenticator whose counter is behind.
  phone.count -= 2;
  EXPECT_EQ(code_of([&] {
              pass().sign_in_with_passkey(phone.get(pass().passkey_sign_in_options()), kMeta);
            }),
            "passkey_refused");
  // After kuma's password, the other person's passkey is no second step for kuma.
  const auto waiting = who(password(kFamily));
  const auto options = pass().second_step_passkey_options(waiting);
  EXPECT_EQ(code_of([&] { pass().second_step_with_passkey(waiting, other.get(options), kMeta); }),
            "passkey_refused");
  // A passkey nobody registered.
  EXPECT_EQ(code_of([&] {
              pass().sign_in_with_passkey(clone.get(pass().passkey_sign_in_options()), kMeta);
            }),
            "passkey_refused");
  // Without user verification (a key touched, no PIN), no sign-in without the password.
  other.flags = 0x01;
  EXPECT_EQ(code_of([&] {
              pass().sign_in_with_passkey(other.get(pass().passkey_sign_in_options()), kMeta);
            }),
            "passkey_refused");
}

TEST_P(PasskeysTest, RemovingPasskeysNeedsThePasswordAndTheLastOneFollowsThePolicy) {
  add_facility("fuji", "ふじ園");
  add_staff(kStaff, "fuji");
  SoftAuthenticator phone, key;
  const auto p = registered(kStaff, phone);
  pass().add_passkey(p, key.create(pass().passkey_registration_options(p)), kMeta);
  auto state = pass().second_factor_state(p);
  ASSERT_EQ(state.passkeys.size(), 2u);
  EXPECT_EQ(code_of([&] {
              pass().add_passkey(p, key.create(pass().passkey_registration_options(p)), kMeta);
            }),
            "passkey_exists");
  EXPECT_EQ(code_of([&] { pass().remove_passkey(p, state.passkeys[1].id, "wrong", kMeta); }),
            "validation_failed");
  pass().remove_passkey(p, state.passkeys[1].id, kPassword, kMeta);
  EXPECT_EQ(messages(kStaff).back().subject, "【CareLive Pass】パスキーを削除しました");
  EXPECT_EQ(code_of([&] {
              pass().sign_in_with_passkey(key.get(pass().passkey_sign_in_options()), kMeta);
            }),
            "passkey_refused");
  // Staff keep their last second factor; a family member's last passkey turns it off.
  EXPECT_EQ(code_of([&] { pass().remove_passkey(p, state.passkeys[0].id, kPassword, kMeta); }),
            "second_factor_required");
  add_account(kFamily);
  const auto f = registered(kFamily, key);
  const auto mine = pass().second_factor_state(f).passkeys.at(0).id;
  EXPECT_EQ(code_of([&] { pass().remove_passkey(f, state.passkeys[0].id, kPassword, kMeta); }),
            "not_found")
      << "someone else's passkey";
  pass().remove_passkey(f, mine, kPassword, kMeta);
  EXPECT_EQ(messages(kFamily).back().subject, "【CareLive Pass】2段階認証をオフにしました");
  EXPECT_EQ(password(kFamily).stage, SessionStage::full);
  EXPECT_EQ(pass().second_factor_state(f).factors.recovery_codes_left, 0);
}

CARELIVE_BACKENDS(PasskeysTest);

}  // namespace
}  // namespace carelive::pass
