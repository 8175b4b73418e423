// Seeds the world of the call benchmark (bench/calls.sh) into a fresh data folder, through the
// project's own services and repositories, and writes a session token for every account:
//
//   calls_seed --data DIR --residents R [--families 4] [--per-facility 100] --tokens FILE
//
// R residents in facilities of `per-facility` residents, one staff account per facility, and
// `families` family accounts linked to each resident (relationship 子) that agreed to the newest
// terms. Nobody logs in: 20,000 Argon2id logins would take the machine for many minutes and
// measure nothing the benchmark is about. Accounts share one Argon2id hash of a random secret
// (no password opens them), and each gets a session inserted the way PassService makes one at
// login (a random token, its hash stored, the staff or family lifetime). The token file has one
// line per account:
//
//   staff <facility_id> <account_id> <token>
//   family <resident_id> <facility_id> <account_id> <token>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app.hpp"
#include "audit/actor.hpp"
#include "core/crypto.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"

namespace {

using namespace carelive;

struct Made {
  std::int64_t account_id = 0;
  std::string token;
};

// An account with a session, as PassService::create_confirmed_account and create_session make
// them, inside the caller's transaction.
Made account_with_session(store::Connection& c, const Config& config, const std::string& email,
                          const std::string& family, const std::string& given,
                          const std::string& hash, bool staff, core::UnixSeconds now) {
  pass::Account a;
  a.family_name = family;
  a.given_name = given;
  a.family_name_kana = "べんち";
  a.given_name_kana = "たろう";
  a.email = email;
  a.password_hash = hash;
  a.id = pass::repo::insert_account(c, a, now);
  pass::repo::add_password_history(c, a.id, hash, now);
  pass::Session s;
  s.account_id = a.id;
  s.created_at = now;
  s.last_seen_at = now;
  s.absolute_expires_at =
      now + (staff ? config.sessions.staff_absolute : config.sessions.family_absolute);
  s.idle_timeout = staff ? config.sessions.staff_idle : config.sessions.family_idle;
  s.user_agent = "carelive bench";
  s.ip = "127.0.0.1";
  Made m{a.id, core::random_token()};
  pass::repo::insert_session(c, s, core::token_hash(m.token));
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, tokens_path;
  int residents = 0, families = 4, per_facility = 100;
  CLI::App cli{"Seeds the call benchmark's world and writes session tokens"};
  cli.add_option("--data", data, "data folder (SQLite), made if missing")->required();
  cli.add_option("--residents", residents, "residents")->required()->check(CLI::PositiveNumber);
  cli.add_option("--families", families, "family accounts per resident")
      ->check(CLI::PositiveNumber);
  cli.add_option("--per-facility", per_facility, "residents per facility")
      ->check(CLI::PositiveNumber);
  cli.add_option("--tokens", tokens_path, "output: one line per account")->required();
  CLI11_PARSE(cli, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  Config config;
  config.data_dir = data;
  config.db_pool = 1;
  App app(config);
  const auto now = app.clock().now();
  std::ofstream out(tokens_path);
  if (!out) {
    std::cerr << "cannot write " << tokens_path << "\n";
    return 1;
  }

  // The one hash every account shares: Argon2id with the server's parameters, of a secret
  // thrown away at once.
  const std::string hash = core::PasswordHasher(config.argon2).hash(core::random_token());
  const auto terms =
      app.live().publish_terms("ベンチマーク用の利用規約\n", audit::Actor::command_line());

  // Facilities, residents, staff and family accounts with their sessions: one transaction
  // through the repositories (one commit instead of tens of thousands).
  struct Family {
    std::int64_t resident_id, facility_id;
    Made made;
  };
  std::vector<Family> made_families;
  std::vector<std::int64_t> made_staff;
  const int facility_count = (residents + per_facility - 1) / per_facility;
  app.db().transaction([&](store::Connection& c) {
    int resident_no = 0;
    for (int f = 1; f <= facility_count; ++f) {
      live::Facility facility;
      char code[32];
      std::snprintf(code, sizeof code, "bench%05d", f);
      facility.code = code;
      facility.name = "ベンチ園" + std::to_string(f);
      facility.kind = "老人保健施設";
      facility.id = live::repo::insert_facility(c, facility, now);
      auto staff =
          account_with_session(c, config, "staff" + std::to_string(f) + "@bench.example.jp", "職員",
                               "太郎", hash, true, now);
      live::repo::insert_staff(c, {0, facility.id, staff.account_id, true}, "", now);
      made_staff.push_back(staff.account_id);
      out << "staff " << facility.id << " " << staff.account_id << " " << staff.token << "\n";
      for (int i = 0; i < per_facility && resident_no < residents; ++i, ++resident_no) {
        live::Resident r;
        r.facility_id = facility.id;
        r.family_name = "利用";
        r.given_name = "者" + std::to_string(resident_no + 1);
        r.family_name_kana = "りよう";
        r.given_name_kana = "しゃ";
        r.id = live::repo::insert_resident(c, r, now);
        for (int k = 1; k <= families; ++k) {
          auto m = account_with_session(
              c, config,
              "family" + std::to_string(r.id) + "-" + std::to_string(k) + "@bench.example.jp",
              "家族", "花子", hash, false, now);
          made_families.push_back({r.id, facility.id, std::move(m)});
        }
      }
    }
  });

  // Links, consent and relationship through FamilyService: the rules (newest terms only, a
  // relationship from the list) hold as for a real family member. One transaction each.
  for (auto id : made_staff)
    app.family().consent(id, terms.version, audit::Actor::account_at(id, ""));
  for (const auto& f : made_families) {
    app.family().link_for_testing(f.resident_id, f.made.account_id, "family");
    app.family().consent(f.made.account_id, terms.version,
                         audit::Actor::account_at(f.made.account_id, ""));
    app.family().set_relationship(f.made.account_id, f.resident_id, {"子", "", ""},
                                  audit::Actor::account_at(f.made.account_id, ""));
    out << "family " << f.resident_id << " " << f.facility_id << " " << f.made.account_id << " "
        << f.made.token << "\n";
  }
  out.close();
  if (!out) {
    std::cerr << "writing " << tokens_path << " failed\n";
    return 1;
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "seeded " << facility_count << " facilities, " << residents << " residents, "
            << made_families.size() << " family accounts + " << facility_count
            << " staff accounts with sessions in " << seconds << " s\n";
  return 0;
}
