#include "notify/templates.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace carelive::notify {
namespace {

// 2023-11-15 05:37:00 UTC = 2023/11/15 14:37 in Japan (the manual's example mail).
constexpr core::UnixSeconds kAt = 1'700'026'620;
const std::string kEmail = "hanako@example.jp";
const std::string kPhone = "+819012345678";
const std::string kUrl = "https://carelive.example.jp/pass/confirm?token=AbC123_-xyz";
const std::string kResetUrl = "https://carelive.example.jp/pass/reset";
const std::string kLoginUrl = "https://carelive.example.jp/login";

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A URL alone on its line, so that mail apps and SMS apps link all of it.
bool url_on_own_line(const std::string& body, const std::string& url) {
  const std::string line = "\n" + url;
  const bool last =
      body.size() >= line.size() && body.compare(body.size() - line.size(), line.size(), line) == 0;
  return last || contains("\n" + body, line + "\n");
}

int code_points(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Every template for one recipient, so rules that hold for all of them are checked on all.
std::vector<Message> all_messages(const Templates& t, const std::string& to) {
  return {t.signup_provisional(to, kUrl, kAt),
          t.signup_account_exists(to, kResetUrl, kLoginUrl, kAt),
          t.signup_completed(to, kLoginUrl),
          t.password_reset(to, kUrl, kAt),
          t.password_changed(to, kAt),
          t.contact_verify(to, kUrl, kAt),
          t.contact_changed(to, "taro.fuji@example.jp", kAt),
          t.contact_changed(to, "090-1234-5678", kAt),
          t.contact_taken(to, kAt),
          t.login_locked(to, 15, kAt),
          t.second_factor_changed(to, SecondFactorChange::turned_on, kAt),
          t.second_factor_changed(to, SecondFactorChange::turned_off, kAt),
          t.second_factor_changed(to, SecondFactorChange::reset_by_facility, kAt),
          t.second_factor_changed(to, SecondFactorChange::recovery_codes_renewed, kAt),
          t.second_factor_changed(to, SecondFactorChange::recovery_code_used, kAt),
          t.second_factor_changed(to, SecondFactorChange::passkey_added, kAt),
          t.second_factor_changed(to, SecondFactorChange::passkey_removed, kAt)};
}

TEST(TemplatesFormatJst, ShowsJapanTimeAsInTheManual) {
  EXPECT_EQ(format_jst(kAt), "2023/11/15 14:37");
  EXPECT_EQ(format_jst(0), "1970/01/01 09:00");
  // 2023-12-31 15:00 UTC is already New Year in Japan.
  EXPECT_EQ(format_jst(1'704'034'800), "2024/01/01 00:00");
  EXPECT_EQ(format_jst(1'704'034'799), "2023/12/31 23:59");
}

TEST(TemplatesTest, SignupProvisionalEmailFollowsTheManual) {
  const Templates t{Brand{}};
  const Message m = t.signup_provisional(kEmail, kUrl, kAt);
  EXPECT_EQ(m.channel, Channel::email);
  EXPECT_EQ(m.to, kEmail);
  EXPECT_EQ(m.subject, "【CareLive Pass】CareLive Passに仮登録されました");
  EXPECT_EQ(m.body.rfind("本メールは、CareLive Passの利用に関するお知らせです。\n", 0), 0u);
  EXPECT_TRUE(contains(m.body, "2023/11/15 14:37にこちらのメールアドレスで仮登録を行いました。\n"));
  EXPECT_TRUE(contains(m.body, "下記のURLをクリックし、本登録をしてください。\n"));
  EXPECT_TRUE(contains(m.body, "URLの有効期限は受付時刻から24時間です。\n"));
  EXPECT_TRUE(url_on_own_line(m.body, kUrl));
  EXPECT_TRUE(contains(m.body,
                       "※本メールに心当たりのない場合は、破棄してください。\n"
                       "※本メールはシステムからの自動配信です。返信はできません。\n"));
  EXPECT_TRUE(contains(m.body, "\n\nCareLive\n"));
}

TEST(TemplatesTest, SignupProvisionalSmsIsShortWithTheUrlOnItsOwnLine) {
  const Templates t{Brand{}};
  const Message m = t.signup_provisional(kPhone, kUrl, kAt);
  EXPECT_EQ(m.channel, Channel::sms);
  EXPECT_EQ(m.to, kPhone);
  EXPECT_TRUE(m.subject.empty());
  EXPECT_EQ(m.body.rfind("【CareLive Pass】", 0), 0u);
  EXPECT_TRUE(contains(m.body, "24時間"));
  EXPECT_TRUE(url_on_own_line(m.body, kUrl));
  EXPECT_FALSE(contains(m.body, "本メール"));
  EXPECT_LE(code_points(m.body), 200);
}

TEST(TemplatesTest, PasswordResetHasTheManualsSubjectUrlAnd24Hours) {
  const Templates t{Brand{}};
  const Message m = t.password_reset(kEmail, kUrl, kAt);
  EXPECT_EQ(m.subject, "【CareLive Pass】パスワードの再設定を受け付けました");
  EXPECT_EQ(m.body.rfind("本メールは、CareLive Passのアカウントに関するお知らせです。\n", 0), 0u);
  EXPECT_TRUE(contains(m.body, "2023/11/15 14:37にパスワードの再設定を受け付けました。\n"));
  EXPECT_TRUE(contains(m.body, "URLの有効期限は送信時刻から24時間です。\n"));
  EXPECT_TRUE(url_on_own_line(m.body, kUrl));

  const Message sms = t.password_reset(kPhone, kUrl, kAt);
  EXPECT_EQ(sms.channel, Channel::sms);
  EXPECT_TRUE(contains(sms.body, "24時間"));
  EXPECT_TRUE(url_on_own_line(sms.body, kUrl));
}

TEST(TemplatesTest, AccountExistsPointsToLoginAndResetWithoutSigningUp) {
  const Templates t{Brand{}};
  for (const auto& to : {kEmail, kPhone}) {
    const Message m = t.signup_account_exists(to, kResetUrl, kLoginUrl, kAt);
    EXPECT_EQ(m.channel, channel_for(to));
    EXPECT_TRUE(contains(m.body, "登録済み")) << m.body;
    EXPECT_TRUE(contains(m.body, "作成されていません")) << m.body;
    EXPECT_TRUE(url_on_own_line(m.body, kResetUrl)) << m.body;
    EXPECT_TRUE(url_on_own_line(m.body, kLoginUrl)) << m.body;
    EXPECT_FALSE(contains(m.body, "本登録をしてください")) << m.body;
    EXPECT_FALSE(contains(m.body, "token=")) << m.body;
  }
  EXPECT_EQ(t.signup_account_exists(kEmail, kResetUrl, kLoginUrl, kAt).subject,
            "【CareLive Pass】CareLive Passは登録済みです");
}

TEST(TemplatesTest, SubjectsFollowTheManualsStyle) {
  const Templates t{Brand{}};
  EXPECT_EQ(t.signup_completed(kEmail, kLoginUrl).subject,
            "【CareLive Pass】CareLive Passの登録が完了しました");
  EXPECT_EQ(t.password_changed(kEmail, kAt).subject, "【CareLive Pass】パスワードが変更されました");
  EXPECT_EQ(t.contact_verify(kEmail, kUrl, kAt).subject,
            "【CareLive Pass】メールアドレスの変更を受け付けました");
  EXPECT_EQ(t.contact_changed(kEmail, kPhone, kAt).subject,
            "【CareLive Pass】携帯電話番号が変更されました");
  EXPECT_EQ(t.contact_taken(kEmail, kAt).subject,
            "【CareLive Pass】メールアドレスを変更できませんでした");
  EXPECT_EQ(t.login_locked(kEmail, 15, kAt).subject,
            "【CareLive Pass】ログインを一時的に制限しました");
}

TEST(TemplatesTest, EveryEmailHasASubjectAndEverySmsNone) {
  const Templates t{Brand{}};
  for (const auto& m : all_messages(t, kEmail)) {
    EXPECT_EQ(m.channel, Channel::email);
    EXPECT_EQ(m.subject.rfind("【CareLive Pass】", 0), 0u) << m.subject;
    EXPECT_TRUE(contains(m.body, "※本メールはシステムからの自動配信です。返信はできません。"));
  }
  for (const auto& m : all_messages(t, kPhone)) {
    EXPECT_EQ(m.channel, Channel::sms);
    EXPECT_TRUE(m.subject.empty());
    EXPECT_EQ(m.body.rfind("【CareLive Pass】", 0), 0u) << m.body;
    EXPECT_LE(code_points(m.body), 200) << m.body;
  }
}

TEST(TemplatesTest, BodiesWithALinkAreSealedWithTheServersKey) {
  const Sealer sealer(std::string(48, 's'));
  const Templates t{Brand{}, sealer};
  const std::string url = "https://carelive.test/pass/confirm?token=Tok";
  for (const Message& m :
       {t.signup_provisional("a@example.jp", url, 0), t.password_reset("+819012345678", url, 0),
        t.contact_verify("a@example.jp", url, 0), t.staff_welcome("a@example.jp", "ふじ園", url, 0),
        t.staff_invitation("+819012345678", "ふじ園", true, url, 0)}) {
    ASSERT_FALSE(m.sealed.empty()) << m.subject;
    EXPECT_EQ(m.sealed.find("Tok"), std::string::npos);
    EXPECT_EQ(sealer.open(m.sealed), m.body);
  }
  EXPECT_TRUE(t.password_changed("a@example.jp", 0).sealed.empty());
  // Without a key nothing is sealed, and such a message cannot be stored (enqueue refuses it).
  EXPECT_TRUE(Templates{Brand{}}.password_reset("a@example.jp", url, 0).sealed.empty());
  EXPECT_THROW(Sealer(std::string(48, 'x')).open(sealer.seal("本文")), std::runtime_error);
  EXPECT_THROW(sealer.open("not base64!"), std::runtime_error);
}

TEST(TemplatesTest, NoMessageCarriesAPassword) {
  // The manual's old flow mailed a 『ログイン用パスワード』; SPEC 2 forbids any password in a
  // message.
  const Templates t{Brand{}};
  for (const auto& to : {kEmail, kPhone}) {
    for (const auto& m : all_messages(t, to)) {
      for (const char* banned :
           {"ログイン用パスワード", "仮パスワード", "パスワード：", "パスワード:", "password"}) {
        EXPECT_FALSE(contains(m.subject + m.body, banned)) << banned << " in\n" << m.body;
      }
    }
  }
}

TEST(TemplatesTest, LinksAreOnTheirOwnLines) {
  const Templates t{Brand{}};
  for (const auto& to : {kEmail, kPhone}) {
    EXPECT_TRUE(url_on_own_line(t.signup_provisional(to, kUrl, kAt).body, kUrl));
    EXPECT_TRUE(url_on_own_line(t.password_reset(to, kUrl, kAt).body, kUrl));
    EXPECT_TRUE(url_on_own_line(t.contact_verify(to, kUrl, kAt).body, kUrl));
    EXPECT_TRUE(url_on_own_line(t.signup_completed(to, kLoginUrl).body, kLoginUrl));
  }
}

TEST(TemplatesTest, ContactVerifyNamesTheNewIdAnd24Hours) {
  const Templates t{Brand{}};
  const Message mail = t.contact_verify(kEmail, kUrl, kAt);
  EXPECT_TRUE(contains(mail.body,
                       "メールアドレスをこちらのメールアドレスへ変更する手続きを受け付けました"));
  EXPECT_TRUE(contains(mail.body, "24時間"));
  const Message sms = t.contact_verify(kPhone, kUrl, kAt);
  EXPECT_TRUE(contains(sms.body, "携帯電話番号をこちらの携帯電話番号へ変更する"));
  EXPECT_TRUE(contains(sms.body, "24時間"));
}

TEST(TemplatesTest, ContactChangedShowsTheNewValueMasked) {
  const Templates t{Brand{}};
  const Message mail = t.contact_changed(kEmail, "taro.fuji@example.jp", kAt);
  EXPECT_TRUE(contains(mail.body, "変更後のメールアドレス：ta***@example.jp")) << mail.body;
  EXPECT_FALSE(contains(mail.body, "taro.fuji"));
  const Message phone = t.contact_changed(kEmail, "090-1234-5678", kAt);
  EXPECT_TRUE(contains(phone.body, "変更後の携帯電話番号：090-****-5678")) << phone.body;
  const Message premasked = t.contact_changed(kPhone, "t***@example.jp", kAt);
  EXPECT_TRUE(contains(premasked.body, "t***@example.jp")) << premasked.body;
}

TEST(TemplatesTest, LoginLockedSaysUntilWhen) {
  const Templates t{Brand{}};
  const Message m = t.login_locked(kEmail, 15, kAt);
  EXPECT_TRUE(contains(m.body, "2023/11/15 14:37から15分間")) << m.body;
  EXPECT_TRUE(contains(m.body, "2023/11/15 14:52以降")) << m.body;
  EXPECT_TRUE(contains(m.body, "「パスワードを忘れた方はこちら」"));
  EXPECT_TRUE(contains(t.login_locked(kPhone, 15, kAt).body, "2023/11/15 14:52まで"));
}

TEST(TemplatesTest, BrandNamesComeFromConfig) {
  const Templates t{
      Brand{"ふじLive", "ふじPass", "株式会社ふじケア", "https://fuji-care.example.jp/"}};
  const Message m = t.signup_provisional(kEmail, kUrl, kAt);
  EXPECT_EQ(m.subject, "【ふじPass】ふじPassに仮登録されました");
  EXPECT_TRUE(contains(m.body, "本メールは、ふじPassの利用に関するお知らせです。"));
  const std::string signature = "\n\n株式会社ふじケア\nhttps://fuji-care.example.jp/\n";
  EXPECT_EQ(m.body.compare(m.body.size() - signature.size(), signature.size(), signature), 0)
      << m.body;
  for (const auto& to : {kEmail, kPhone})
    for (const auto& msg : all_messages(t, to))
      EXPECT_FALSE(contains(msg.subject + msg.body, "CareLive")) << msg.body;
}

// Scheduled video calls (SPEC 7).
const CallNotice kCall{"ふじ園", "駿河市子", "2026年12月1日（火）14:00", "お誕生日のお祝いをします",
                       "https://carelive.example.jp/live/residents/7/call"};

std::vector<Message> call_messages(const Templates& t, const std::string& to,
                                   const CallNotice& call = kCall) {
  return {t.call_scheduled(to, call), t.call_changed(to, call, ""),
          t.call_changed(to, call, "2026年11月30日（月）10:00"), t.call_cancelled(to, call),
          t.call_reminder(to, call)};
}

TEST(TemplatesTest, CallEmailsNameTheResidentTheTimeAndTheCallScreen) {
  const Templates t{Brand{}};
  EXPECT_EQ(t.call_scheduled(kEmail, kCall).subject, "【CareLive】ビデオ通話の予定");
  EXPECT_EQ(t.call_reminder(kEmail, kCall).subject, "【CareLive】まもなくビデオ通話の時間です");
  EXPECT_EQ(t.call_changed(kEmail, kCall, "").subject,
            "【CareLive】ビデオ通話の予定が変更されました");
  EXPECT_EQ(t.call_cancelled(kEmail, kCall).subject,
            "【CareLive】ビデオ通話の予定が取り消されました");
  for (const auto& m : call_messages(t, kEmail)) {
    EXPECT_EQ(m.channel, Channel::email);
    EXPECT_TRUE(contains(m.body, "駿河市子様（ふじ園）")) << m.body;
    EXPECT_TRUE(contains(m.body, "2026年12月1日（火）14:00")) << m.body;
    EXPECT_TRUE(contains(m.body, "※本メールはシステムからの自動配信です。")) << m.body;
  }
  const auto scheduled = t.call_scheduled(kEmail, kCall);
  EXPECT_TRUE(url_on_own_line(scheduled.body, kCall.call_url)) << scheduled.body;
  EXPECT_TRUE(contains(scheduled.body, "■事業所より\nお誕生日のお祝いをします")) << scheduled.body;
  EXPECT_TRUE(contains(scheduled.body, "通話画面を開いてお待ちください")) << scheduled.body;
  EXPECT_TRUE(url_on_own_line(t.call_reminder(kEmail, kCall).body, kCall.call_url));
  // The reminder comes shortly before: open the screen now, not "on the day".
  EXPECT_TRUE(contains(t.call_reminder(kEmail, kCall).body, "通話画面を開いてお待ちください"));
  EXPECT_FALSE(contains(t.call_reminder(kEmail, kCall).body, "当日は"));
  const auto moved = t.call_changed(kEmail, kCall, "2026年11月30日（月）10:00");
  EXPECT_TRUE(contains(moved.body,
                       "■変更前の日時\n2026年11月30日（月）10:00\n■変更後の日時\n"
                       "2026年12月1日（火）14:00"))
      << moved.body;
  // A cancelled call has nothing to open.
  EXPECT_FALSE(contains(t.call_cancelled(kEmail, kCall).body, kCall.call_url));
}

TEST(TemplatesTest, CallSmsAreShortAndKeepTheUrlWhateverTheNote) {
  const Templates t{Brand{}};
  CallNotice long_note = kCall;
  long_note.note = std::string();
  for (int i = 0; i < 100; ++i) long_note.note += "あ";
  for (const auto& call : {kCall, long_note}) {
    for (const auto& m : call_messages(t, kPhone, call)) {
      EXPECT_EQ(m.channel, Channel::sms);
      EXPECT_TRUE(m.subject.empty());
      EXPECT_EQ(m.body.rfind("【CareLive】", 0), 0u) << m.body;
      EXPECT_LE(code_points(m.body), 200) << m.body;
      EXPECT_TRUE(contains(m.body, "2026年12月1日（火）14:00")) << m.body;
    }
  }
  EXPECT_TRUE(url_on_own_line(t.call_reminder(kPhone, long_note).body, kCall.call_url));
  EXPECT_TRUE(
      contains(t.call_scheduled(kPhone, kCall).body, "事業所より：お誕生日のお祝いをします"));
}

TEST(TemplatesTest, CallMessagesUseTheConfiguredBrand) {
  const Templates t{Brand{"ふじLive", "ふじPass", "株式会社ふじケア", ""}};
  EXPECT_EQ(t.call_reminder(kEmail, kCall).subject, "【ふじLive】まもなくビデオ通話の時間です");
  for (const auto& to : {kEmail, kPhone})
    for (const auto& m : call_messages(t, to))
      EXPECT_FALSE(contains(m.subject + m.body, "CareLive")) << m.body;
}

}  // namespace
}  // namespace carelive::notify
