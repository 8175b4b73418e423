#pragma once

#include <filesystem>
#include <string>

// Files that hold the store, the server secret, messages with links and backups are for the
// service's own user only (OWASP: least privilege on data at rest): folders CareLive creates are
// 0700 and files 0600, whatever the umask. What exists already keeps its mode (an installer
// may have made the data folder 0750 for the service's group on purpose).
namespace carelive::core {

// Creates `dir` and its missing parents as 0700 folders; existing ones are left as they are.
void create_private_directories(const std::filesystem::path& dir);

// Creates an empty 0600 file at `path` unless something is there already.
void create_private_file(const std::filesystem::path& path);

}  // namespace carelive::core

namespace carelive::core {

// Flushes a file's data, or a folder's entries (after a rename), to the disk.
void sync_path(const std::filesystem::path& path);

// Writes `content` to `path` as a new 0600 file: a temp file beside it, flushed, then renamed
// over it, so `path` holds the old content or the new, never a part.
void replace_private_file(const std::filesystem::path& path, const std::string& content);

}  // namespace carelive::core
