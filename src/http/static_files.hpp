#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "http/context.hpp"

namespace carelive::http {

// The built web app, read into memory once at start-up. Files come with their precompressed
// `.gz` siblings (made by the build); hashed assets under /assets/ are cached for a year,
// everything else revalidates. Unknown paths without an extension get index.html (SPA).
class StaticFiles {
 public:
  explicit StaticFiles(const std::string& root);
  bool empty() const { return files_.empty(); }
  std::optional<Response> serve(const Request& req, std::string_view path) const;

 private:
  struct File {
    std::string content;
    std::string gzip;
    std::string type;
    std::string etag;
    bool immutable = false;
  };
  std::unordered_map<std::string, File> files_;
};

}  // namespace carelive::http
