#include "store/database.hpp"

#include <chrono>

#include <filesystem>

#include "core/files.hpp"
#include "store/migrations.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"

namespace carelive::store {

const std::string& Row::text(std::size_t i) const {
  const auto& c = cols_.at(i);
  if (!c) throw DbError(DbError::Kind::other, "unexpected NULL in column " + std::to_string(i));
  return *c;
}

std::int64_t Row::integer(std::size_t i) const { return std::stoll(text(i)); }

std::optional<std::int64_t> Row::opt_integer(std::size_t i) const {
  const auto& c = cols_.at(i);
  if (!c) return std::nullopt;
  return std::stoll(*c);
}

namespace {
constexpr std::int64_t kUnavailableShownSeconds = 10;
std::int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Database::note_unavailable() { unavailable_at_ = steady_seconds(); }

bool Database::recently_unavailable() const {
  const auto at = unavailable_at_.load();
  return at != 0 && steady_seconds() - at < kUnavailableShownSeconds;
}

std::optional<std::string> sqlite_path(const std::string& url, const std::string& data_dir) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) return std::nullopt;
  if (!url.empty() && url.rfind("sqlite:", 0) != 0)
    throw std::invalid_argument("database URL must start with postgresql:// or sqlite:");
  std::string path = url.empty() ? "" : url.substr(7);
  if (path.empty()) path = (std::filesystem::path(data_dir) / "carelive.db").string();
  return path;
}

std::unique_ptr<Database> open_database(const std::string& url, const std::string& data_dir,
                                        int pool_size) {
  std::unique_ptr<Database> db;
  if (auto path = sqlite_path(url, data_dir)) {
    if (url.empty() || url == "sqlite:") core::create_private_directories(data_dir);
    db = std::make_unique<SqliteDatabase>(*path, pool_size);
  } else {
    db = std::make_unique<PostgresDatabase>(url, pool_size);
  }
  migrate(*db);
  return db;
}

}  // namespace carelive::store
