#pragma once

#include <string>

#include "core/clock.hpp"
#include "notify/message.hpp"
#include "notify/push.hpp"
#include "notify/seal.hpp"

namespace carelive::notify {

// Japanese message texts following the manual (【Pass】… / 【Live】…), with the brand names of
// config. Every URL is absolute (built by the caller from --public-url). No password ever.
// What happened to an account's two-step sign-in, for the notice that tells its owner.
enum class SecondFactorChange {
  turned_on,               // an authenticator app was set up
  turned_off,              // by the owner
  reset_by_facility,       // a facility admin reset it: set it up again at the next login
  recovery_codes_renewed,  // the earlier codes stopped working
  recovery_code_used,      // someone signed in with a recovery code
  passkey_added,           // a passkey was registered (beside an earlier second factor)
  passkey_removed,         // one of several second factors: the others stay
};

struct Brand {
  std::string live = "CareLive";
  std::string pass = "CareLive Pass";
  std::string company = "CareLive";
  std::string company_url;  // printed under the signature when not empty
};

// What a message about a scheduled video call says (SPEC 7): `when` is already formatted in the
// facility's time zone (「2026年12月1日（火）14:00」), `call_url` is the absolute URL of the call
// screen, `note` the staff's short note for the family (may be empty).
struct CallNotice {
  std::string facility;
  std::string resident_name;
  std::string when;
  std::string note;
  std::string call_url;
};

class Templates {
 public:
  // `sealer` seals the bodies that hold a link (sign-up, reset, contact change, staff password):
  // without a key such a message cannot be enqueued.
  explicit Templates(Brand brand, Sealer sealer = {})
      : brand_(std::move(brand)), sealer_(std::move(sealer)) {}

  // 【CareLive Pass】CareLive Passに仮登録されました — confirmation URL valid 24 hours.
  Message signup_provisional(const std::string& to, const std::string& url,
                             core::UnixSeconds at) const;
  // Sign-up for an address that already has an account: says so, links to reset and login.
  Message signup_account_exists(const std::string& to, const std::string& reset_url,
                                const std::string& login_url, core::UnixSeconds at) const;
  // 【CareLive Pass】CareLive Passの登録が完了しました — after 本登録, with the login URL.
  Message signup_completed(const std::string& to, const std::string& login_url) const;
  // 【CareLive Pass】パスワードの再設定を受け付けました — URL valid 24 hours from sending.
  Message password_reset(const std::string& to, const std::string& url, core::UnixSeconds at) const;
  // The password was changed or reset (security notice).
  Message password_changed(const std::string& to, core::UnixSeconds at) const;
  // Sent to the NEW address: open the URL (24 hours) to finish the change.
  Message contact_verify(const std::string& to, const std::string& url, core::UnixSeconds at) const;
  // Sent to the OLD address once the change applied; `new_display` is shown masked.
  Message contact_changed(const std::string& to, const std::string& new_display,
                          core::UnixSeconds at) const;
  // Sent to the new address when it already belongs to another account.
  Message contact_taken(const std::string& to, core::UnixSeconds at) const;
  // 20 failed logins in 12 hours: the login id is locked for `minutes`.
  Message login_locked(const std::string& to, int minutes, core::UnixSeconds at) const;
  // A security notice of two-step sign-in (SPEC 15): what changed and when.
  Message second_factor_changed(const std::string& to, SecondFactorChange change,
                                core::UnixSeconds at) const;

  // Live (SPEC 1, 10): staff are told of a new application; the applicant of the decision.
  Message application_received(const std::string& to, const std::string& facility,
                               const std::string& resident_name,
                               const std::string& console_url) const;
  // 【CareLive】利用申請が承認されました — naming the facility and the resident (SPEC 14), with
  // the login URL (manual STEP.1).
  Message application_approved(const std::string& to, const std::string& facility,
                               const std::string& resident_name,
                               const std::string& login_url) const;
  Message application_rejected(const std::string& to, const std::string& facility) const;
  // An existing Pass account invited as staff: a 24-hour link to accept after logging in.
  Message staff_invitation(const std::string& to, const std::string& facility, bool as_admin,
                           const std::string& url, core::UnixSeconds at) const;
  // A new staff member sets a password through this link (24 hours).
  Message staff_welcome(const std::string& to, const std::string& facility, const std::string& url,
                        core::UnixSeconds at) const;

  // Scheduled video calls (SPEC 7, manual chapter 2: keep the call screen open at the time).
  // 【CareLive】ビデオ通話の予定 — a call was scheduled with the recipient invited.
  Message call_scheduled(const std::string& to, const CallNotice& call) const;
  // 【CareLive】ビデオ通話の予定が変更されました — `previous_when` empty when the time stayed.
  Message call_changed(const std::string& to, const CallNotice& call,
                       const std::string& previous_when) const;
  // 【CareLive】ビデオ通話の予定が取り消されました — also sent to someone taken off the list.
  Message call_cancelled(const std::string& to, const CallNotice& call) const;
  // 【CareLive】まもなくビデオ通話の時間です — the reminder before the call.
  Message call_reminder(const std::string& to, const CallNotice& call) const;

  // ---- Web Push notices (SPEC 13): short, for a phone's lock screen; `url` is a path of the
  // web app, the topic one per resident (a call) or per thing told.
  // 「<facility>からビデオ通話です」: high urgency, alive one minute.
  PushNotice push_call_started(const std::string& facility, const std::string& resident_name,
                               std::int64_t resident_id) const;
  // 「通話は終了しました」, replacing the call's notice (same topic) when nobody answered.
  PushNotice push_call_ended(const std::string& facility, const std::string& resident_name,
                             std::int64_t resident_id) const;
  PushNotice push_application_approved(const std::string& facility,
                                       const std::string& resident_name,
                                       std::int64_t resident_id) const;
  PushNotice push_call_scheduled(const CallNotice& call, std::int64_t resident_id,
                                 std::int64_t schedule_id) const;
  PushNotice push_call_reminder(const CallNotice& call, std::int64_t resident_id,
                                std::int64_t schedule_id) const;
  PushNotice push_announcement(const std::string& title, std::int64_t announcement_id) const;

  const Brand& brand() const { return brand_; }
  const Sealer& sealer() const { return sealer_; }

 private:
  Brand brand_;
  Sealer sealer_;
};

// "2023/11/15 14:37" in Japan time (UTC+9, no daylight saving).
std::string format_jst(core::UnixSeconds t);

}  // namespace carelive::notify
