// carelive: the CareLive server and its admin command line.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "admin/commands.hpp"
#include "app.hpp"
#include "config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace carelive;
  // Whatever this process creates (data folder, store, secret, outbox, backups) is for its own
  // user only; the code asks for 0700/0600 too (core/files.hpp), this covers every other path.
  ::umask(077);
  CLI::App cli{"CareLive — family portal for nursing-care facilities"};
  cli.set_version_flag("--version", "carelive " CARELIVE_VERSION);
  cli.require_subcommand(1);
  Config config;
  std::string config_file;

  auto add_store_options = [&](CLI::App* sub) {
    sub->add_option("--config", config_file, "TOML configuration file");
    sub->add_option("--data", config.data_dir, "data folder (SQLite store, outbox)");
    sub->add_option("--database", config.database, "postgresql://… (default: SQLite in --data)");
  };

  auto* serve_cmd = cli.add_subcommand("serve", "serve the web app and API");
  add_store_options(serve_cmd);
  serve_cmd->add_option("--listen", config.listen, "HOST:PORT to listen on");
  serve_cmd->add_option("--public-url", config.public_url,
                        "URL users open (for links in messages)");
  serve_cmd->add_option("--web", config.web_dir, "folder of the built web app");
  serve_cmd->add_option("--workers", config.worker_threads, "worker threads for blocking work");
  serve_cmd->add_flag("--log-json", config.log_json, "log JSON lines");
  serve_cmd->add_option("--metrics-listen", config.metrics_listen,
                        "HOST:PORT serving GET /metrics (Prometheus)");

  auto* admin_cmd = cli.add_subcommand("admin", "administer the store");
  add_store_options(admin_cmd);
  admin_cmd->add_option("--public-url", config.public_url,
                        "URL for links (default: the one `carelive serve` last ran with)");
  admin::Commands admin_commands(*admin_cmd);

  // Flags win over the file: parse once to find --config, load it, then parse again.
  try {
    cli.parse(argc, argv);
    if (!config_file.empty()) {
      Config from_file;
      load_config_file(config_file, from_file);
      config = from_file;
      cli.parse(argc, argv);
    }
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "carelive: " << e.what() << "\n";
    return 2;
  }
  // Logs go to stderr: stdout carries what admin commands print (ids, URLs) for scripts.
  spdlog::set_default_logger(spdlog::stderr_color_mt("carelive"));
  const bool public_url_given = !config.public_url.empty();
  finish_config(config);
  if (config.log_json) spdlog::set_formatter(core::json_log_formatter());

  try {
    if (*serve_cmd) return serve(config);
    return admin_commands.run(config, public_url_given);
  } catch (const core::Error& e) {
    std::cerr << "carelive: " << core::default_message(e.code()) << " (" << e.code() << ")\n";
    for (const auto& [field, codes] : e.fields())
      for (const auto& code : codes) std::cerr << "  " << field << ": " << code << "\n";
    if (e.fields().count("password"))
      std::cerr << "  (a password has 8-64 characters, at least one each of A-Z, a-z, 0-9 and a "
                   "symbol; the symbols are exactly @ # $ % & ? !; nothing else)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "carelive: " << e.what() << "\n";
    return 1;
  }
}
