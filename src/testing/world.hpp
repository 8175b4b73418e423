#pragma once

// Tests only (header-only): the services wired exactly as the server wires them — an App on a
// test store (SQLite or PostgreSQL, from BackendTest) with a ManualClock — and what tests of
// every domain ask of it: counting rows, the messages written, the audit events.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.hpp"
#include "audit/actor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "pass/repo.hpp"
#include "store/test_support.hpp"
#include "testing/password.hpp"

namespace carelive::testing {

struct StoredMessage {
  std::string channel, recipient, subject, body;
};

// Base fixture of value-parameterized tests (GetParam() is the backend). The App is built on
// first use, so a test may change `config_` before; restart() is a server restart on the same
// data. Time moves only through `clock_`; messages stay in the `messages` table (the dispatcher
// is never started).
class World : public store::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (not_ready()) return;
    config_.database = store().url();
    config_.data_dir = store().data_dir();
    if (config_.data_dir.empty()) {  // PostgreSQL: the secret key and outbox still need a folder
      std::string pattern =
          (std::filesystem::temp_directory_path() / "carelive-world-XXXXXX").string();
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
      config_.data_dir = own_dir_ = pattern;
    }
    config_.public_url = "https://live.test";
  }
  void TearDown() override {
    app_.reset();
    if (!own_dir_.empty()) std::filesystem::remove_all(own_dir_);
    BackendTest::TearDown();
  }

  App& app() {
    if (!app_) app_ = std::make_unique<App>(config_, clock_owner_);
    return *app_;
  }
  // A server restart: every connection closed, the services built again on the same store.
  void restart() {
    app_.reset();
    store().reopen();
    app();
  }

  pass::PassService& pass() { return app().pass(); }
  live::LiveService& live() { return app().live(); }
  live::FamilyService& family() { return app().family(); }
  live::StaffService& staff() { return app().staff(); }
  live::StaffInvitations& staff_invitations() { return app().staff_invitations(); }
  live::OperatorService& operator_console() { return app().operator_console(); }
  calls::ScheduleService& schedules() { return app().schedules(); }
  const notify::Templates& templates() { return app().templates(); }

  // The world of a test, made as `carelive admin` makes it (audited as the command line).
  std::int64_t add_facility(const std::string& code, const std::string& name,
                            const std::string& kind = "老人保健施設（施設サービス版）") {
    return live().add_facility(code, name, kind, audit::Actor::command_line()).id;
  }
  std::int64_t add_resident(const std::string& facility_code, const live::NameInput& names) {
    return live().add_resident(facility_code, names, audit::Actor::command_line()).id;
  }
  // A staff member 富士 職員 of the facility, signing in with kPassword.
  pass::Account add_staff(const std::string& email, const std::string& facility_code,
                          bool admin = false) {
    auto added = live().add_staff(facility_code, {"富士", "職員", "ふじ", "しょくいん"}, email,
                                  admin, std::string(kPassword), audit::Actor::command_line());
    return stored_account(added.account_id);
  }
  // A confirmed Pass account (富士田 熊吉 unless named) with kPassword; an email address or a
  // phone number in E.164 as its login id (`display`: the phone number as typed).
  std::int64_t add_account(const std::string& login_id, const std::string& display = "",
                           const live::NameInput& names = {"富士田", "熊吉", "ふじた",
                                                           "くまきち"}) {
    const bool email = login_id.find('@') != std::string::npos;
    return pass().create_confirmed_account(
        {names.family_name, names.given_name, names.family_name_kana, names.given_name_kana,
         email ? "email" : "phone", login_id, display},
        std::string(kPassword), audit::Actor::command_line());
  }
  // `add_account`, linked to `resident` as `kind`, with the newest terms agreed.
  std::int64_t add_linked_account(const std::string& login_id, std::int64_t resident,
                                  const std::string& kind = "family") {
    const auto id = add_account(login_id);
    family().link_for_testing(resident, id, kind);
    family().consent(id, family().terms(id).terms.version, audit::Actor::account_at(id, ""));
    return id;
  }
  std::int64_t publish_terms(const std::string& body = "第1条 本規約に同意の上で利用できます。") {
    return live().publish_terms(body, audit::Actor::command_line()).version;
  }
  // The account as stored; a test failure (and an empty Account) when there is none.
  pass::Account stored_account(std::int64_t id) {
    auto a = db().with([&](store::Connection& c) { return pass::repo::find_account(c, id); });
    if (!a) ADD_FAILURE() << "no account " << id;
    return a.value_or(pass::Account{});
  }

  std::int64_t count(const std::string& sql, const store::Params& params = {}) {
    return db().with([&](store::Connection& c) { return c.exec(sql, params).first().integer(0); });
  }
  // The messages written, oldest first; only those to `recipient` unless it is empty. Sealed
  // bodies (those holding a link) are opened as the dispatcher opens them.
  std::vector<StoredMessage> messages(const std::string& recipient = "") {
    auto r = db().with([&](store::Connection& c) {
      return recipient.empty()
                 ? c.exec(
                       "SELECT channel, recipient, subject, body, sealed_body FROM messages "
                       "ORDER BY id")
                 : c.exec(
                       "SELECT channel, recipient, subject, body, sealed_body FROM messages "
                       "WHERE recipient = ? ORDER BY id",
                       {recipient});
    });
    std::vector<StoredMessage> out;
    for (const auto& row : r.rows) {
      const auto sealed = row.opt_text(4);
      out.push_back({row.text(0), row.text(1), row.text(2),
                     sealed ? app().sealer().open(*sealed) : row.text(3)});
    }
    return out;
  }
  // The token of the newest message to `recipient` linking to `path` (…{path}?token=T); empty
  // when there is none.
  std::string token_sent_to(const std::string& recipient, const std::string& path) {
    const std::string marker = path + "?token=";
    const auto all = messages(recipient);
    for (auto m = all.rbegin(); m != all.rend(); ++m) {
      auto at = m->body.find(marker);
      if (at == std::string::npos) continue;
      at += marker.size();
      const auto end = m->body.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", at);
      return m->body.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }
    return "";
  }
  std::set<std::string> audit_events() {
    std::set<std::string> out;
    db().with([&](store::Connection& c) {
      for (const auto& row : c.exec("SELECT event FROM audit_log").rows) out.insert(row.text(0));
    });
    return out;
  }

  Config config_;
  std::shared_ptr<core::ManualClock> clock_owner_ = std::make_shared<core::ManualClock>();
  core::ManualClock& clock_ = *clock_owner_;

 private:
  std::string own_dir_;
  std::unique_ptr<App> app_;
};

}  // namespace carelive::testing
