#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "audit/actor.hpp"
#include "live/family.hpp"
#include "store/test_support.hpp"
#include "testing/world.hpp"

// Hardening: no usable link token is readable from the database (or a copy of it). Every flow
// that sends a link is run through the real dispatcher into the outbox; the token that reached
// the outbox (and the invite token a sign-up carried) must then appear in no text of any row of
// any table — neither while the message waits to be sent nor after.

namespace carelive {
namespace {

namespace fs = std::filesystem;

class LinksAtRestTest : public testing::World {
 protected:
  // Every value of every row of every table, one per line.
  std::string whole_database() {
    return db().with([&](store::Connection& c) {
      const bool sqlite = c.dialect() == store::Dialect::sqlite;
      const auto tables = c.exec(sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                        : "SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = current_schema()");
      std::string out;
      for (const auto& t : tables.rows) {
        // Table names come from the catalogue, not from input.
        for (const auto& row : c.exec("SELECT * FROM " + t.text(0)).rows)
          for (std::size_t i = 0; i < row.size(); ++i) out += row.opt_text(i).value_or("") + "\n";
      }
      return out;
    });
  }

  // Sends what is queued through the outbox; the tokens of the links in the files it wrote.
  std::vector<std::string> deliver() {
    const auto before = outbox_files();
    app().dispatcher().run_once();
    std::vector<std::string> tokens;
    static const std::regex kToken("token=([A-Za-z0-9_-]+)");
    for (const auto& f : outbox_files()) {
      if (std::find(before.begin(), before.end(), f) != before.end()) continue;
      std::ifstream in(f);
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), kToken), end; it != end; ++it)
        tokens.push_back((*it)[1]);
    }
    return tokens;
  }

  std::vector<std::string> outbox_files() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(config_.outbox_dir(), ec))
      out.push_back(e.path().string());
    return out;
  }

  // Runs `flow`, delivers its messages and checks the database before and after sending.
  std::string one_link(const std::function<void()>& flow) {
    flow();
    const std::string pending = whole_database();
    const auto tokens = deliver();
    EXPECT_EQ(tokens.size(), 1u);
    if (tokens.size() != 1) return "";
    EXPECT_EQ(pending.find(tokens[0]), std::string::npos) << "token stored while pending";
    EXPECT_EQ(whole_database().find(tokens[0]), std::string::npos) << "token stored once sent";
    return tokens[0];
  }

  const pass::RequestMeta meta_{"127.0.0.1", "test"};
};

TEST_P(LinksAtRestTest, SignUpFromAnInviteKeepsNeitherTheLinkNorTheInvite) {
  add_facility("livetest01", "ふじ園");
  const auto resident = add_resident("livetest01", {"駿河", "市子", "するが", "いちこ"});
  const std::string url = live().invite_url("livetest01", resident);
  const std::string invite = url.substr(url.find("token=") + 6);
  const std::string token = one_link([&] {
    pass().signup({"富士田", "熊吉", "ふじた", "くまきち", "email", "new@example.jp",
                   "new@example.jp", "", testing::kPassword, testing::kPassword,
                   live::FamilyService::after_confirm_for(invite, "family")},
                  meta_);
  });
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(whole_database().find(invite), std::string::npos) << "invite token stored";

  // The application is still submitted when the sign-up is confirmed.
  pass().set_confirmed_hook([this](const audit::Actor& account, const std::string& after) {
    family().apply_after_signup(account, after);
    return nlohmann::json();
  });
  std::int64_t id = 0;
  ASSERT_EQ(pass().confirm_signup(token, meta_, &id), pass::ConfirmOutcome::completed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE account_id = ? AND resident_id = ?",
                  {id, resident}),
            1);
  deliver();
  EXPECT_EQ(whole_database().find(invite), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM signups WHERE after_confirm IS NOT NULL"), 0);
}

TEST_P(LinksAtRestTest, PasswordResetLinkIsNotStored) {
  add_account("kuma@example.jp");
  const auto token = one_link([&] { pass().request_password_reset("kuma@example.jp", meta_); });
  ASSERT_FALSE(token.empty());
  // The delivered link works.
  EXPECT_NO_THROW(pass().inspect_password_reset(token));
}

TEST_P(LinksAtRestTest, ContactChangeLinkIsNotStored) {
  add_account("kuma@example.jp");
  auto session = pass().login("kuma@example.jp", testing::kPassword, meta_);
  auto p = pass().authenticate(session.session_token);
  ASSERT_TRUE(p);
  deliver();
  const auto token = one_link([&] {
    pass().request_contact_change(*p, "email", "new@example.jp", testing::kPassword, meta_);
  });
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(pass().confirm_contact_change(token, meta_).value, "new@example.jp");
}

TEST_P(LinksAtRestTest, StaffSetPasswordLinkIsNotStored) {
  add_facility("livetest01", "ふじ園");
  const auto token = one_link([&] {
    live().add_staff("livetest01", {"富士", "職員", "ふじ", "しょくいん"}, "staff@example.jp",
                     false, std::nullopt, audit::Actor::command_line());
  });
  ASSERT_FALSE(token.empty());
  EXPECT_NO_THROW(pass().inspect_password_reset(token));
}

INSTANTIATE_TEST_SUITE_P(Backends, LinksAtRestTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive
