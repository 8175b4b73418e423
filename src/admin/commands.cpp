#include "admin/commands.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "admin/backup.hpp"
#include "app.hpp"
#include "audit/audit.hpp"
#include "core/error.hpp"
#include "core/phone.hpp"
#include "core/privileges.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/settings.hpp"

namespace carelive::admin {

namespace {

// A password that meets the policy of SPEC 2, for accounts made without --password-stdin.
std::string generated_password() {
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  static constexpr std::string_view kDigits = "23456789";
  static constexpr std::string_view kSymbols = "@#$%&?!";
  auto pick = [](std::string_view from) { return from[randombytes_uniform(from.size())]; };
  std::string pw;
  for (int i = 0; i < 10; ++i) pw += pick(kLetters);
  pw += "Ab";
  pw += pick(kDigits);
  pw += pick(kDigits);
  pw += pick(kSymbols);
  return pw;
}

// The password rules (SPEC 2, pass/password_policy.hpp), for --help.
constexpr const char* kPasswordStdinHelp =
    "read the password from stdin: 8-64 characters, at least one each of A-Z, a-z, 0-9 and "
    "a symbol, the symbols are exactly @ # $ % & ? !, nothing else; not a dictionary word";

std::string read_password_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Commands::Commands(CLI::App& admin) {
  admin.require_subcommand(1);
  // The package's postinst runs this once as the service user; harmless to run again.
  auto* init = admin.add_subcommand(
      "init", "prepare the data folder: the store (migrations) and the secret, if missing");
  init->callback([this] {
    selected_ = [](const Config& config) {
      App app(config);
      const auto& newest = store::migrations().back();
      std::cout << "ready: " << (config.database.empty() ? config.data_dir : "PostgreSQL")
                << " (schema " << newest.name << ")\n";
      return 0;
    };
  });
  auto* account = admin.add_subcommand("account", "CareLive Pass accounts");
  account->require_subcommand(1);
  auto* add = account->add_subcommand("add", "create a confirmed account");
  add->add_option("--family-name", account_.family_name, "姓 (全角)")->required();
  add->add_option("--given-name", account_.given_name, "名 (全角)")->required();
  add->add_option("--family-name-kana", account_.family_name_kana, "姓(ふりがな)")->required();
  add->add_option("--given-name-kana", account_.given_name_kana, "名(ふりがな)")->required();
  add->add_option("--login-id", account_.login_id, "email or Japanese mobile number")->required();
  add->add_flag("--password-stdin", account_.password_stdin, kPasswordStdinHelp);
  add->add_flag("--operator", account_.is_operator, "the account runs the service (operator)");
  add->callback([this] {
    selected_ = [this](const Config& config) {
      App app(config);
      pass::NormalizedSignup s;
      core::FieldErrorSet errors;
      s.family_name = pass::check_name("family_name", account_.family_name, errors);
      s.given_name = pass::check_name("given_name", account_.given_name, errors);
      s.family_name_kana = pass::check_kana("family_name_kana", account_.family_name_kana, errors);
      s.given_name_kana = pass::check_kana("given_name_kana", account_.given_name_kana, errors);
      auto login = pass::normalize_login_id(account_.login_id);
      if (login.kind == pass::LoginId::Kind::unknown) errors.add("login_id", "email_invalid");
      errors.throw_if_any();
      s.contact_kind = login.kind == pass::LoginId::Kind::email ? "email" : "phone";
      s.login_id = login.value;
      const bool generated = !account_.password_stdin;
      std::string password = generated ? generated_password() : read_password_line();
      auto id = app.pass().create_confirmed_account(s, password, audit::Actor::command_line());
      if (account_.is_operator)
        app.db().with([&](store::Connection& c) {
          pass::repo::set_operator(c, id, true);
          app.pass().hold_to_staff_limits(c, id);
        });
      std::cout << "account " << id << ": " << s.family_name << " " << s.given_name << " <"
                << s.login_id << ">" << (account_.is_operator ? " (operator)" : "") << "\n";
      if (generated) std::cout << "password: " << password << "\n";
      return 0;
    };
  });

  add_live_commands(admin);
  add_backup_commands(admin);

  // The audit log and access records (SPEC 15): the newest first, tab-separated; or, with
  // --csv, every row the filters take as the console's CSV (UTF-8 with BOM).
  auto* audit = admin.add_subcommand("audit", "print the audit log and access records");
  audit->add_option("--limit", audit_limit_, "how many rows (not with --csv)")
      ->check(CLI::Range(1, 100000));
  audit->add_option("--since", audit_.since, "from this day (YYYY-MM-DD, Japan time)");
  audit->add_option("--until", audit_.until, "to this day, included (YYYY-MM-DD)");
  audit->add_option("--facility", audit_.facility, "only this facility's rows (its code)");
  audit->add_option("--resident", audit_.resident, "only rows about this resident (id)");
  audit->add_option("--person", audit_.person, "only rows of people whose name or id has this");
  audit->add_option("--event", audit_.event, "only this event (e.g. people_viewed), read, change");
  audit->add_flag("--csv", audit_.csv, "every matching row as CSV (UTF-8 with BOM)");
  audit->callback([this] {
    selected_ = [this](const Config& config) {
      App app(config);
      live::AccessFilter f;
      f.person = audit_.person;
      f.event = audit_.event;
      if (audit_.resident > 0) f.resident = audit_.resident;
      const auto day = [](const std::string& text, const char* option) {
        if (text.empty()) return std::optional<core::UnixSeconds>();
        auto start = live::jst_day_start(text);
        if (!start) throw std::runtime_error(std::string(option) + ": not a date (YYYY-MM-DD)");
        return start;
      };
      f.since = day(audit_.since, "--since");
      if (auto until = day(audit_.until, "--until")) f.until = *until + 24 * 3600;
      std::optional<std::int64_t> facility;
      if (!audit_.facility.empty()) {
        auto found = app.db().with(
            [&](store::Connection& c) { return live::repo::find_facility(c, audit_.facility); });
        if (!found) throw std::runtime_error("--facility: no facility " + audit_.facility);
        facility = found->id;
      }
      if (audit_.csv) {
        std::cout << app.access_records().csv_for_command_line(facility, f).body;
        return 0;
      }
      f.limit = audit_limit_;
      for (const auto& r : app.access_records().page_for_command_line(facility, f).rows) {
        const auto& e = r.entry;
        std::cout << e.at << "\t" << (e.account ? std::to_string(*e.account) : "-") << "\t"
                  << e.event << "\t" << e.address << "\t" << e.detail << "\n";
      }
      return 0;
    };
  });
}

namespace {
std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

// The acceptance contract's subcommands (SPEC "Acceptance contract").
void Commands::add_live_commands(CLI::App& admin) {
  auto names = [this](CLI::App* sub) {
    sub->add_option("--family-name", live_.family_name, "姓 (全角)")->required();
    sub->add_option("--given-name", live_.given_name, "名 (全角)")->required();
    sub->add_option("--family-name-kana", live_.family_name_kana, "姓(ふりがな)")->required();
    sub->add_option("--given-name-kana", live_.given_name_kana, "名(ふりがな)")->required();
  };
  auto name_input = [this] {
    return live::NameInput{live_.family_name, live_.given_name, live_.family_name_kana,
                           live_.given_name_kana};
  };

  auto* facility = admin.add_subcommand("facility", "facilities (事業所)");
  facility->require_subcommand(1);
  auto* facility_add = facility->add_subcommand("add", "add a facility");
  facility_add->add_option("--code", live_.code, "code, e.g. livetest01")->required();
  facility_add->add_option("--name", live_.name, "name, e.g. ふじ園")->required();
  facility_add->add_option("--kind", live_.kind, "service kind")->required();
  facility_add->callback([this] {
    selected_ = [this](const Config& config) {
      App app(config);
      auto f =
          app.live().add_facility(live_.code, live_.name, live_.kind, audit::Actor::command_line());
      std::cout << "facility " << f.code << ": " << f.name << " (" << f.kind << ")\n";
      return 0;
    };
  });

  auto* staff = admin.add_subcommand("staff", "facility staff (職員)");
  staff->require_subcommand(1);
  auto* staff_add =
      staff->add_subcommand("add", "add a staff member (the Pass account is made if needed)");
  staff_add->add_option("--facility", live_.facility, "facility code")->required();
  names(staff_add);
  staff_add->add_option("--login-id", live_.login_id, "email or Japanese mobile number")
      ->required();
  staff_add->add_flag("--admin", live_.is_admin, "facility admin (adds and removes staff)");
  staff_add->add_flag("--password-stdin", live_.password_stdin, kPasswordStdinHelp);
  staff_add->callback([this, name_input] {
    selected_ = [this, name_input](const Config& config) {
      App app(config);
      std::optional<std::string> password;
      if (live_.password_stdin) password = read_password_line();
      auto added = app.live().add_staff(live_.facility, name_input(), live_.login_id,
                                        live_.is_admin, password, audit::Actor::command_line());
      const int delivered = app.dispatcher().run_once();
      std::cout << "staff of " << live_.facility << ": account " << added.account_id << " <"
                << live_.login_id << ">" << (live_.is_admin ? " (facility admin)" : "")
                << (added.account_created ? ", new CareLive Pass account" : ", existing account")
                << "\n";
      if (added.set_password_link_sent) {
        // Without [smtp] (email) or [sms] (mobile number) the message only goes to the outbox
        // folder: say so, so that nobody waits for a message that is never sent.
        const bool email = live_.login_id.find('@') != std::string::npos;
        const bool transport = !(email ? config.smtp.url : config.sms.url).empty();
        if (!transport)
          std::cout << "a set-password link for " << live_.login_id << " was written to the outbox "
                    << config.outbox_dir() << "/ (no " << (email ? "[smtp]" : "[sms]")
                    << " configured: nothing was sent)\n";
        else if (delivered > 0)
          std::cout << "a set-password link was sent to " << live_.login_id << "\n";
        else
          std::cout << "a set-password link for " << live_.login_id
                    << " is queued for sending (the running server retries it)\n";
      }
      return 0;
    };
  });

  auto* resident = admin.add_subcommand("resident", "residents (利用者)");
  resident->require_subcommand(1);
  auto* resident_add = resident->add_subcommand("add", "add a resident; prints the resident id");
  resident_add->add_option("--facility", live_.facility, "facility code")->required();
  names(resident_add);
  resident_add->callback([this, name_input] {
    selected_ = [this, name_input](const Config& config) {
      App app(config);
      auto r = app.live().add_resident(live_.facility, name_input(), audit::Actor::command_line());
      std::cout << r.id << "\n";
      return 0;
    };
  });

  auto* invite = admin.add_subcommand("invite", "print a resident's application URL (QR code)");
  invite->add_option("--facility", live_.facility, "facility code")->required();
  invite->add_option("--resident", live_.resident_id, "resident id")->required();
  invite->callback([this] {
    selected_ = [this](const Config& config) {
      App app(config);
      std::cout << app.live().invite_url(live_.facility, live_.resident_id) << "\n";
      return 0;
    };
  });

  auto* announcement = admin.add_subcommand("announcement", "announcements (案内)");
  announcement->require_subcommand(1);
  auto* announcement_add = announcement->add_subcommand("add", "publish an announcement");
  announcement_add->add_option("--title", live_.title, "title")->required();
  announcement_add->add_option("--body-file", live_.body_file, "UTF-8 text file")->required();
  announcement_add->callback([this] {
    live_.text = read_text_file(live_.body_file);
    selected_ = [this](const Config& config) {
      App app(config);
      auto a = app.live().add_announcement(live_.title, live_.text, audit::Actor::command_line());
      std::cout << "announcement " << a.id << ": " << a.title << "\n";
      return 0;
    };
  });

  auto* terms = admin.add_subcommand("terms", "terms of service (利用規約)");
  terms->require_subcommand(1);
  auto* terms_publish = terms->add_subcommand("publish", "publish a new terms version");
  terms_publish->add_option("--file", live_.file, "UTF-8 text file")->required();
  terms_publish->callback([this] {
    live_.text = read_text_file(live_.file);
    selected_ = [this](const Config& config) {
      App app(config);
      auto t = app.live().publish_terms(live_.text, audit::Actor::command_line());
      std::cout << "terms version " << t.version << " published\n";
      return 0;
    };
  });
}

// SPEC "Acceptance contract" (backup).
void Commands::add_backup_commands(CLI::App& admin) {
  auto* backup_cmd =
      admin.add_subcommand("backup", "copy the store and the server secret into FILE (0600)");
  backup_cmd->add_option("--to", backup_.to, "the backup file to write")->required();
  backup_cmd->add_flag("--secret-only", backup_.secret_only,
                       "only the server secret (a PostgreSQL store's data goes through pg_dump)");
  backup_cmd->callback([this] {
    opens_store_ = false;
    selected_ = [this](const Config& config) {
      return backup(config, backup_.to, backup_.secret_only);
    };
  });
  auto* restore_cmd = admin.add_subcommand(
      "restore", "replace the store and the server secret with FILE's (the server stopped)");
  restore_cmd->add_option("--from", backup_.from, "a file made by `carelive admin backup`")
      ->required();
  restore_cmd->callback([this] {
    opens_store_ = false;
    selected_ = [this](const Config& config) { return restore(config, backup_.from); };
  });
}

int Commands::run(Config config, bool public_url_given) {
  if (!selected_) return 2;
  // Run by root on the service's data folder, act as its owner, so that every file made or
  // changed there stays the service user's (SPEC "Acceptance contract").
  if (auto user = core::become_owner_of(config.data_dir))
    spdlog::info("acting as {}, the owner of {}", *user, config.data_dir);
  // Links printed or sent by admin commands use the URL the server serves under.
  if (opens_store_ && !public_url_given) {
    auto db = store::open_database(config.database, config.data_dir, 1);
    auto url = db->with([](store::Connection& c) { return store::read_setting(c, "public_url"); });
    if (url) config.public_url = *url;
  }
  return selected_(config);
}

}  // namespace carelive::admin
