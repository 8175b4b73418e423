#include "live/access_records.hpp"

#include <ctime>
#include <map>

#include "core/error.hpp"
#include "core/time_text.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "pass/personal_data.hpp"
#include "pass/repo.hpp"

namespace carelive::live {

namespace codes = core::codes;

namespace {

constexpr std::int64_t kPeopleMatched = 200;  // accounts a person's name may stand for

std::vector<std::string> events_of(const std::string& choice) {
  if (choice.empty()) return {};
  if (choice != "read" && choice != "change") return {choice};
  std::vector<std::string> out;
  for (const auto& e : access_events())
    if (e.read == (choice == "read")) out.emplace_back(e.code);
  return out;
}

// Spaces go (「駿河 花子」 finds 駿河花子), letters go lower case (emails are stored so).
std::string person_text(const std::string& typed) {
  std::string out;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(typed[i]);
    if (ch == ' ' || ch == '\t') continue;
    if (ch == 0xE3 && i + 2 < typed.size() && static_cast<unsigned char>(typed[i + 1]) == 0x80 &&
        static_cast<unsigned char>(typed[i + 2]) == 0x80) {
      i += 2;  // U+3000 (全角スペース)
      continue;
    }
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : static_cast<char>(ch);
  }
  return out;
}

}  // namespace

const std::vector<AccessEvent>& access_events() {
  static const std::vector<AccessEvent> events = {
      {"people_viewed", "関係者の閲覧", "Viewed the people of a resident", true},
      {"applications_viewed", "利用申請の閲覧", "Viewed applications", true},
      {"calls_viewed", "通話履歴の閲覧", "Viewed the call log", true},
      {"call_reach_viewed", "呼び出し状況の閲覧", "Viewed who a call reached", true},
      {"call_schedules_viewed", "通話予定の閲覧", "Viewed call schedules", true},
      {"invite_viewed", "二次元コードの閲覧", "Viewed an application QR code", true},
      {"residents_viewed", "利用者一覧の閲覧", "Viewed the residents", true},
      {"staff_viewed", "職員一覧の閲覧", "Viewed the staff", true},
      {"access_records_viewed", "アクセス記録の検索", "Searched the access records", true},
      {"access_records_downloaded", "アクセス記録のダウンロード", "Downloaded the access records",
       true},
      {"resident_added", "利用者の追加", "Added a resident", false},
      {"resident_edited", "利用者の変更", "Changed a resident", false},
      {"resident_discharged", "利用者の退所", "Discharged a resident", false},
      {"invite_reissued", "二次元コードの再発行", "Reissued a QR code", false},
      {"invite_revoked", "二次元コードの停止", "Stopped a QR code", false},
      {"application_submitted", "利用申請", "Applied", false},
      {"application_approved", "利用申請の承認", "Approved an application", false},
      {"application_rejected", "利用申請の却下", "Refused an application", false},
      {"relationship_set", "続柄の登録", "Set a relationship", false},
      {"link_removed", "関係者の削除", "Removed a person from a resident", false},
      {"call_scheduled", "通話予定の登録", "Scheduled a call", false},
      {"call_schedule_changed", "通話予定の変更", "Changed a call schedule", false},
      {"call_schedule_cancelled", "通話予定の取り消し", "Cancelled a call schedule", false},
      {"staff_added", "職員の追加", "Added a staff member", false},
      {"staff_invited", "職員の招待", "Invited a staff member", false},
      {"staff_invitation_accepted", "職員招待の承諾", "Accepted a staff invitation", false},
      {"staff_invitation_revoked", "職員招待の取り消し", "Revoked a staff invitation", false},
      {"staff_removed", "職員の削除", "Removed a staff member", false},
      {"second_factor_reset", "2段階認証のリセット", "Reset two-step sign-in", false},
      {"facility_added", "事業所の追加", "Added a facility", false},
      {"facility_renamed", "事業所名の変更", "Renamed a facility", false},
      {"facility_closed", "事業所の閉鎖", "Closed a facility", false},
      {"account_deleted", "Passの削除", "Deleted a Pass", false},
      {"login_ok", "ログイン", "Signed in", false},
      {"login_failed", "ログインの失敗", "Sign-in failed", false},
      {"logout", "ログアウト", "Signed out", false},
  };
  return events;
}

std::string access_event_ja(const std::string& event) {
  for (const auto& e : access_events())
    if (event == e.code) return e.ja;
  return event;
}

std::optional<core::UnixSeconds> jst_day_start(const std::string& text) {
  std::tm tm{};
  const char* end = text.size() == 10 ? strptime(text.c_str(), "%Y-%m-%d", &tm) : nullptr;
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<core::UnixSeconds>(timegm(&tm)) - 9 * 3600;
}

void viewed(audit::AccessLog& log, const audit::Actor& by, const char* event,
            std::int64_t facility_id, const std::set<std::int64_t>& residents) {
  for (const auto resident : residents)
    log.viewed(by, event, facility_id, resident,
               {{"facility_id", facility_id}, {"resident_id", resident}});
}

void viewed(audit::AccessLog& log, const audit::Actor& by, const char* event,
            std::int64_t facility_id) {
  log.viewed(by, event, facility_id, std::nullopt, {{"facility_id", facility_id}});
}

std::string csv_field(const std::string& text) {
  std::string value = text;
  if (!value.empty() && std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos)
    value.insert(0, "'");
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char ch : value) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

AccessRecords::AccessRecords(store::Database& db, const core::Clock& clock, audit::AccessLog& log)
    : db_(db), clock_(clock), log_(log) {}

void AccessRecords::authorize(const pass::Account& who, std::optional<std::int64_t> facility_id,
                              bool operator_console) {
  if (operator_console || !facility_id) {
    if (!who.is_operator) throw core::Error(codes::kForbidden);
    return;
  }
  db_.with([&](store::Connection& c) { require_facility(c, who, *facility_id, Need::admin); });
}

AccessPage AccessRecords::page(std::optional<std::int64_t> facility_id, const AccessFilter& f) {
  // What was read a moment ago on this process is in the log before the search looks.
  log_.flush();
  return db_.with([&](store::Connection& c) {
    audit::Query q;
    q.facility = facility_id;
    if (const auto text = person_text(f.person); !text.empty())
      q.accounts = pass::repo::accounts_matching(c, text, kPeopleMatched);
    q.resident = f.resident;
    q.events = events_of(f.event);
    q.since = f.since;
    q.until = f.until;
    q.after = f.after;
    q.limit = std::clamp<std::int64_t>(f.limit, 1, 1000);
    auto found = audit::search(c, q);
    AccessPage page{{}, found.next};
    // Names once per page: a page names few people, residents and facilities.
    std::map<std::int64_t, std::optional<pass::Account>> people;
    std::map<std::int64_t, std::string> residents, facilities;
    for (auto& e : found.entries) {
      AccessRow row{std::move(e), "", "", false, "", ""};
      if (const auto id = row.entry.account) {
        auto it = people.find(*id);
        if (it == people.end()) it = people.emplace(*id, pass::repo::find_account(c, *id)).first;
        if (it->second && !pass::personal_data::is_deleted(*it->second)) {
          row.person_name = it->second->family_name + " " + it->second->given_name;
          row.person_login = it->second->primary_login_id();
        } else {
          row.person_left = true;
        }
      }
      if (const auto id = row.entry.resident) {
        auto it = residents.find(*id);
        if (it == residents.end()) {
          const auto r = repo::find_resident(c, *id);
          it = residents.emplace(*id, r ? r->family_name + " " + r->given_name : "").first;
        }
        row.resident_name = it->second;
      }
      if (const auto id = row.entry.facility) {
        auto it = facilities.find(*id);
        if (it == facilities.end()) {
          const auto fac = repo::find_facility(c, *id);
          it = facilities.emplace(*id, fac ? fac->name : "").first;
        }
        row.facility_name = it->second;
      }
      page.rows.push_back(std::move(row));
    }
    return page;
  });
}

AccessPage AccessRecords::search(const pass::Account& who, std::optional<std::int64_t> facility_id,
                                 const AccessFilter& filter, const audit::Actor& by,
                                 bool operator_console) {
  authorize(who, facility_id, operator_console);
  auto found = page(facility_id, filter);
  nlohmann::json detail = nlohmann::json::object();
  if (facility_id) detail["facility_id"] = *facility_id;
  log_.viewed(by, "access_records_viewed", facility_id, filter.resident, detail);
  return found;
}

AccessCsv AccessRecords::render_csv(std::optional<std::int64_t> facility_id, AccessFilter filter) {
  AccessCsv out;
  out.body = "\xEF\xBB\xBF";  // UTF-8 BOM: Excel opens the Japanese as it is
  out.body += "日時,事業所,操作した人,ログインID,IPアドレス,操作,利用者,詳細\r\n";
  filter.limit = 1000;
  filter.after.reset();
  for (;;) {
    const auto p = page(facility_id, filter);
    for (const auto& r : p.rows) {
      const std::string person =
          r.person_left ? "退会したユーザー" : (r.entry.account ? r.person_name : "");
      out.body += core::jst(r.entry.at, "%Y/%m/%d %H:%M:%S") + "," + csv_field(r.facility_name) +
                  "," + csv_field(person) + "," + csv_field(r.person_login) + "," +
                  csv_field(r.entry.address) + "," + csv_field(access_event_ja(r.entry.event)) +
                  "," + csv_field(r.resident_name) + "," + csv_field(r.entry.detail) + "\r\n";
      if (++out.rows >= kCsvRows) {
        out.truncated = p.next.has_value() || &r != &p.rows.back();
        return out;
      }
    }
    if (!p.next) return out;
    filter.after = p.next;
  }
}

AccessCsv AccessRecords::csv(const pass::Account& who, std::optional<std::int64_t> facility_id,
                             const AccessFilter& filter, const audit::Actor& by,
                             bool operator_console) {
  authorize(who, facility_id, operator_console);
  auto out = render_csv(facility_id, filter);
  nlohmann::json detail = {{"rows", out.rows}};
  if (facility_id) detail["facility_id"] = *facility_id;
  log_.viewed(by, "access_records_downloaded", facility_id, filter.resident, detail);
  return out;
}

AccessCsv AccessRecords::csv_for_command_line(std::optional<std::int64_t> facility_id,
                                              const AccessFilter& filter) {
  return render_csv(facility_id, filter);
}

AccessPage AccessRecords::page_for_command_line(std::optional<std::int64_t> facility_id,
                                                const AccessFilter& filter) {
  return page(facility_id, filter);
}

}  // namespace carelive::live
