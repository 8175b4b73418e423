#include "http/static_files.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace carelive::http {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string mime_type(const std::string& ext) {
  static const std::unordered_map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

std::string short_hash(const std::string& content) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "\"" + std::string(hex) + "\"";
}

bool accepts_gzip(const Request& req) {
  auto it = req.find(bhttp::field::accept_encoding);
  return it != req.end() && it->value().find("gzip") != std::string_view::npos;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) {
    spdlog::warn("web app folder not found ({}); only the API is served", root);
    return;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    const auto& p = entry.path();
    if (p.extension() == ".gz") continue;
    std::string rel = "/" + fs::relative(p, root).generic_string();
    File f;
    f.content = read_file(p);
    if (fs::exists(p.string() + ".gz")) f.gzip = read_file(p.string() + ".gz");
    f.type = mime_type(p.extension().string());
    f.etag = short_hash(f.content);
    f.immutable = rel.rfind("/assets/", 0) == 0;
    files_.emplace(std::move(rel), std::move(f));
  }
  spdlog::info("serving {} web app files from {}", files_.size(), root);
}

std::optional<Response> StaticFiles::serve(const Request& req, std::string_view path) const {
  std::string key(path);
  auto it = files_.find(key);
  if (it == files_.end()) {
    // SPA fallback: app routes (/login, /account/name …) have no file extension.
    auto last = key.substr(key.rfind('/') + 1);
    if (last.find('.') != std::string::npos) return std::nullopt;
    it = files_.find("/index.html");
    if (it == files_.end()) return std::nullopt;
  }
  const File& f = it->second;
  Response res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, f.type);
  res.set(bhttp::field::etag, f.etag);
  res.set(bhttp::field::vary, "Accept-Encoding");
  res.set(bhttp::field::cache_control,
          f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (auto inm = req.find(bhttp::field::if_none_match);
      inm != req.end() && inm->value() == f.etag) {
    res.result(bhttp::status::not_modified);
    return res;
  }
  if (!f.gzip.empty() && accepts_gzip(req)) {
    res.set(bhttp::field::content_encoding, "gzip");
    res.body() = f.gzip;
  } else {
    res.body() = f.content;
  }
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) res.body().clear();
  return res;
}

}  // namespace carelive::http
