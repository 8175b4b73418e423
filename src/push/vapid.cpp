#include "push/vapid.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "push/base64url.hpp"
#include "push/ec.hpp"
#include "push/url.hpp"

namespace carelive::push {
VapidKey::VapidKey(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key)), public_(ec::public_bytes(key_.get())) {}

VapidKey VapidKey::generate() { return VapidKey(std::shared_ptr<EVP_PKEY>(ec::generate())); }

VapidKey VapidKey::from_private(std::string_view raw32) {
  return VapidKey(std::shared_ptr<EVP_PKEY>(ec::from_private(raw32)));
}

std::string VapidKey::private_bytes() const { return ec::private_bytes(key_.get()); }

std::string VapidKey::public_base64url() const { return base64url_encode(public_); }

std::string VapidKey::sign(std::string_view data) const { return ec::sign_es256(key_.get(), data); }

std::string vapid_jwt(const VapidKey& key, std::string_view audience, std::string_view subject,
                      std::int64_t expires_unix, std::int64_t now_unix) {
  if (expires_unix <= now_unix) throw std::invalid_argument("VAPID exp must be in the future");
  if (expires_unix - now_unix > kMaxTokenLifetimeSeconds)
    throw std::invalid_argument("VAPID exp must be at most 24 hours ahead (RFC 8292 §2)");
  if (endpoint_origin(audience) != std::string(audience))
    throw std::invalid_argument("VAPID aud must be the push service's origin");
  if (subject.rfind("mailto:", 0) != 0 && subject.rfind("https://", 0) != 0)
    throw std::invalid_argument("VAPID sub must be a mailto: or https: URI");
  // Fixed key order, so the header is the same bytes every time.
  static const std::string kHeader = base64url_encode(R"({"typ":"JWT","alg":"ES256"})");
  const nlohmann::json claims = {{"aud", audience}, {"exp", expires_unix}, {"sub", subject}};
  const std::string signing_input = kHeader + "." + base64url_encode(claims.dump());
  return signing_input + "." + base64url_encode(key.sign(signing_input));
}

std::string vapid_authorization(const VapidKey& key, std::string_view jwt) {
  return "vapid t=" + std::string(jwt) + ", k=" + key.public_base64url();
}

std::optional<std::string> endpoint_origin(std::string_view endpoint) {
  const auto url = url::parse(endpoint);
  if (!url || (url->scheme != "https" && url->scheme != "http")) return std::nullopt;
  std::string origin = url->scheme + "://" + url->host;
  // An explicit default port is no part of the origin (RFC 6454 §6.2).
  if (url->port && *url->port != (url->scheme == "https" ? "443" : "80"))
    origin += ":" + *url->port;
  return origin;
}

std::optional<VapidClaims> verify_vapid_jwt(std::string_view jwt, std::string_view public_key) {
  const std::size_t dot1 = jwt.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos)
    return std::nullopt;
  const auto header = base64url_decode(jwt.substr(0, dot1));
  const auto claims = base64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(jwt.substr(dot2 + 1));
  if (!header || !claims || !signature) return std::nullopt;
  try {
    ec::Pkey key = ec::from_public(public_key);
    if (!ec::verify_es256(key.get(), jwt.substr(0, dot2), *signature)) return std::nullopt;
    const auto h = nlohmann::json::parse(*header);
    if (h.value("alg", "") != "ES256") return std::nullopt;
    const auto c = nlohmann::json::parse(*claims);
    return VapidClaims{c.at("aud").get<std::string>(), c.value("sub", ""),
                       c.at("exp").get<std::int64_t>()};
  } catch (const std::invalid_argument&) {  // not a P-256 point
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {  // not the JSON of a token
    return std::nullopt;
  }
}

}  // namespace carelive::push
