#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "config.hpp"

namespace carelive::admin {

// `carelive admin …`: each subcommand prints what it created.
class Commands {
 public:
  explicit Commands(CLI::App& admin);
  int run(Config config, bool public_url_given);

 private:
  struct AccountArgs {
    std::string family_name, given_name, family_name_kana, given_name_kana, login_id;
    bool password_stdin = false;
    bool is_operator = false;
  };
  AccountArgs account_;
  struct LiveArgs {
    std::string facility, code, name, kind;
    std::string family_name, given_name, family_name_kana, given_name_kana, login_id;
    bool is_admin = false;
    bool password_stdin = false;
    std::int64_t resident_id = 0;
    std::string title, body_file, file;
    std::string text;  // the file's content, read before the command acts as another user
  };
  LiveArgs live_;
  void add_live_commands(CLI::App& admin);
  void add_backup_commands(CLI::App& admin);
  struct BackupArgs {
    std::string to, from;
    bool secret_only = false;
  };
  BackupArgs backup_;
  bool opens_store_ = true;  // backup and restore handle the store's files themselves
  int audit_limit_ = 50;
  struct {
    std::string since, until, facility, person, event;
    std::int64_t resident = 0;
    bool csv = false;
  } audit_;
  std::function<int(const Config&)> selected_;
};

}  // namespace carelive::admin
