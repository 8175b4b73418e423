#pragma once

// The fuzz targets' world (fuzz only, header-only): the services wired as the server wires them
// (an App on SQLite in a throwaway folder, a ManualClock) and a small facility in it, made once
// per process. Sessions have fixed tokens, so a seed request can carry the cookie of the person
// it acts as (the public URL is https, so the cookies carry the __Host- prefix):
//
//   __Host-carelive_session=fuzz-family    富士田 熊吉, family of resident 1 (terms agreed)
//   __Host-carelive_session=fuzz-staff     staff of facility 1
//   __Host-carelive_session=fuzz-admin     facility admin of facility 1
//   __Host-carelive_session=fuzz-operator  the operator
//   __Host-carelive_session=fuzz-other     staff of facility 2
//
// Ids are those of a fresh store: facilities 1 and 2, residents 1 and 2 (facility 1) and 3
// (facility 2), and a pending application (1) of an unlinked account for resident 2.

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.hpp"
#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "pass/repo.hpp"

namespace carelive::fuzz {

inline constexpr const char* kPassword = "Fujita#Kuma9";

struct Person {
  const char* token;
  std::int64_t account_id = 0;
};

class World {
 public:
  World() {
    spdlog::set_level(spdlog::level::err);  // a 500 is a finding: its log line helps
    std::string dir = (std::filesystem::temp_directory_path() / "carelive-fuzz-XXXXXX").string();
    if (!::mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    Config config;
    config.data_dir = dir;
    config.public_url = "https://live.test";
    config.db_pool = 2;
    app_ = std::make_unique<App>(config, clock_);
    build();
  }
  ~World() {
    app_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  App& app() { return *app_; }
  core::ManualClock& clock() { return *clock_; }
  const std::vector<Person>& people() const { return people_; }
  std::int64_t account(const std::string& token) const {
    for (const auto& p : people_)
      if (token == p.token) return p.account_id;
    return 0;
  }

  // Gives every person of the world a live session under its fixed token again (an input may
  // have logged out, revoked sessions or changed a password).
  void renew_sessions() {
    app_->db().with([&](store::Connection& c) {
      for (const auto& p : people_) {
        const auto hash = core::token_hash(p.token);
        auto s = pass::repo::find_session(c, hash);
        if (s && s->absolute_expires_at > clock_->now()) continue;
        if (s) pass::repo::delete_session(c, s->id);
        auth::Session fresh;
        fresh.account_id = p.account_id;
        fresh.created_at = fresh.last_seen_at = clock_->now();
        fresh.absolute_expires_at = clock_->now() + 365 * core::kDay;
        fresh.idle_timeout = 365 * core::kDay;
        fresh.ip = "192.0.2.10";
        pass::repo::insert_session(c, fresh, hash);
      }
    });
  }

 private:
  void build() {
    const auto cli = audit::Actor::command_line();
    auto& live = app_->live();
    live.add_facility("fuzz0001", "ふじ園", "老人保健施設（施設サービス版）", cli);
    live.add_facility("fuzz0002", "さくら苑", "特別養護老人ホーム", cli);
    const auto ichiko = live.add_resident("fuzz0001", {"駿河", "市子", "するが", "いちこ"}, cli).id;
    const auto akio = live.add_resident("fuzz0001", {"駿河", "秋男", "するが", "あきお"}, cli).id;
    live.add_resident("fuzz0002", {"伊豆", "花子", "いず", "はなこ"}, cli);
    live.publish_terms("第1条 本規約に同意の上で利用できます。", cli);
    const live::NameInput staff_names{"富士", "職員", "ふじ", "しょくいん"};
    const auto staff =
        live.add_staff("fuzz0001", staff_names, "staff@example.jp", false, kPassword, cli);
    const auto admin =
        live.add_staff("fuzz0001", staff_names, "admin@example.jp", true, kPassword, cli);
    const auto other =
        live.add_staff("fuzz0002", staff_names, "other@example.jp", true, kPassword, cli);
    const auto family = account("kuma@example.jp", "email");
    app_->family().link_for_testing(ichiko, family, "family");
    const auto terms = app_->family().terms(family).terms.version;
    app_->family().consent(family, terms, audit::Actor::account_at(family, ""));
    const auto op = account("+819012345678", "phone");
    app_->db().with([&](store::Connection& c) { pass::repo::set_operator(c, op, true); });
    // A pending application for the staff console: an unlinked account applies by invite.
    const auto applicant = account("tama@example.jp", "email");
    const auto url = live.invite_url("fuzz0001", akio);
    live.apply(url.substr(url.find("token=") + 6), applicant, "family",
               audit::Actor::account_at(applicant, ""));
    people_ = {{"fuzz-family", family},
               {"fuzz-staff", staff.account_id},
               {"fuzz-admin", admin.account_id},
               {"fuzz-operator", op},
               {"fuzz-other", other.account_id}};
    renew_sessions();
  }
  std::int64_t account(const std::string& login_id, const std::string& kind) {
    return app_->pass().create_confirmed_account({"富士田", "熊吉", "ふじた", "くまきち", kind,
                                                  login_id, kind == "phone" ? "090-1234-5678" : ""},
                                                 std::string(kPassword),
                                                 audit::Actor::command_line());
  }

  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
  std::string dir_;
  std::unique_ptr<App> app_;
  std::vector<Person> people_;
};

}  // namespace carelive::fuzz
