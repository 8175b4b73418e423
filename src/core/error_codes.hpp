#pragma once

#include <string_view>

// Every error code CareLive answers with, over HTTP and over the call WebSocket alike, with its
// HTTP status and default Japanese text (docs/api.md "Errors"). The web app shows its own
// translation of each code (web/src/locales). One row per code: a code that is not here cannot
// be thrown, because core::Error takes only these.
namespace carelive::core {

struct ErrorCode {
  std::string_view name;  // stable, sent to clients: "not_found"
  int status;             // HTTP status; over the WebSocket only the name travels
  std::string_view message;
};

namespace codes {

// Requests the server cannot read.
inline constexpr ErrorCode kBadJson{"bad_json", 400, "リクエストの形式が正しくありません。"};
inline constexpr ErrorCode kBadRequest{"bad_request", 400, "リクエストの形式が正しくありません。"};
inline constexpr ErrorCode kPayloadTooLarge{"payload_too_large", 413,
                                            "送信された内容が大きすぎます。"};
inline constexpr ErrorCode kUnsupportedMediaType{"unsupported_media_type", 415,
                                                 "リクエストの形式が正しくありません。"};
inline constexpr ErrorCode kMethodNotAllowed{"method_not_allowed", 405, "この操作はできません。"};
inline constexpr ErrorCode kValidationFailed{"validation_failed", 422,
                                             "入力内容を確認してください。"};

// Who may do what.
inline constexpr ErrorCode kUnauthenticated{"unauthenticated", 401, "ログインしてください。"};
inline constexpr ErrorCode kLoginFailed{
    "login_failed", 401, "メールアドレス・携帯電話番号またはパスワードが正しくありません。"};
// A sign-in between the password and its second step (SPEC 15): only that step is open.
inline constexpr ErrorCode kSecondStepRequired{
    "second_step_required", 401, "ログインの2段階目（確認コード）を済ませてください。"};
inline constexpr ErrorCode kCsrfFailed{"csrf_failed", 403,
                                       "画面を再読み込みしてから、もう一度お試しください。"};
inline constexpr ErrorCode kForbidden{"forbidden", 403, "この操作を行う権限がありません。"};
inline constexpr ErrorCode kTermsRequired{"terms_required", 403,
                                          "利用規約に同意してからご利用ください。"};
inline constexpr ErrorCode kNotFound{"not_found", 404, "ページが見つかりません。"};

// Links sent by message (SPEC 2: 24 hours, single use).
inline constexpr ErrorCode kTokenInvalid{"token_invalid", 404, "このURLは無効です。"};
inline constexpr ErrorCode kTokenExpired{"token_expired", 410,
                                         "URLの有効期限（24時間）が切れています。"};
inline constexpr ErrorCode kTokenUsed{"token_used", 410, "このURLはすでに使用されています。"};

// The state of things does not allow the change.
inline constexpr ErrorCode kAlreadyDecided{"already_decided", 409,
                                           "この利用申請はすでに処理されています。"};
inline constexpr ErrorCode kLastAdmin{"last_admin", 409, "最後の管理者は削除できません。"};
inline constexpr ErrorCode kSelfRemoval{"self_removal", 409,
                                        "ご自身を職員から削除することはできません。"};
inline constexpr ErrorCode kInvitationOtherAccount{
    "invitation_other_account", 403,
    "この招待は、いまログインしているPassあてではありません。招待のメッセージを受け取ったPassでログ"
    "インし直してください。"};
inline constexpr ErrorCode kScheduleClosed{
    "schedule_closed", 409,
    "この通話予定は取り消し済みか、開始時刻を過ぎているため変更できません。"};
inline constexpr ErrorCode kSecondFactorExists{
    "second_factor_exists", 409,
    "認証アプリはすでに設定されています。設定し直すには、いったん2段階認証をオフにしてください。"};
inline constexpr ErrorCode kSecondFactorRequired{
    "second_factor_required", 409, "職員・運営者のアカウントでは、2段階認証をオフにできません。"};
// Personal data (SPEC 15): staff and operators hand over before their Pass goes.
inline constexpr ErrorCode kHandOverFirst{
    "hand_over_first", 409,
    "職員・運営者として登録されているPassは削除できません。事業所の管理者に職員から外すよう依頼して"
    "く"
    "ださい（管理者がお一人のときは、先に別の管理者を追加してください）。"};
// Passkeys (SPEC 15).
inline constexpr ErrorCode kPasskeyRefused{
    "passkey_refused", 401,
    "パスキーを確認できませんでした。登録したパスキーを選び直すか、パスワードでログインしてくださ"
    "い。"};
inline constexpr ErrorCode kPasskeyNotRegistered{
    "passkey_not_registered", 422, "パスキーを登録できませんでした。もう一度お試しください。"};
inline constexpr ErrorCode kPasskeyExists{"passkey_exists", 409,
                                          "このパスキーはすでに登録されています。"};
inline constexpr ErrorCode kPasskeysUnavailable{
    "passkeys_unavailable", 409,
    "このアドレスのCareLiveではパスキーを使えません。確認コードをお使いください。"};
inline constexpr ErrorCode kPushServiceNotAllowed{"push_service_not_allowed", 422,
                                                  "このブラウザーの通知サービスには、お知らせをお送"
                                                  "りできません。別のブラウザーでお試しください。"};

// Video calls (the WebSocket's `error` message; SPEC 7).
inline constexpr ErrorCode kBadMessage{"bad_message", 400,
                                       "通話の画面を読み込み直してから、もう一度お試しください。"};
inline constexpr ErrorCode kAlreadyInCall{"already_in_call", 409,
                                          "ほかの利用者様との通話を終えてからお試しください。"};
inline constexpr ErrorCode kCallInProgress{"call_in_progress", 409,
                                           "この利用者様とは、すでに通話が始まっています。"};
inline constexpr ErrorCode kNoCall{"no_call", 409, "通話は終了しています。"};
inline constexpr ErrorCode kNotInCall{"not_in_call", 409, "この通話に参加していません。"};

// Too much, too fast, or our fault.
inline constexpr ErrorCode kLoginThrottled{
    "login_throttled", 429, "ログインの試行が続いたため、一時的にログインを制限しています。"};
inline constexpr ErrorCode kRateLimited{
    "rate_limited", 429,
    "短い時間に何度も操作されたため、受け付けを一時的に止めています。しばらくしてからもう一度お"
    "試しください。"};
inline constexpr ErrorCode kDestinationLimited{
    "destination_limited", 429,
    "このメールアドレス・携帯電話番号には、短い時間に何度も確認のメッセージをお送りしました。届いた"
    "メッセージをご確認いただくか、1時間ほどしてからもう一度お試しください。"};
inline constexpr ErrorCode kInternal{
    "internal", 500, "システムエラーが発生しました。しばらくしてからもう一度お試しください。"};
inline constexpr ErrorCode kUnavailable{
    "unavailable", 503, "ただいま混み合っています。しばらくしてからもう一度お試しください。"};

inline constexpr const ErrorCode* kAll[] = {
    &kBadJson,
    &kBadRequest,
    &kPayloadTooLarge,
    &kUnsupportedMediaType,
    &kMethodNotAllowed,
    &kValidationFailed,
    &kUnauthenticated,
    &kLoginFailed,
    &kSecondStepRequired,
    &kCsrfFailed,
    &kForbidden,
    &kTermsRequired,
    &kNotFound,
    &kTokenInvalid,
    &kTokenExpired,
    &kTokenUsed,
    &kAlreadyDecided,
    &kLastAdmin,
    &kSelfRemoval,
    &kInvitationOtherAccount,
    &kScheduleClosed,
    &kSecondFactorExists,
    &kSecondFactorRequired,
    &kHandOverFirst,
    &kPasskeyRefused,
    &kPasskeyNotRegistered,
    &kPasskeyExists,
    &kPasskeysUnavailable,
    &kPushServiceNotAllowed,
    &kBadMessage,
    &kAlreadyInCall,
    &kCallInProgress,
    &kNoCall,
    &kNotInCall,
    &kLoginThrottled,
    &kRateLimited,
    &kDestinationLimited,
    &kInternal,
    &kUnavailable,
};

}  // namespace codes
}  // namespace carelive::core
