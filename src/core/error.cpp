#include "core/error.hpp"

#include <unordered_map>

namespace carelive::core {

Error::Error(std::string code, FieldErrors fields, std::optional<std::int64_t> retry_after)
    : std::runtime_error(code),
      code_(std::move(code)),
      fields_(std::move(fields)),
      retry_after_(retry_after) {}

namespace {
struct CodeInfo {
  int status;
  const char* message;
};

const std::unordered_map<std::string, CodeInfo>& code_table() {
  static const std::unordered_map<std::string, CodeInfo> table = {
      {"bad_json", {400, "リクエストの形式が正しくありません。"}},
      {"bad_request", {400, "リクエストの形式が正しくありません。"}},
      {"unauthenticated", {401, "ログインしてください。"}},
      {"login_failed", {401, "メールアドレス・携帯電話番号またはパスワードが正しくありません。"}},
      {"csrf_failed", {403, "画面を再読み込みしてから、もう一度お試しください。"}},
      {"forbidden", {403, "この操作を行う権限がありません。"}},
      {"terms_required", {403, "利用規約に同意してからご利用ください。"}},
      {"not_found", {404, "ページが見つかりません。"}},
      {"token_invalid", {404, "このURLは無効です。"}},
      {"method_not_allowed", {405, "この操作はできません。"}},
      {"token_expired", {410, "URLの有効期限（24時間）が切れています。"}},
      {"token_used", {410, "このURLはすでに使用されています。"}},
      {"already_decided", {409, "この利用申請はすでに処理されています。"}},
      {"last_admin", {409, "最後の管理者は削除できません。"}},
      {"self_removal", {409, "ご自身を職員から削除することはできません。"}},
      {"schedule_closed",
       {409, "この通話予定は取り消し済みか、開始時刻を過ぎているため変更できません。"}},
      {"payload_too_large", {413, "送信された内容が大きすぎます。"}},
      {"unsupported_media_type", {415, "リクエストの形式が正しくありません。"}},
      {"validation_failed", {422, "入力内容を確認してください。"}},
      {"login_throttled", {429, "ログインの試行が続いたため、一時的にログインを制限しています。"}},
      {"rate_limited",
       {429,
        "短い時間に何度も操作されたため、受け付けを一時的に止めています。しばらくしてからもう一度お"
        "試しください。"}},
      {"internal", {500, "システムエラーが発生しました。しばらくしてからもう一度お試しください。"}},
      {"unavailable", {503, "ただいま混み合っています。しばらくしてからもう一度お試しください。"}},
  };
  return table;
}
}  // namespace

int status_for_code(const std::string& code) {
  auto it = code_table().find(code);
  return it == code_table().end() ? 500 : it->second.status;
}

std::string default_message(const std::string& code) {
  auto it = code_table().find(code);
  return it == code_table().end() ? code_table().at("internal").message : it->second.message;
}

}  // namespace carelive::core
