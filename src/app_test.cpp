#include "app.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "store/test_support.hpp"
#include "testing/world.hpp"

// How App wires the services together: what one service leaves to another through a hook
// happens in the server as in the services' own tests.

namespace carelive {
namespace {

class AppTest : public testing::World {};

TEST_P(AppTest, DischargingAResidentCancelsTheirUpcomingCallsAndTellsTheInvitees) {
  auto& app = this->app();
  const auto x =
      app.live()
          .add_facility("facilityx", "ふじ園", "特別養護老人ホーム", audit::Actor::command_line())
          .id;
  const auto resident = app.live()
                            .add_resident("facilityx", {"駿河", "市子", "するが", "いちこ"},
                                          audit::Actor::command_line())
                            .id;
  const auto added = app.live().add_staff(
      "facilityx", {"富士", "職員", "ふじ", "しょくいん"}, "staff.x@example.jp", false,
      std::string(testing::kPassword), audit::Actor::command_line());
  const auto staff = *app.db().with(
      [&](store::Connection& c) { return pass::repo::find_account(c, added.account_id); });
  const auto daughter = app.pass().create_confirmed_account(
      {"富士田", "熊吉", "ふじた", "くまきち", "email", "daughter@example.jp", ""},
      std::string(testing::kPassword), audit::Actor::command_line());
  app.family().link_for_testing(resident, daughter, "family");
  calls::ScheduleInput in;
  in.resident_id = resident;
  in.date = "2027-01-16";  // the clock starts on 2027-01-15 17:00 in Japan
  in.time = "14:00";
  app.schedules().create(staff, x, in, audit::Actor::account_at(staff.id, ""));

  app.staff().discharge(staff, x, resident, audit::Actor::account_at(staff.id, ""));

  EXPECT_EQ(count("SELECT COUNT(*) FROM call_schedules WHERE cancelled_at IS NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE recipient = 'daughter@example.jp' AND "
                  "subject LIKE '%取り消されました%'"),
            1);
}

// The permission bits of `path`; -1 when it does not exist.
int mode_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// `carelive serve --data DIR` on a new DIR: the folder, the store (with its -wal and -shm), the
// secret and the outbox with its messages are the service user's alone, even under the usual
// umask 022 of a login shell.
TEST(AppFiles, DataFolderStoreSecretAndOutboxAreForTheServiceUserOnly) {
  std::string pattern = (std::filesystem::temp_directory_path() / "carelive-modes-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path root = pattern;
  const auto data = root / "srv" / "data";
  const mode_t umask_before = ::umask(022);
  {
    Config config;
    config.data_dir = data.string();
    config.public_url = "http://127.0.0.1:8080";
    App app(config);
    notify::Message m;
    m.channel = notify::Channel::email;
    m.to = "kuma@example.jp";
    m.subject = "件名";
    m.body = "本文";
    app.db().transaction([&](store::Connection& c) { notify::enqueue(c, m, app.clock().now()); });
    EXPECT_EQ(app.dispatcher().run_once(), 1);

    EXPECT_EQ(mode_of(root / "srv"), 0700);
    EXPECT_EQ(mode_of(data), 0700);
    EXPECT_EQ(mode_of(data / "carelive.db"), 0600);
    EXPECT_EQ(mode_of(data / "carelive.db-wal"), 0600);
    EXPECT_EQ(mode_of(data / "carelive.db-shm"), 0600);
    EXPECT_EQ(mode_of(data / "secret.key"), 0600);
    EXPECT_EQ(mode_of(data / "outbox"), 0700);
    int files = 0;
    for (const auto& f : std::filesystem::directory_iterator(data / "outbox")) {
      EXPECT_EQ(mode_of(f.path()), 0600) << f.path();
      ++files;
    }
    EXPECT_EQ(files, 1);
  }
  ::umask(umask_before);
  std::filesystem::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Backends, AppTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive
