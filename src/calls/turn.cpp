#include "calls/turn.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace carelive::calls {

namespace {
std::string base64(const unsigned char* data, int size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
  out.resize(n);
  return out;
}

bool is_turn(const std::string& url) {
  return url.rfind("turn:", 0) == 0 || url.rfind("turns:", 0) == 0;
}
}  // namespace

TurnCredential turn_credential(const std::string& secret, const std::string& user_id,
                               core::UnixSeconds now, std::int64_t ttl) {
  if (secret.empty()) throw std::invalid_argument("TURN secret is empty");
  TurnCredential c;
  c.expires_at = now + ttl;
  c.username = std::to_string(c.expires_at) + ":" + user_id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(c.username.data()), c.username.size(), mac,
            &mac_size))
    throw std::runtime_error("HMAC-SHA1 failed");
  c.credential = base64(mac, static_cast<int>(mac_size));
  return c;
}

std::vector<IceServer> ice_servers(const TurnSettings& turn, std::int64_t account_id,
                                   core::UnixSeconds now) {
  IceServer stun, relay;
  for (const auto& url : turn.urls) (is_turn(url) ? relay : stun).urls.push_back(url);
  std::vector<IceServer> out;
  if (!stun.urls.empty()) out.push_back(stun);
  if (!relay.urls.empty() && !turn.secret.empty()) {
    auto c = turn_credential(turn.secret, "account-" + std::to_string(account_id), now, turn.ttl);
    relay.username = c.username;
    relay.credential = c.credential;
    out.push_back(relay);
  }
  return out;
}

}  // namespace carelive::calls
