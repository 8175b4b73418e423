#include "calls/machine.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace carelive::calls {
namespace {

constexpr std::int64_t kFacility = 7, kResident = 11, kStaff = 100, kFamily = 200, kCare = 300;

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return e.code();
  }
  return "";
}

TEST(CallMachine, IdleWithoutCall) {
  core::ManualClock clock;
  CallMachine m(clock);
  EXPECT_EQ(m.current(kResident).state, CallState::idle);
  EXPECT_EQ(code_of([&] { m.join(kResident, kFamily); }), "no_call");
  EXPECT_EQ(code_of([&] { m.end(kResident); }), "no_call");
}

TEST(CallMachine, StartRingsWithStaffInside) {
  core::ManualClock clock(1000);
  CallMachine m(clock);
  auto t = m.start(kFacility, kResident, kStaff);
  EXPECT_TRUE(t.started);
  EXPECT_EQ(t.call.state, CallState::ringing);
  EXPECT_EQ(t.call.started_at, 1000);
  ASSERT_EQ(t.call.participants.size(), 1u);
  EXPECT_EQ(t.call.participants[0].account_id, kStaff);
  EXPECT_EQ(code_of([&] { m.start(kFacility, kResident, kStaff); }), "call_in_progress");
  m.set_id(kResident, 42);
  EXPECT_EQ(m.current(kResident).id, 42);
}

TEST(CallMachine, JoinMakesItActiveAndNamesThePeersToOfferTo) {
  core::ManualClock clock(1000);
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  clock.advance(30);
  auto t = m.join(kResident, kFamily);
  EXPECT_EQ(t.call.state, CallState::active);
  EXPECT_EQ(t.peers, std::vector<std::int64_t>{kStaff});
  EXPECT_EQ(t.call.participants[1].joined_at, 1030);
  auto t2 = m.join(kResident, kCare);
  EXPECT_EQ(t2.peers, (std::vector<std::int64_t>{kStaff, kFamily}));
  EXPECT_EQ(code_of([&] { m.join(kResident, kCare); }), "already_in_call");
}

TEST(CallMachine, LeavingKeepsTheCallWhileTwoRemain) {
  core::ManualClock clock;
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  m.join(kResident, kFamily);
  m.join(kResident, kCare);
  auto t = m.leave(kResident, kCare);
  EXPECT_FALSE(t.ended);
  EXPECT_EQ(t.call.state, CallState::active);
  EXPECT_EQ(t.left, std::vector<std::int64_t>{kCare});
  EXPECT_EQ(code_of([&] { m.leave(kResident, kCare); }), "not_in_call");
}

TEST(CallMachine, LastOtherParticipantLeavingEndsIt) {
  core::ManualClock clock(500);
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  m.join(kResident, kFamily);
  clock.advance(120);
  auto t = m.leave(kResident, kFamily);
  EXPECT_TRUE(t.ended);
  EXPECT_EQ(t.call.state, CallState::ended);
  EXPECT_EQ(t.call.ended_at, 620);
  EXPECT_EQ(t.left, (std::vector<std::int64_t>{kFamily, kStaff}));
  EXPECT_EQ(m.current(kResident).state, CallState::idle);
}

TEST(CallMachine, StaffLeavingARingingCallEndsIt) {
  core::ManualClock clock;
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  auto t = m.leave(kResident, kStaff);
  EXPECT_TRUE(t.ended);
  EXPECT_EQ(m.current(kResident).state, CallState::idle);
}

TEST(CallMachine, EndEndsForEveryoneAndAllowsANewCall) {
  core::ManualClock clock;
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  m.join(kResident, kFamily);
  m.join(kResident, kCare);
  auto t = m.end(kResident);
  EXPECT_TRUE(t.ended);
  EXPECT_EQ(t.left, (std::vector<std::int64_t>{kStaff, kFamily, kCare}));
  EXPECT_EQ(m.start(kFacility, kResident, kStaff).call.state, CallState::ringing);
  // Residents are independent.
  EXPECT_EQ(m.start(kFacility, kResident + 1, kStaff).call.state, CallState::ringing);
}

TEST(CallMachine, RejoinKeepsTheAccountInsideAndNamesTheOthers) {
  core::ManualClock clock;
  CallMachine m(clock);
  m.start(kFacility, kResident, kStaff);
  m.join(kResident, kFamily);
  m.join(kResident, kCare);
  auto t = m.rejoin(kResident, kFamily);
  EXPECT_TRUE(t.joined.empty());
  EXPECT_TRUE(t.left.empty());
  EXPECT_EQ(t.peers, (std::vector<std::int64_t>{kStaff, kCare}));
  EXPECT_EQ(m.current(kResident).participants.size(), 3u);
  EXPECT_EQ(code_of([&] { m.rejoin(kResident, 999); }), "not_in_call");
  EXPECT_EQ(code_of([&] { m.rejoin(kResident + 1, kFamily); }), "no_call");
}

TEST(CallMachine, RestoredCallFollowsTheSameRules) {
  core::ManualClock clock(5000);
  Call stored;
  stored.id = 42;
  stored.resident_id = kResident;
  stored.participants.resize(2);
  stored.participants[0].account_id = kStaff;
  stored.participants[1].account_id = kFamily;
  CallMachine m(clock);
  m.restore(stored);
  EXPECT_EQ(m.current(kResident).state, CallState::active);
  EXPECT_EQ(code_of([&] { m.start(kFacility, kResident, kStaff); }), "call_in_progress");
  auto t = m.leave(kResident, kFamily);  // an active call with one person left ends
  EXPECT_TRUE(t.ended);
  EXPECT_EQ(t.call.id, 42);
  EXPECT_EQ(t.call.ended_at, 5000);
}

}  // namespace
}  // namespace carelive::calls
