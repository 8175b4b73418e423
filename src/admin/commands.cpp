#include "admin/commands.hpp"

#include <sodium.h>

#include <iostream>

#include "app.hpp"
#include "core/error.hpp"
#include "core/phone.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

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

std::string read_password_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Commands::Commands(CLI::App& admin) {
  admin.require_subcommand(1);
  auto* account = admin.add_subcommand("account", "CareLive Pass accounts");
  account->require_subcommand(1);
  auto* add = account->add_subcommand("add", "create a confirmed account");
  add->add_option("--family-name", account_.family_name, "姓 (全角)")->required();
  add->add_option("--given-name", account_.given_name, "名 (全角)")->required();
  add->add_option("--family-name-kana", account_.family_name_kana, "姓(ふりがな)")->required();
  add->add_option("--given-name-kana", account_.given_name_kana, "名(ふりがな)")->required();
  add->add_option("--login-id", account_.login_id, "email or Japanese mobile number")->required();
  add->add_flag("--password-stdin", account_.password_stdin, "read the password from stdin");
  add->add_flag("--operator", account_.is_operator, "the account runs the service (operator)");
  add->callback([this] {
    selected_ = [this](const core::Config& config) {
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
      auto id = app.pass().create_confirmed_account(s, password);
      if (account_.is_operator)
        app.db().with([&](store::Connection& c) { pass::repo::set_operator(c, id, true); });
      std::cout << "account " << id << ": " << s.family_name << " " << s.given_name << " <"
                << s.login_id << ">" << (account_.is_operator ? " (operator)" : "") << "\n";
      if (generated) std::cout << "password: " << password << "\n";
      return 0;
    };
  });

  auto* audit = admin.add_subcommand("audit", "print the newest security events");
  audit->add_option("--limit", audit_limit_, "how many events")->check(CLI::Range(1, 10000));
  audit->callback([this] {
    selected_ = [this](const core::Config& config) {
      App app(config);
      auto rows = app.db().with([&](store::Connection& c) {
        return c.exec(
            "SELECT at, account_id, event, ip, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            {std::int64_t{audit_limit_}});
      });
      for (const auto& r : rows.rows) {
        std::cout << r.text(0) << "\t" << r.opt_text(1).value_or("-") << "\t" << r.text(2) << "\t"
                  << r.text(3) << "\t" << r.text(4) << "\n";
      }
      return 0;
    };
  });
}

int Commands::run(const core::Config& config) {
  if (!selected_) return 2;
  return selected_(config);
}

}  // namespace carelive::admin
