#include "app.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "audit/actor.hpp"
#include "core/clock.hpp"
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

INSTANTIATE_TEST_SUITE_P(Backends, AppTest, ::testing::Values("sqlite", "postgres"),
                         store::testing::backend_name);

}  // namespace
}  // namespace carelive
