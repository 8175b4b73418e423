#include "live/access_records.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "app.hpp"
#include "http/router.hpp"
#include "pass/service.hpp"
#include "testing/world.hpp"

// Access records (SPEC 15) through the real API routes, on both stores: staff reads of a
// resident's people, applications, calls and schedules leave a row with who, when, from where,
// what and which resident; a facility's admin searches them by resident, person, event and
// period (and the operator across facilities), a page at a time, and downloads them as CSV.

namespace carelive::live {
namespace {

using nlohmann::json;
using testing::kPassword;

constexpr const char* kCsrf = "0123456789abcdef0123456789abcdef";

class AccessRecordsTest : public testing::World {
 protected:
  void SetUp() override {
    World::SetUp();
    if (not_ready()) return;
    config_.security.staff_mfa_required = false;
    settings_.public_url = config_.public_url;
    router_ = std::make_unique<http::Router>(
        [this](const std::string& token) -> std::optional<auth::Principal> {
          return pass().authenticate(token);
        });
    register_api_routes(*router_, app());
    fuji_ = add_facility("fuji", "ふじ園");
    sakura_ = add_facility("sakura", "さくら苑");
    publish_terms();
    a_ = add_resident("fuji", {"駿河", "市子", "するが", "いちこ"});
    b_ = add_resident("fuji", {"駿河", "秋男", "するが", "あきお"});
    add_resident("sakura", {"桜井", "花", "さくらい", "はな"});
    add_staff("admin@example.jp", "fuji", true);
    add_staff("staff@example.jp", "fuji");
    add_staff("other@example.jp", "sakura", true);
    add_linked_account("kuma@example.jp", a_);
  }

  std::string sign_in(const std::string& login_id) {
    return pass().login(login_id, kPassword, {"192.0.2.7", "test"}).session_token;
  }

  http::Response call(http::bhttp::verb method, const std::string& path, const std::string& token,
                      const json& body = nullptr) {
    http::Request req{method, path, 11};
    req.set(http::bhttp::field::cookie, http::session_cookie_name(settings_) + "=" + token + "; " +
                                            http::csrf_cookie_name(settings_) + "=" + kCsrf);
    req.set("X-CSRF-Token", kCsrf);
    if (!body.is_null()) {
      req.set(http::bhttp::field::content_type, "application/json");
      req.body() = body.dump();
    }
    http::Context ctx{req, settings_, path, "", {}, "192.0.2.7", std::nullopt, {}};
    return router_->dispatch(ctx);
  }
  http::Response get(const std::string& path, const std::string& token) {
    return call(http::bhttp::verb::get, path, token);
  }
  // The facility's search, as its console asks it.
  json search(const std::string& token, const json& filter, std::int64_t facility = 0) {
    auto res = call(http::bhttp::verb::post,
                    "/api/v1/staff/facilities/" + std::to_string(facility ? facility : fuji_) +
                        "/access-records",
                    token, filter);
    EXPECT_EQ(res.result_int(), 200) << res.body();
    return json::parse(res.body());
  }
  static std::multiset<std::string> events_of(const json& answer) {
    std::multiset<std::string> out;
    for (const auto& r : answer["records"]) out.insert(r["event"].get<std::string>());
    return out;
  }

  std::string fac(std::int64_t id) { return "/api/v1/staff/facilities/" + std::to_string(id); }

  http::Settings settings_;
  std::unique_ptr<http::Router> router_;
  std::int64_t fuji_ = 0, sakura_ = 0, a_ = 0, b_ = 0;
};

TEST_P(AccessRecordsTest, AStaffReadOfAResidentsDataIsRecordedAndFoundByResidentPersonAndEvent) {
  const auto staff = sign_in("staff@example.jp");
  const auto admin = sign_in("admin@example.jp");
  ASSERT_EQ(get(fac(fuji_) + "/residents/" + std::to_string(a_) + "/links", staff).result_int(),
            200);
  ASSERT_EQ(get(fac(fuji_) + "/call-schedules", staff).result_int(), 200);
  ASSERT_EQ(get(fac(fuji_) + "/residents/" + std::to_string(b_) + "/invite", staff).result_int(),
            200);
  // A refused read leaves no access record (it read nothing).
  ASSERT_EQ(get(fac(sakura_) + "/residents", staff).result_int(), 403);

  // Newest first: the read, then the resident's being added (a change, by the command line).
  const auto of_a = search(admin, {{"resident_id", a_}});
  ASSERT_EQ(of_a["records"].size(), 2u) << of_a["records"].dump();
  EXPECT_EQ(of_a["records"][1]["event"], "resident_added");
  EXPECT_TRUE(of_a["records"][1]["person"].is_null());
  const auto& row = of_a["records"][0];
  EXPECT_EQ(row["event"], "people_viewed");
  EXPECT_EQ(row["person"]["name"], "富士 職員");
  EXPECT_EQ(row["person"]["login_id"], "st****@example.jp");
  EXPECT_EQ(row["resident"]["name"], "駿河 市子");
  EXPECT_EQ(row["address"], "192.0.2.7");
  EXPECT_FALSE(of_a["events"].empty()) << "the first page names the events to choose from";

  const auto invites = search(admin, {{"event", "invite_viewed"}});
  ASSERT_EQ(invites["records"].size(), 1u);
  EXPECT_EQ(invites["records"][0]["resident"]["id"], b_);
  // By person: a part of the name or login id; the admin's own searches are records too.
  EXPECT_EQ(events_of(search(admin, {{"person", "staff@"}, {"event", "read"}})),
            (std::multiset<std::string>{"people_viewed", "invite_viewed"}));
  EXPECT_EQ(events_of(search(admin, {{"person", "admin@example"}, {"event", "read"}})),
            (std::multiset<std::string>{"access_records_viewed", "access_records_viewed",
                                        "access_records_viewed"}));
  EXPECT_TRUE(search(admin, {{"person", "誰もいない"}})["records"].empty());
}

TEST_P(AccessRecordsTest, ChangesCarryTheirFacilityAndResidentAndThePeriodIsInJapanTime) {
  // 2026-12-04 23:30 in Japan is 14:30 UTC the same day.
  clock_.set(1'796'394'600);  // 2026-12-04T14:30:00Z
  const auto admin = sign_in("admin@example.jp");
  const auto kuma = pass().login("kuma@example.jp", kPassword, {"192.0.2.8", "test"});
  ASSERT_EQ(
      call(http::bhttp::verb::put, "/api/v1/live/residents/" + std::to_string(a_) + "/relationship",
           kuma.session_token, {{"relationship", "子"}})
          .result_int(),
      200);
  const auto day = search(
      admin, {{"since", "2026-12-04"}, {"until", "2026-12-04"}, {"event", "relationship_set"}});
  ASSERT_EQ(day["records"].size(), 1u) << day.dump();
  EXPECT_EQ(day["records"][0]["resident"]["name"], "駿河 市子");
  EXPECT_EQ(day["records"][0]["facility"]["name"], "ふじ園");
  EXPECT_TRUE(
      search(admin, {{"since", "2026-12-05"}, {"event", "relationship_set"}})["records"].empty());
  // A period that ends before it starts is the form's mistake, said on the field.
  auto res = call(http::bhttp::verb::post, fac(fuji_) + "/access-records", admin,
                  {{"since", "2026-12-05"}, {"until", "2026-12-04"}});
  EXPECT_EQ(res.result_int(), 422);
  EXPECT_NE(res.body().find("before_since"), std::string::npos);
  EXPECT_EQ(
      call(http::bhttp::verb::post, fac(fuji_) + "/access-records", admin, {{"since", "12/04"}})
          .result_int(),
      422);
}

TEST_P(AccessRecordsTest, OnlyTheFacilitysAdminsAndTheOperatorSearch) {
  const auto staff = sign_in("staff@example.jp");
  const auto other = sign_in("other@example.jp");
  const auto path = fac(fuji_) + "/access-records";
  EXPECT_EQ(call(http::bhttp::verb::post, path, staff, json::object()).result_int(), 403);
  EXPECT_EQ(call(http::bhttp::verb::post, path, other, json::object()).result_int(), 403);
  EXPECT_EQ(call(http::bhttp::verb::post, path + "/csv", other, json::object()).result_int(), 403);
  EXPECT_EQ(call(http::bhttp::verb::post, "/api/v1/operator/access-records",
                 sign_in("admin@example.jp"), json::object())
                .result_int(),
            403);

  // The operator: every facility's rows, or one facility's.
  const auto op = add_account("op@example.jp");
  db().with([&](store::Connection& c) { pass::repo::set_operator(c, op, true); });
  const auto token = sign_in("op@example.jp");
  get(fac(fuji_) + "/residents", staff);
  get(fac(sakura_) + "/residents", other);
  auto all = call(http::bhttp::verb::post, "/api/v1/operator/access-records", token,
                  {{"event", "residents_viewed"}});
  ASSERT_EQ(all.result_int(), 200);
  EXPECT_EQ(json::parse(all.body())["records"].size(), 2u);
  auto one = call(http::bhttp::verb::post, "/api/v1/operator/access-records", token,
                  {{"event", "residents_viewed"}, {"facility_id", sakura_}});
  ASSERT_EQ(json::parse(one.body())["records"].size(), 1u);
  EXPECT_EQ(json::parse(one.body())["records"][0]["facility"]["name"], "さくら苑");
}

TEST_P(AccessRecordsTest, PagesWalkEveryRowOnceNewestFirstEvenWithinOneSecond) {
  const auto admin = sign_in("admin@example.jp");
  for (int i = 0; i < 120; ++i)
    app().access_log().viewed(audit::Actor::account_at(1, "192.0.2.9"), "people_viewed", fuji_, a_,
                              {{"n", i}});
  std::vector<int> seen;
  json filter = {{"resident_id", a_}, {"event", "people_viewed"}};
  int pages = 0;
  for (;;) {
    const auto page = search(admin, filter);
    ++pages;
    for (const auto& r : page["records"]) seen.push_back(r["detail"]["n"].get<int>());
    if (page["next"].is_null()) break;
    filter["after"] = page["next"];
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(seen[i], 119 - i);
}

TEST_P(AccessRecordsTest, TheCsvIsUtf8WithBomForExcelAndItsDownloadIsRecorded) {
  const auto staff = sign_in("staff@example.jp");
  const auto admin = sign_in("admin@example.jp");
  get(fac(fuji_) + "/residents/" + std::to_string(a_) + "/links", staff);
  auto res = call(http::bhttp::verb::post, fac(fuji_) + "/access-records/csv", admin,
                  {{"resident_id", a_}});
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::bhttp::field::content_type], "text/csv; charset=utf-8");
  EXPECT_NE(std::string(res[http::bhttp::field::content_disposition]).find("attachment"),
            std::string::npos);
  const auto& body = res.body();
  ASSERT_EQ(body.rfind(
                "\xEF\xBB\xBF日時,事業所,操作した人,ログインID,IPアドレス,操作,利用者,詳細\r\n", 0),
            0u);
  EXPECT_NE(body.find(",ふじ園,富士 職員,staff@example.jp,192.0.2.7,関係者の閲覧,駿河 市子,"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\"{\"\"facility_id\"\":"), std::string::npos) << "the detail, quoted";
  EXPECT_EQ(res["X-CareLive-Rows"], "2") << "the read and the resident's being added";
  EXPECT_EQ(search(admin, {{"event", "access_records_downloaded"}})["records"].size(), 1u);
}

TEST(CsvField, QuotesWhatNeedsItAndKeepsFormulasText) {
  EXPECT_EQ(csv_field("駿河 市子"), "駿河 市子");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("+81 90"), "'+81 90");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
}

TEST(JstDayStart, IsMidnightInJapan) {
  EXPECT_EQ(jst_day_start("2026-12-04"), 1'796'310'000);  // 2026-12-03T15:00:00Z
  EXPECT_FALSE(jst_day_start("2026-12-4").has_value());
  EXPECT_FALSE(jst_day_start("2026-12-04x").has_value());
  EXPECT_FALSE(jst_day_start("").has_value());
}

CARELIVE_BACKENDS(AccessRecordsTest);

}  // namespace
}  // namespace carelive::live
