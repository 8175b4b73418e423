#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "core/config.hpp"

namespace carelive::admin {

// `carelive admin …`: each subcommand prints what it created.
class Commands {
 public:
  explicit Commands(CLI::App& admin);
  int run(const core::Config& config);

 private:
  struct AccountArgs {
    std::string family_name, given_name, family_name_kana, given_name_kana, login_id;
    bool password_stdin = false;
    bool is_operator = false;
  };
  AccountArgs account_;
  int audit_limit_ = 50;
  std::function<int(const core::Config&)> selected_;
};

}  // namespace carelive::admin
