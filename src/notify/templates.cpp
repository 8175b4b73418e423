#include "notify/templates.hpp"

#include <chrono>
#include <cstdio>

#include "core/text.hpp"

namespace carelive::notify {
namespace {

// The manual's closing lines (family-manual-ja.txt, 仮登録 and パスワード再設定 mails).
constexpr const char* kIgnoreIfUnknown = "※本メールに心当たりのない場合は、破棄してください。";
constexpr const char* kNoReply = "※本メールはシステムからの自動配信です。返信はできません。";
constexpr const char* kSmsIgnoreIfUnknown = "※心当たりのない場合は破棄してください。";
// Where a forgotten password is reset: the login page's link label (SPEC 3, 6).
constexpr const char* kForgotLink = "ログイン画面の「パスワードを忘れた方はこちら」";

// What a login id is called in the text: the address the message goes to, or the changed one.
const char* kind_noun(Channel c) { return c == Channel::email ? "メールアドレス" : "携帯電話番号"; }

// Builds one message: email gets subject + the manual's body layout (intro line, text, URLs on
// their own lines, notes, signature); SMS gets a short body that starts with 【brand】.
class Builder {
 public:
  Builder(const Brand& brand, const Sealer& sealer, const std::string& to)
      : brand_(brand), sealer_(sealer), to_(to) {}

  bool sms() const { return channel_for(to_) == Channel::sms; }
  // 「こちらのメールアドレス」 / 「こちらの携帯電話番号」: the id the message was sent to.
  std::string here() const { return std::string("こちらの") + kind_noun(channel_for(to_)); }

  // `text` ends with a blank line ("…\n\n"); the notes and the signature follow it.
  Message email(const std::string& subject_text, const std::string& about, const std::string& text,
                const std::string& note = kIgnoreIfUnknown) const {
    return email_from(brand_.pass, subject_text, about, text, note);
  }
  // Messages of the Live service itself (【CareLive】…, manual: 【CAREKARTE Live】).
  Message live_email(const std::string& subject_text, const std::string& text,
                     const std::string& note = kIgnoreIfUnknown) const {
    return email_from(brand_.live, subject_text, "利用", text, note);
  }
  Message live_sms(const std::string& text) const {
    return sealed(Message{Channel::sms, to_, "", "【" + brand_.live + "】" + text});
  }

  Message email_from(const std::string& service, const std::string& subject_text,
                     const std::string& about, const std::string& text,
                     const std::string& note) const {
    Message m{Channel::email, to_, "【" + service + "】" + subject_text, {}};
    m.body = "本メールは、" + service + "の" + about + "に関するお知らせです。\n" + text + note +
             "\n" + kNoReply + "\n\n" + brand_.company + "\n";
    if (!brand_.company_url.empty()) m.body += brand_.company_url + "\n";
    return sealed(std::move(m));
  }

  Message sms_message(const std::string& text) const {
    return sealed(Message{Channel::sms, to_, "", "【" + brand_.pass + "】" + text});
  }

 private:
  // A body with a link is also kept sealed: that form is what the `messages` table stores.
  Message sealed(Message m) const {
    if (sealer_.has_key() && holds_link(m.body)) m.sealed = sealer_.seal(m.body);
    return m;
  }

  const Brand& brand_;
  const Sealer& sealer_;
  const std::string& to_;
};

// A URL alone on its line with a blank line around it, as in the manual; mail apps link it.
std::string url_block(const std::string& url) { return "\n" + url + "\n\n"; }

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Shows enough of the new login id for the owner to recognise it and not more: a message to
// the old address may be read by whoever holds that address now.
std::string mask_login_id(const std::string& value) {
  if (value.find('*') != std::string::npos) return value;  // masked by the caller already
  if (auto at = value.find('@'); at != std::string::npos) {
    const std::string local = value.substr(0, at);
    const std::size_t keep = local.size() >= 4 ? 2 : (local.empty() ? 0 : 1);
    return local.substr(0, keep) + "***" + value.substr(at);
  }
  int digits = 0;
  for (char c : value) digits += is_ascii_digit(c) ? 1 : 0;
  // Keep the first three digits (090 / +81's 81 and one more) and the last four.
  std::string out;
  int seen = 0;
  for (char c : value) {
    if (is_ascii_digit(c)) {
      ++seen;
      out += (seen <= 3 || seen > digits - 4) ? c : '*';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_jst(core::UnixSeconds t) {
  using namespace std::chrono;
  // Japan has kept UTC+9 without daylight saving since 1951.
  const sys_seconds jst{seconds{t + 9 * core::kHour}};
  const auto day = floor<days>(jst);
  const year_month_day ymd{day};
  const hh_mm_ss hms{jst - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u %02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
  return buf;
}

Message Templates::signup_provisional(const std::string& to, const std::string& url,
                                      core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  if (b.sms()) {
    return b.sms_message(
        format_jst(at) + "に" + pass +
        "の仮登録を受け付けました。24時間以内に下記のURLから本登録をしてください。\n" + url + "\n" +
        kSmsIgnoreIfUnknown);
  }
  return b.email(pass + "に仮登録されました", "利用",
                 format_jst(at) + "に" + b.here() + "で仮登録を行いました。\n" +
                     "下記のURLをクリックし、本登録をしてください。\n" +
                     "URLの有効期限は受付時刻から24時間です。\n" + url_block(url));
}

Message Templates::signup_account_exists(const std::string& to, const std::string& reset_url,
                                         const std::string& login_url, core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  if (b.sms()) {
    return b.sms_message(
        b.here() + "の" + pass +
        "は登録済みのため、新しいアカウントは作成されていません。\nログインはこちら\n" + login_url +
        "\nパスワードをお忘れの場合はこちら\n" + reset_url + "\n" + kSmsIgnoreIfUnknown);
  }
  return b.email(
      pass + "は登録済みです", "利用",
      format_jst(at) + "に" + b.here() + "で" + pass + "の新規作成の手続きが行われましたが、" +
          b.here() + "の" + pass + "は既に登録されています。\n" +
          "新しいアカウントは作成されていません。\n\n" + "登録済みの" + pass +
          "で、下記のURLからログインしてください。\n" + url_block(login_url) +
          "パスワードをお忘れの場合は、下記のURLからパスワードの再設定を行ってください。\n" +
          url_block(reset_url));
}

Message Templates::signup_completed(const std::string& to, const std::string& login_url) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  const std::string noun = kind_noun(channel_for(to));
  if (b.sms()) {
    return b.sms_message(pass + "の本登録が完了しました。登録した" + noun +
                         "とパスワードで、下記のURLからログインしてください。\n" + login_url);
  }
  return b.email(pass + "の登録が完了しました", "利用",
                 pass + "の本登録が完了しました。\n" + "登録した" + noun +
                     "とパスワードで、下記のURLからログインしてください。\n" +
                     url_block(login_url));
}

Message Templates::password_reset(const std::string& to, const std::string& url,
                                  core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return b.sms_message(format_jst(at) +
                         "にパスワードの再設定を受け付けました。24時間以内に下記のURLから再設定を完"
                         "了してください。\n" +
                         url + "\n" + kSmsIgnoreIfUnknown);
  }
  return b.email("パスワードの再設定を受け付けました", "アカウント",
                 format_jst(at) + "にパスワードの再設定を受け付けました。\n" +
                     "下記のURLをクリックし、再設定を完了してください。\n" +
                     "URLの有効期限は送信時刻から24時間です。\n" + url_block(url));
}

Message Templates::password_changed(const std::string& to, core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  if (b.sms()) {
    return b.sms_message(format_jst(at) + "に" + pass +
                         "のパスワードが変更されました。心当たりのない場合は、" + kForgotLink +
                         "から再設定してください。");
  }
  // A security notice: "discard it" would be the wrong advice when the owner did not do this.
  return b.email(
      "パスワードが変更されました", "アカウント",
      format_jst(at) + "に" + pass + "のパスワードが変更されました。\n" +
          "安全のため、他の端末のログイン状態は解除されました。\n\n",
      std::string(
          "※本メールに心当たりのない場合は、第三者にパスワードを変更された可能性があります。") +
          kForgotLink + "からパスワードを再設定し、事業所にお問い合わせください。");
}

Message Templates::contact_verify(const std::string& to, const std::string& url,
                                  core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  const std::string noun = kind_noun(channel_for(to));
  if (b.sms()) {
    return b.sms_message(format_jst(at) + "に" + pass + "の" + noun + "を" + b.here() +
                         "へ変更する手続きを受け付けました。24時間以内に下記のURLを開いて変更を完了"
                         "してください。\n" +
                         url + "\n" + kSmsIgnoreIfUnknown);
  }
  return b.email(
      noun + "の変更を受け付けました", "アカウント",
      format_jst(at) + "に" + pass + "の" + noun + "を" + b.here() +
          "へ変更する手続きを受け付けました。\n" +
          "下記のURLをクリックし、変更を完了してください。URLを開くまで変更は完了しません。\n" +
          "URLの有効期限は送信時刻から24時間です。\n" + url_block(url));
}

Message Templates::contact_changed(const std::string& to, const std::string& new_display,
                                   core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  // What changed follows the new value: an account with both ids may change its phone and be
  // told at its email address, or the other way round.
  const std::string noun = kind_noun(channel_for(new_display));
  const std::string masked = mask_login_id(new_display);
  if (b.sms()) {
    return b.sms_message(format_jst(at) + "に" + pass + "の" + noun + "が変更されました（変更後：" +
                         masked + "）。心当たりのない場合は、事業所にお問い合わせください。");
  }
  return b.email(noun + "が変更されました", "アカウント",
                 format_jst(at) + "に" + pass + "の" + noun + "が変更されました。\n" + "変更後の" +
                     noun + "：" + masked + "\n" + "今後は変更後の" + noun +
                     "でログインしてください。変更前の" + noun + "ではログインできません。\n\n",
                 "※本メールに心当たりのない場合は、第三者に変更された可能性があります。事業所にお問"
                 "い合わせください。");
}

Message Templates::contact_taken(const std::string& to, core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string& pass = brand_.pass;
  const std::string noun = kind_noun(channel_for(to));
  if (b.sms()) {
    return b.sms_message(b.here() + "は既に別の" + pass + "で登録されているため、" + noun +
                         "を変更できませんでした。別の" + noun + "で手続きしてください。\n" +
                         kSmsIgnoreIfUnknown);
  }
  return b.email(noun + "を変更できませんでした", "アカウント",
                 format_jst(at) + "に" + pass + "の" + noun + "を" + b.here() +
                     "へ変更する手続きを受け付けましたが、" + b.here() + "は既に別の" + pass +
                     "で登録されているため、変更できませんでした。\n" + "別の" + noun +
                     "で、もう一度手続きを行ってください。\n\n");
}

Message Templates::login_locked(const std::string& to, int minutes, core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string until = format_jst(at + std::int64_t{minutes} * core::kMinute);
  const std::string span = std::to_string(minutes) + "分間";
  if (b.sms()) {
    return b.sms_message(
        "ログインの失敗が続いたため、" + until + "まで" + b.here() +
        "でのログインを制限しています。心当たりのない場合は、パスワードの再設定をおすすめします。");
  }
  return b.email("ログインを一時的に制限しました", "アカウント",
                 "ログインの失敗が続いたため、" + format_jst(at) + "から" + span + "、" + b.here() +
                     "でのログインを制限しています。\n" + until +
                     "以降に、もう一度ログインしてください。\n" + "パスワードをお忘れの場合は、" +
                     kForgotLink + "から再設定できます。\n\n",
                 "※本メールに心当たりのない場合は、第三者がログインを試みた可能性があります。パスワ"
                 "ードの再設定をおすすめします。");
}

Message Templates::second_factor_changed(const std::string& to, SecondFactorChange change,
                                         core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string when = format_jst(at) + "に" + brand_.pass + "の";
  std::string subject, what;
  switch (change) {
    case SecondFactorChange::turned_on:
      subject = "2段階認証を設定しました";
      what = when +
             "2段階認証（認証アプリ）が設定されました。次回からは、パスワードのあとに認証アプリの確"
             "認コードを入力してログインします。";
      break;
    case SecondFactorChange::turned_off:
      subject = "2段階認証をオフにしました";
      what = when + "2段階認証がオフになりました。次回からは、パスワードだけでログインします。";
      break;
    case SecondFactorChange::reset_by_facility:
      subject = "2段階認証がリセットされました";
      what = when +
             "2段階認証が、事業所の管理者によってリセットされました。次回のログインで、あらためて設"
             "定してください。";
      break;
    case SecondFactorChange::recovery_codes_renewed:
      subject = "リカバリーコードを作り直しました";
      what = when + "リカバリーコードが作り直されました。以前のリカバリーコードは使えません。";
      break;
    case SecondFactorChange::recovery_code_used:
      subject = "リカバリーコードでログインしました";
      what = when +
             "アカウントに、リカバリーコードでログインしました。使ったコードは二度と使えません。残"
             "りが少なくなったら、アカウント管理で作り直してください。";
      break;
    case SecondFactorChange::passkey_added:
      subject = "パスキーを登録しました";
      what = when +
             "アカウントにパスキーが登録されました。登録した端末では、パスキーでログインできます。";
      break;
    case SecondFactorChange::passkey_removed:
      subject = "パスキーを削除しました";
      what = when + "アカウントからパスキーが1つ削除されました。その端末ではパスキーを使えません。";
      break;
  }
  const std::string warning =
      "心当たりのない場合は、第三者がログインした可能性があります。パスワードを再設定し、事業所にお"
      "問い合わせください。";
  if (b.sms()) return b.sms_message(what + warning);
  return b.email(subject, "アカウント", what + "\n\n", "※本メールに" + warning);
}

}  // namespace carelive::notify

namespace carelive::notify {

Message Templates::application_received(const std::string& to, const std::string& facility,
                                        const std::string& resident_name,
                                        const std::string& console_url) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return b.live_sms(facility + "の" + resident_name + "様について、新しい利用申請があります。\n" +
                      console_url);
  }
  return b.live_email(
      "新しい利用申請があります",
      facility + "の" + resident_name +
          "様について、新しい利用申請がありました。\n"
          "下記のURLから職員画面を開き、「利用申請」で承認または却下してください。\n" +
          url_block(console_url));
}

Message Templates::application_approved(const std::string& to, const std::string& facility,
                                        const std::string& resident_name,
                                        const std::string& login_url) const {
  Builder b(brand_, sealer_, to);
  // Which application: someone may have applied for more than one resident.
  const std::string what = facility + "への利用申請（" + resident_name + "様）が承認されました。";
  if (b.sms()) {
    return b.live_sms(what + "下記のURLからログインしてください。\n" + login_url + "\n" +
                      kSmsIgnoreIfUnknown);
  }
  // Manual STEP.1: 【CAREKARTE Live】利用申請が承認されました。
  return b.live_email("利用申請が承認されました", what +
                                                      "\n下記のURLへアクセスし、確認してください。"
                                                      "\n\n■ログイン情報\nログインURL : " +
                                                      login_url + "\n\n");
}

Message Templates::application_rejected(const std::string& to, const std::string& facility) const {
  Builder b(brand_, sealer_, to);
  const std::string text = facility +
                           "への利用申請は承認されませんでした。\n"
                           "お心当たりのない場合やご不明な点は、事業所までお問い合わせください。\n";
  if (b.sms()) return b.live_sms(text);
  return b.live_email("利用申請について", text + "\n");
}

Message Templates::staff_welcome(const std::string& to, const std::string& facility,
                                 const std::string& url, core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return b.live_sms(
        facility +
        "の職員として登録されました。24時間以内に下記のURLからパスワードを設定してください。\n" +
        url);
  }
  return b.live_email("職員として登録されました",
                      format_jst(at) + "に" + facility +
                          "の職員として登録されました。\n"
                          "下記のURLからパスワードを設定し、ログインしてください。\n"
                          "URLの有効期限は送信時刻から24時間です。\n" +
                          url_block(url));
}

Message Templates::staff_invitation(const std::string& to, const std::string& facility,
                                    bool as_admin, const std::string& url,
                                    core::UnixSeconds at) const {
  Builder b(brand_, sealer_, to);
  const std::string role = as_admin ? "職員（管理者）" : "職員";
  if (b.sms()) {
    return b.live_sms(facility + "から" + role +
                      "としての招待が届きました。承諾する場合は24時間以内に下記のURLを開き、"
                      "ログインしてください。\n" +
                      url);
  }
  return b.live_email(role + "としての招待が届きました",
                      format_jst(at) + "に" + facility + "から" + role +
                          "としての招待が届きました。\n"
                          "承諾する場合は、下記のURLを開き、お使いの" +
                          brand_.pass +
                          "でログインして「承諾する」を押してください。\n"
                          "URLの有効期限は送信時刻から24時間です。\n"
                          "お心当たりのない場合は、このメッセージを破棄してください。\n" +
                          url_block(url));
}

namespace {

// 「■日時」 and 「■事業所より」 blocks of a call message (the manual's ■ layout).
std::string call_details(const CallNotice& call, const std::string& previous_when = "") {
  std::string out = "■利用者様\n" + call.resident_name + "様（" + call.facility + "）\n";
  if (!previous_when.empty()) out += "■変更前の日時\n" + previous_when + "\n";
  out += (previous_when.empty() ? "■日時\n" : "■変更後の日時\n") + call.when + "\n";
  if (!call.note.empty()) out += "■事業所より\n" + call.note + "\n";
  return out;
}

// Manual chapter 2: open 「ビデオ通話」 at the agreed time and wait; the screen changes by itself.
constexpr const char* kHowToJoin =
    "当日は予定の時刻になりましたら、下記のURLから通話画面を開いてお待ちください。"
    "事業所が通話を開始すると、画面が自動で切り替わります。\n";
// The reminder comes shortly before the time: open the screen now.
constexpr const char* kJoinNow =
    "下記のURLから通話画面を開いてお待ちください。"
    "事業所が通話を開始すると、画面が自動で切り替わります。\n";

// SMS stay within 200 characters (what every message's test holds): the note goes along only
// when it fits; the email always carries it.
constexpr int kSmsMax = 200;
Message sms_with_note(const Builder& b, const CallNotice& call, const std::string& before,
                      const std::string& after) {
  Message with =
      b.live_sms(before + (call.note.empty() ? "" : "事業所より：" + call.note + "\n") + after);
  if (core::char_count(with.body) <= kSmsMax) return with;
  return b.live_sms(before + after);
}

}  // namespace

Message Templates::call_scheduled(const std::string& to, const CallNotice& call) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return sms_with_note(
        b, call,
        call.resident_name + "様（" + call.facility + "）とのビデオ通話を" + call.when +
            "に予定しました。\n",
        "時刻になりましたら下記のURLから通話画面を開いてお待ちください。\n" + call.call_url);
  }
  return b.live_email("ビデオ通話の予定",
                      call.facility + "より、ビデオ通話の予定をお知らせします。\n\n" +
                          call_details(call) + "\n" + kHowToJoin + url_block(call.call_url));
}

Message Templates::call_changed(const std::string& to, const CallNotice& call,
                                const std::string& previous_when) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return sms_with_note(
        b, call,
        call.resident_name + "様（" + call.facility + "）とのビデオ通話の予定が" +
            (previous_when.empty() ? "変更されました（" + call.when + "）。\n"
                                   : previous_when + "から" + call.when + "に変更されました。\n"),
        call.call_url);
  }
  return b.live_email(
      "ビデオ通話の予定が変更されました",
      call.facility + "より、ビデオ通話の予定が変更されたことをお知らせします。\n\n" +
          call_details(call, previous_when) + "\n" + kHowToJoin + url_block(call.call_url));
}

Message Templates::call_cancelled(const std::string& to, const CallNotice& call) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return b.live_sms(call.when + "に予定していた" + call.resident_name + "様（" + call.facility +
                      "）とのビデオ通話は取り消されました。");
  }
  CallNotice shown = call;
  shown.note.clear();  // the note was about the call that no longer takes place
  return b.live_email("ビデオ通話の予定が取り消されました",
                      call.facility +
                          "より、下記のビデオ通話の予定が取り消されたことをお知らせします。\n\n" +
                          call_details(shown) + "\nご不明な点は、" + call.facility +
                          "までお問い合わせください。\n\n");
}

Message Templates::call_reminder(const std::string& to, const CallNotice& call) const {
  Builder b(brand_, sealer_, to);
  if (b.sms()) {
    return sms_with_note(b, call,
                         "まもなく" + call.resident_name + "様（" + call.facility +
                             "）とのビデオ通話の時間です（" + call.when + "）。\n",
                         "下記のURLから通話画面を開いてお待ちください。\n" + call.call_url);
  }
  return b.live_email("まもなくビデオ通話の時間です",
                      "まもなく、" + call.facility + "とのビデオ通話の時間です。\n\n" +
                          call_details(call) + "\n" + kJoinNow + url_block(call.call_url));
}

// ---- Web Push notices

PushNotice Templates::push_call_started(const std::string& facility,
                                        const std::string& resident_name,
                                        std::int64_t resident_id) const {
  return {facility + "からビデオ通話です",
          resident_name + "様とのビデオ通話が届いています。タップすると通話画面が開きます。",
          "/live/residents/" + std::to_string(resident_id) + "/call",
          "call-" + std::to_string(resident_id),
          "high",
          60};
}

PushNotice Templates::push_call_ended(const std::string& facility, const std::string& resident_name,
                                      std::int64_t resident_id) const {
  return {"通話は終了しました",
          facility + "からのビデオ通話（" + resident_name + "様）は終了しました。",
          "/live/residents/" + std::to_string(resident_id),
          "call-" + std::to_string(resident_id),
          "normal",
          core::kHour};
}

PushNotice Templates::push_application_approved(const std::string& facility,
                                                const std::string& resident_name,
                                                std::int64_t resident_id) const {
  return {"利用申請が承認されました",
          facility + "が、" + resident_name + "様についての利用申請を承認しました。",
          "/live/residents/" + std::to_string(resident_id),
          "approved-" + std::to_string(resident_id),
          "normal",
          7 * core::kDay};
}

PushNotice Templates::push_call_scheduled(const CallNotice& call, std::int64_t resident_id,
                                          std::int64_t schedule_id) const {
  return {"ビデオ通話の予定",
          call.resident_name + "様（" + call.facility + "）とのビデオ通話：" + call.when,
          "/live/residents/" + std::to_string(resident_id),
          "schedule-" + std::to_string(schedule_id),
          "normal",
          core::kDay};
}

PushNotice Templates::push_call_reminder(const CallNotice& call, std::int64_t resident_id,
                                         std::int64_t schedule_id) const {
  return {"まもなくビデオ通話です",
          call.when + "から、" + call.resident_name + "様（" + call.facility +
              "）とのビデオ通話です。時間になりましたら通話画面を開いてお待ちください。",
          "/live/residents/" + std::to_string(resident_id) + "/call",
          "schedule-" + std::to_string(schedule_id),
          "high",
          core::kHour};
}

PushNotice Templates::push_announcement(const std::string& title,
                                        std::int64_t announcement_id) const {
  return {"新しい案内があります",
          title,
          "/live/announcements/" + std::to_string(announcement_id),
          "announcement-" + std::to_string(announcement_id),
          "low",
          7 * core::kDay};
}

}  // namespace carelive::notify
