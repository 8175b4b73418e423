#include "calls/presence.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/clock.hpp"

// Who has a resident's call screen open: family are the presence and staff see it; one person
// counts once; other nodes' announcements merge after ours and are forgotten when they fall
// silent.

namespace carelive::calls {
namespace {

const Person kHanako{11, "駿河 花子", "family", ""};
const Person kTaro{12, "駿河 太郎", "care_worker", ""};
const Person kStaff{21, "富士 職員", "staff", ""};
constexpr std::int64_t kIchiko = 1, kAkio = 2;

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class PresenceTest : public ::testing::Test {
 protected:
  core::ManualClock clock_;
  Presence presence_{clock_};
};

TEST_F(PresenceTest, FamilyAreThePresenceAndStaffSeeIt) {
  EXPECT_FALSE(presence_.watch(1, kIchiko, kStaff, true));
  EXPECT_TRUE(presence_.watch(2, kIchiko, kHanako, false));
  EXPECT_EQ(presence_.local(kIchiko), std::vector<Person>{kHanako});
  EXPECT_EQ(presence_.people(kIchiko), std::vector<Person>{kHanako});
  EXPECT_EQ(presence_.watchers(kIchiko, false), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(presence_.watchers(kIchiko, true), std::vector<std::uint64_t>{1});
  EXPECT_EQ(presence_.watchers(kIchiko, false, 1), std::vector<std::uint64_t>{2});
  EXPECT_TRUE(presence_.watchers(kAkio, false).empty());
  EXPECT_TRUE(presence_.people(kAkio).empty());
}

TEST_F(PresenceTest, OnePersonWithTwoScreensCountsOnce) {
  EXPECT_TRUE(presence_.watch(1, kIchiko, kHanako, false));
  EXPECT_FALSE(presence_.watch(2, kIchiko, kHanako, false));
  EXPECT_FALSE(presence_.watch(2, kIchiko, kHanako, false));  // the same screen again
  EXPECT_EQ(presence_.local(kIchiko), std::vector<Person>{kHanako});
  EXPECT_FALSE(presence_.unwatch(1, kIchiko));  // still there on the other screen
  EXPECT_TRUE(presence_.unwatch(2, kIchiko));
  EXPECT_FALSE(presence_.unwatch(2, kIchiko));
  EXPECT_TRUE(presence_.local(kIchiko).empty());
  EXPECT_TRUE(presence_.residents().empty());
}

// SPEC 13: staff see why nobody joins yet — a camera or microphone refused on a call screen.
TEST_F(PresenceTest, ACameraProblemOnAnyScreenOfAPersonShowsUntilItIsGone) {
  presence_.watch(1, kIchiko, kHanako, false);
  presence_.watch(2, kIchiko, kHanako, false);
  presence_.watch(3, kIchiko, kStaff, true);
  EXPECT_TRUE(presence_.set_media(2, kIchiko, "denied"));
  EXPECT_EQ(presence_.people(kIchiko).at(0).media, "denied");
  EXPECT_FALSE(presence_.set_media(2, kIchiko, "denied"));  // nothing new
  EXPECT_FALSE(presence_.set_media(3, kIchiko, "denied"));  // staff's own devices: not shown
  EXPECT_FALSE(presence_.set_media(1, kAkio, "denied"));    // not watching that resident
  EXPECT_TRUE(presence_.unwatch(2, kIchiko));               // the refused screen went
  EXPECT_EQ(presence_.people(kIchiko), std::vector<Person>{kHanako});
  EXPECT_TRUE(presence_.set_media(1, kIchiko, "micDenied"));
  EXPECT_TRUE(presence_.set_media(1, kIchiko, ""));  // allowed after all
  EXPECT_EQ(presence_.people(kIchiko), std::vector<Person>{kHanako});
  EXPECT_EQ(presence_.present_residents(), std::vector<std::int64_t>{kIchiko});
}

TEST_F(PresenceTest, AClosedConnectionEndsAllItsWatches) {
  presence_.watch(1, kIchiko, kHanako, false);
  presence_.watch(1, kAkio, kHanako, false);
  presence_.watch(2, kAkio, kHanako, false);
  presence_.watch(3, kIchiko, kStaff, true);
  EXPECT_EQ(sorted(presence_.residents()), (std::vector<std::int64_t>{kIchiko, kAkio}));
  // Akio still has Hanako on connection 2: only Ichiko's presence changed.
  EXPECT_EQ(presence_.close(1), std::vector<std::int64_t>{kIchiko});
  EXPECT_TRUE(presence_.local(kIchiko).empty());
  EXPECT_EQ(presence_.local(kAkio), std::vector<Person>{kHanako});
  EXPECT_TRUE(presence_.close(3).empty());  // staff are no presence
  EXPECT_TRUE(presence_.close(3).empty());
  EXPECT_EQ(presence_.residents(), std::vector<std::int64_t>{kAkio});
}

TEST_F(PresenceTest, WatchingAgainOnlyUpdatesTheRole) {
  EXPECT_FALSE(presence_.watch(1, kIchiko, kStaff, true));
  EXPECT_FALSE(presence_.watch(1, kIchiko, {kStaff.account_id, kStaff.name, "family", ""}, false));
  EXPECT_EQ(presence_.local(kIchiko), (std::vector<Person>{{21, "富士 職員", "family", ""}}));
  EXPECT_TRUE(presence_.watchers(kIchiko, true).empty());
}

TEST_F(PresenceTest, OtherNodesMergeAfterOursOnePersonOnce) {
  presence_.watch(1, kIchiko, kHanako, false);
  presence_.update("node-b", kIchiko, {kTaro, kHanako});
  presence_.update("node-a", kAkio, {kTaro});
  EXPECT_EQ(presence_.people(kIchiko), (std::vector<Person>{kHanako, kTaro}));
  EXPECT_EQ(presence_.people(kAkio), std::vector<Person>{kTaro});
  // Only our own watchers are announced to the others.
  EXPECT_EQ(presence_.snapshot(), (PresenceSnapshot{{kIchiko, {kHanako}}}));
  presence_.update("node-a", kAkio, {});
  EXPECT_TRUE(presence_.people(kAkio).empty());
}

TEST_F(PresenceTest, ASnapshotReplacesWhatTheNodeSaidBefore) {
  presence_.update("node-b", kIchiko, {kTaro});
  auto changed = presence_.replace("node-b", {{kAkio, {kHanako}}});
  EXPECT_EQ(sorted(changed), (std::vector<std::int64_t>{kIchiko, kAkio}));
  EXPECT_TRUE(presence_.people(kIchiko).empty());
  EXPECT_EQ(presence_.people(kAkio), std::vector<Person>{kHanako});
}

TEST_F(PresenceTest, AStoppedNodeIsForgottenAtOnce) {
  presence_.update("node-b", kIchiko, {kTaro});
  EXPECT_EQ(presence_.forget("node-b"), std::vector<std::int64_t>{kIchiko});
  EXPECT_TRUE(presence_.people(kIchiko).empty());
  EXPECT_TRUE(presence_.forget("node-b").empty());
}

TEST_F(PresenceTest, ASilentNodeIsForgottenAfterTheExpiry) {
  presence_.update("node-b", kIchiko, {kTaro});
  presence_.update("node-c", kAkio, {kHanako});
  clock_.advance(30);
  presence_.replace("node-c", {{kAkio, {kHanako}}});  // node-c is heard again
  clock_.advance(Presence::kExpirySeconds - 30);
  EXPECT_TRUE(presence_.expire().empty());
  clock_.advance(1);
  EXPECT_EQ(presence_.expire(), std::vector<std::int64_t>{kIchiko});
  EXPECT_TRUE(presence_.people(kIchiko).empty());
  EXPECT_EQ(presence_.people(kAkio), std::vector<Person>{kHanako});
}

}  // namespace
}  // namespace carelive::calls
