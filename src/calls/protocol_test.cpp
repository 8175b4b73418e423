#include "calls/protocol.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

// The browser's messages: decoded with the fields each type needs, refused as bad_message
// otherwise; the server's messages in the shape web/src/composables/useCall.ts reads.

namespace carelive::calls::protocol {
namespace {

using nlohmann::json;

std::string code_of(const json& msg) {
  try {
    decode(msg);
  } catch (const core::Error& e) {
    return e.code();
  }
  return "";
}

TEST(CallProtocol, EveryTypeHasItsName) {
  for (auto [name, type] : {std::pair{kWatch, Type::watch},
                            {kUnwatch, Type::unwatch},
                            {kStart, Type::start},
                            {kJoin, Type::join},
                            {kResume, Type::resume},
                            {kLeave, Type::leave},
                            {kEnd, Type::end},
                            {kSignal, Type::signal},
                            {kMedia, Type::media},
                            {kWatchFacility, Type::watch_facility},
                            {kUnwatchFacility, Type::unwatch_facility}})
    EXPECT_EQ(type_of(name), type) << name;
  EXPECT_EQ(type_of("dance"), Type::unknown);
  EXPECT_EQ(type_of(""), Type::unknown);
}

TEST(CallProtocol, TheTypeIsWhatWasSentOrNothing) {
  EXPECT_EQ(type_name(json{{"type", "watch"}}), "watch");
  EXPECT_EQ(type_name(json{{"type", "dance"}}), "dance");
  EXPECT_EQ(type_name(json{{"type", 1}}), "");
  EXPECT_EQ(type_name(json::array()), "");
  EXPECT_EQ(type_name(json::parse("not json", nullptr, false)), "");
}

TEST(CallProtocol, ResidentMessagesNeedAPositiveResidentId) {
  auto r = decode({{"type", "watch"}, {"resident_id", 5}});
  EXPECT_EQ(r.type, Type::watch);
  EXPECT_EQ(r.resident_id, 5);
  EXPECT_EQ(decode({{"type", "dance"}, {"resident_id", 5}}).type, Type::unknown);
  EXPECT_EQ(code_of({{"type", "watch"}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "dance"}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "join"}, {"resident_id", 0}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "join"}, {"resident_id", "5"}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "join"}, {"resident_id", 1.5}}), "bad_message");
}

TEST(CallProtocol, TheFacilitysWaitingListIsAskedForByFacility) {
  auto r = decode({{"type", "watch_facility"}, {"facility_id", 3}});
  EXPECT_EQ(r.type, Type::watch_facility);
  EXPECT_EQ(r.facility_id, 3);
  EXPECT_EQ(r.resident_id, 0);
  EXPECT_EQ(decode({{"type", "unwatch_facility"}, {"facility_id", 3}}).facility_id, 3);
  EXPECT_EQ(code_of({{"type", "watch_facility"}, {"resident_id", 3}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "watch_facility"}, {"facility_id", -3}}), "bad_message");
}

TEST(CallProtocol, MediaNamesAKnownProblemOrNone) {
  auto r = decode({{"type", "media"}, {"resident_id", 5}, {"problem", "denied"}});
  EXPECT_EQ(r.type, Type::media);
  EXPECT_EQ(r.problem, "denied");
  for (const char* ok : {"", "unavailable", "micDenied", "micUnavailable"})
    EXPECT_EQ(decode({{"type", "media"}, {"resident_id", 5}, {"problem", ok}}).problem, ok);
  EXPECT_EQ(code_of({{"type", "media"}, {"resident_id", 5}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "media"}, {"resident_id", 5}, {"problem", "<script>"}}),
            "bad_message");
  EXPECT_EQ(code_of({{"type", "media"}, {"resident_id", 5}, {"problem", 1}}), "bad_message");
}

TEST(CallProtocol, ResumeCarriesItsCallIdForItsHandlerToCheck) {
  EXPECT_EQ(decode({{"type", "resume"}, {"resident_id", 5}, {"call_id", 7}}).call_id, 7);
  EXPECT_FALSE(decode({{"type", "resume"}, {"resident_id", 5}}).call_id.has_value());
  EXPECT_FALSE(decode({{"type", "resume"}, {"resident_id", 5}, {"call_id", -7}}).call_id);
}

TEST(CallProtocol, SignalsNeedATargetAndData) {
  auto r = decode({{"type", "signal"}, {"to", 11}, {"data", {{"sdp", "offer"}}}});
  EXPECT_EQ(r.type, Type::signal);
  EXPECT_EQ(r.to, 11);
  EXPECT_EQ(r.data, (json{{"sdp", "offer"}}));
  EXPECT_EQ(code_of({{"type", "signal"}, {"data", 1}}), "bad_message");
  EXPECT_EQ(code_of({{"type", "signal"}, {"to", 11}}), "bad_message");
  EXPECT_EQ(decode({{"type", "signal"}, {"to", 11}, {"data", nullptr}}).data, nullptr);
}

TEST(CallProtocol, CallStateForTheScreen) {
  Call idle;
  idle.resident_id = 5;
  EXPECT_EQ(call_message(idle), (json{{"type", "call"},
                                      {"resident_id", 5},
                                      {"state", "idle"},
                                      {"call_id", nullptr},
                                      {"started_at", nullptr},
                                      {"participants", json::array()}}));
  Call active = idle;
  active.id = 7;
  active.state = CallState::active;
  active.started_at = 1'800'000'000;
  Participant p;
  p.account_id = 11;
  p.name = "駿河 花子";
  p.grace_until = 1'800'000'030;
  active.participants = {p};
  EXPECT_EQ(call_message(active),
            (json{{"type", "call"},
                  {"resident_id", 5},
                  {"state", "active"},
                  {"call_id", 7},
                  {"started_at", 1'800'000'000},
                  {"participants",
                   {{{"account_id", 11}, {"name", "駿河 花子"}, {"connected", false}}}}}));
}

TEST(CallProtocol, TheWaitingListPerResident) {
  EXPECT_EQ(waiting_message(3, {{5, {{11, "駿河 花子", "family", "denied"}}}, {6, {}}}, false),
            (json{{"type", "waiting"},
                  {"facility_id", 3},
                  {"full", false},
                  {"residents",
                   {{{"resident_id", 5},
                     {"people",
                      {{{"account_id", 11},
                        {"name", "駿河 花子"},
                        {"kind", "family"},
                        {"media", "denied"}}}}},
                    {{"resident_id", 6}, {"people", json::array()}}}}}));
  EXPECT_EQ(waiting_message(3, {}, true)["residents"], json::array());
}

TEST(CallProtocol, TheOtherServerMessages) {
  EXPECT_EQ(
      joined_message(5, 7, 11, {21}, false),
      (json{
          {"type", "joined"}, {"resident_id", 5}, {"call_id", 7}, {"self", 11}, {"peers", {21}}}));
  EXPECT_EQ(joined_message(5, 7, 11, {}, true)["resumed"], true);
  EXPECT_EQ(joined_message(5, 7, 11, {}, false)["peers"], json::array());
  EXPECT_EQ(
      presence_message(5, {{11, "駿河 花子", "family", ""}}),
      (json{{"type", "presence"},
            {"resident_id", 5},
            {"people",
             {{{"account_id", 11}, {"name", "駿河 花子"}, {"kind", "family"}, {"media", ""}}}}}));
  EXPECT_EQ(presence_message(5, {})["people"], json::array());
  EXPECT_EQ(signal_message(11, {{"x", 1}}),
            (json{{"type", "signal"}, {"from", 11}, {"data", {{"x", 1}}}}));
  EXPECT_EQ(error_message(core::codes::kNotInCall, kSignal),
            (json{{"type", "error"}, {"code", "not_in_call"}, {"ref", "signal"}}));
}

}  // namespace
}  // namespace carelive::calls::protocol
