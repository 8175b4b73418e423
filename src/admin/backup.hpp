#pragma once

#include <string>

#include "config.hpp"

// `carelive admin backup` and `restore` (SPEC "Acceptance contract", docs/backup.md): the store
// and the server secret, which invite URLs and sealed messages derive from, travel together.
namespace carelive::admin {

// Writes FILE while the server runs and prints it. A PostgreSQL store's data is pg_dump's job:
// without `secret_only` the command refuses and says so; with it FILE holds the secret alone.
int backup(const Config& config, const std::string& to, bool secret_only);

// Puts FILE's store and secret in place of the current ones (the server stopped).
int restore(const Config& config, const std::string& from);

}  // namespace carelive::admin
