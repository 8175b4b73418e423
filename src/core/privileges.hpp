#pragma once

#include <filesystem>
#include <optional>
#include <string>

// `carelive admin` run by root on the service's data folder keeps every file there the service
// user's (SPEC "Acceptance contract"): it becomes the folder's owner before it touches the store,
// so SQLite's -wal and -shm, secret.key, outbox files and backups are made by that user.
namespace carelive::core {

// When this process runs as root and `dir` exists owned by another user, switches for good to that
// user and the folder's group (no other groups); returns the user's name. Otherwise changes
// nothing and returns nothing. Throws, naming the user to run as, when the switch fails.
std::optional<std::string> become_owner_of(const std::filesystem::path& dir);

// The name of the user this process acts as (its number when it has no name).
std::string current_user_name();

}  // namespace carelive::core
