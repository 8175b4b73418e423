#include "pass/validation.hpp"

#include <gtest/gtest.h>

#include "core/phone.hpp"
#include "core/text.hpp"
#include "pass/password_policy.hpp"
#include "testing/password.hpp"

namespace carelive::pass {
namespace {

core::FieldErrors errors_of(const std::function<void(core::FieldErrorSet&)>& fn) {
  core::FieldErrorSet set;
  fn(set);
  try {
    set.throw_if_any();
  } catch (const core::Error& e) {
    return e.fields();
  }
  return {};
}

TEST(NameValidation, AcceptsFullWidthNames) {
  core::FieldErrorSet e;
  EXPECT_EQ(check_name("family_name", " 富士田　", e), "富士田");
  EXPECT_EQ(check_name("given_name", "熊吉", e), "熊吉");
  EXPECT_EQ(check_name("given_name", "ジョン", e), "ジョン");
  EXPECT_TRUE(e.empty());
}

TEST(NameValidation, RejectsHalfWidthAndEmptyAndLong) {
  auto f = errors_of([](auto& e) {
    check_name("family_name", "Fujita", e);
    check_name("given_name", "", e);
  });
  EXPECT_EQ(f["family_name"], std::vector<std::string>{"not_fullwidth"});
  EXPECT_EQ(f["given_name"], std::vector<std::string>{"required"});
  std::string long_name;
  for (int i = 0; i < kNameMax + 1; ++i) long_name += "あ";
  auto g = errors_of([&](auto& e) { check_name("family_name", long_name, e); });
  EXPECT_EQ(g["family_name"], std::vector<std::string>{"too_long"});
  auto h = errors_of([](auto& e) { check_name("family_name", "ｶﾀｶﾅ", e); });
  EXPECT_EQ(h["family_name"], std::vector<std::string>{"not_fullwidth"});
}

TEST(KanaValidation, ConvertsKatakanaToHiragana) {
  core::FieldErrorSet e;
  EXPECT_EQ(check_kana("k", "フジタ", e), "ふじた");
  EXPECT_EQ(check_kana("k", "ｸﾏｷﾁ", e), "くまきち");  // half-width katakana too
  EXPECT_EQ(check_kana("k", "ゆーじ", e), "ゆーじ");
  EXPECT_TRUE(e.empty());
}

TEST(KanaValidation, RejectsKanjiAndLatin) {
  auto f = errors_of([](auto& e) {
    check_kana("a", "富士田", e);
    check_kana("b", "fujita", e);
  });
  EXPECT_EQ(f["a"], std::vector<std::string>{"not_hiragana"});
  EXPECT_EQ(f["b"], std::vector<std::string>{"not_hiragana"});
}

TEST(EmailValidation, NormalisesCaseAndFullWidth) {
  EXPECT_EQ(normalize_email(" Kuma@Example.JP "), "kuma@example.jp");
  EXPECT_EQ(normalize_email("ｋｕｍａ＠ｅｘａｍｐｌｅ．ｊｐ"), "kuma@example.jp");
  EXPECT_FALSE(normalize_email("kuma@example"));
  EXPECT_FALSE(normalize_email("kuma@@example.jp"));
  EXPECT_FALSE(normalize_email("ku ma@example.jp"));
  EXPECT_FALSE(normalize_email("@example.jp"));
  EXPECT_FALSE(normalize_email(std::string(250, 'a') + "@example.jp"));
}

TEST(PhoneValidation, ParsesJapaneseMobileInAnyFormatting) {
  for (const char* in : {"090-1234-5678", "09012345678", "090 1234 5678", "+81 90-1234-5678",
                         "０９０－１２３４－５６７８", "(090)1234-5678"}) {
    auto p = core::parse_mobile_jp(in);
    ASSERT_TRUE(p.number) << in;
    EXPECT_EQ(p.number->e164, "+819012345678") << in;
    EXPECT_EQ(p.number->display, "090-1234-5678") << in;
  }
  EXPECT_EQ(core::parse_mobile_jp("070-1234-5678").number->e164, "+817012345678");
  EXPECT_EQ(core::parse_mobile_jp("080-1234-5678").number->e164, "+818012345678");
}

TEST(PhoneValidation, RejectsLandlinesAndGarbage) {
  EXPECT_EQ(core::parse_mobile_jp("03-1234-5678").problem, core::PhoneProblem::not_mobile);
  EXPECT_FALSE(core::parse_mobile_jp("03-1234-5678").number);
  EXPECT_FALSE(core::parse_mobile_jp("090-1234").number);
  EXPECT_FALSE(core::parse_mobile_jp("abc").number);
  EXPECT_FALSE(core::parse_mobile_jp("+1 202 555 0100").number);
}

TEST(LoginId, AcceptsEmailOrPhoneInAnyFormatting) {
  EXPECT_EQ(normalize_login_id("KUMA@example.jp").value, "kuma@example.jp");
  EXPECT_EQ(normalize_login_id("090 1234 5678").value, "+819012345678");
  EXPECT_EQ(normalize_login_id("+819012345678").value, "+819012345678");
  EXPECT_EQ(normalize_login_id("nobody").kind, LoginId::Kind::unknown);
}

TEST(PasswordPolicy, AcceptsPolicyConformingPassword) {
  EXPECT_TRUE(password_rule_violations(carelive::testing::kPassword).empty());
  EXPECT_TRUE(check_new_password(carelive::testing::kPassword).empty());
}

TEST(PasswordPolicy, EachBrokenRuleHasItsOwnCode) {
  EXPECT_EQ(password_rule_violations("Ab1!"), std::vector<std::string>{"password_too_short"});
  EXPECT_EQ(password_rule_violations("abcdefg1!"),
            std::vector<std::string>{"password_missing_upper"});
  EXPECT_EQ(password_rule_violations("ABCDEFG1!"),
            std::vector<std::string>{"password_missing_lower"});
  EXPECT_EQ(password_rule_violations("Abcdefgh!"),
            std::vector<std::string>{"password_missing_digit"});
  EXPECT_EQ(password_rule_violations("Abcdefgh1"),
            std::vector<std::string>{"password_missing_symbol"});
  EXPECT_EQ(password_rule_violations("abc"),
            (std::vector<std::string>{"password_too_short", "password_missing_upper",
                                      "password_missing_digit", "password_missing_symbol"}));
  EXPECT_EQ(password_rule_violations(""), std::vector<std::string>{"required"});
}

// SPEC 14: a space or a full-width character gets one plain message, not five rule errors.
TEST(PasswordPolicy, ASpaceOrAFullWidthCharacterIsNamedAlone) {
  EXPECT_EQ(password_rule_violations("Fujita#Kuma9 "), std::vector<std::string>{"password_space"});
  EXPECT_EQ(password_rule_violations("ふじた　くま"), std::vector<std::string>{"password_space"});
  EXPECT_EQ(password_rule_violations("a b"), std::vector<std::string>{"password_space"});
  EXPECT_EQ(password_rule_violations("Ｆｕｊｉｔａ＃２０２４"),
            std::vector<std::string>{"password_fullwidth"});
  EXPECT_EQ(password_rule_violations("Ｆujita#Kuma9"),
            std::vector<std::string>{"password_fullwidth"});
  EXPECT_EQ(password_rule_violations("ふじた"), std::vector<std::string>{"password_fullwidth"});
}

TEST(PasswordPolicy, RejectsSymbolOutsideAllowedSet) {
  EXPECT_EQ(password_rule_violations("Fujita*Kuma9"),
            (std::vector<std::string>{"password_invalid_char", "password_missing_symbol"}));
  EXPECT_EQ(password_rule_violations("Fujita_Kuma9!"),
            std::vector<std::string>{"password_invalid_char"});
  EXPECT_EQ(password_rule_violations(std::string(65, 'a') + "A1!"),
            std::vector<std::string>{"too_long"});
}

TEST(PasswordPolicy, RejectsCommonPasswordsThatMeetThePolicy) {
  EXPECT_TRUE(password_rule_violations("Password1!").empty());
  EXPECT_EQ(check_new_password("Password1!"), std::vector<std::string>{"password_common"});
  EXPECT_EQ(check_new_password("Qwerty12!"), std::vector<std::string>{"password_common"});
}

}  // namespace
}  // namespace carelive::pass
