#pragma once

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "auth/principal.hpp"
#include "http/router.hpp"

// Personal data (SPEC 15, APPI Art. 33 and 35) across the domains: everything CareLive holds
// about the signed-in person, as one JSON download (「データのダウンロード」), and the deletion of
// their Pass (「Passを削除」). Each domain says what it holds (its personal_data / repo functions);
// this puts them together, the deletion in one transaction.
namespace carelive {

// {"generated_at", "account", "sessions", "second_factor", "passkeys", "links", "applications",
// "consents", "staff", "calls", "messages", "push_devices", "audit_log"}. The download is
// audited.
nlohmann::json personal_data_of(App& app, const auth::Principal& p, const auth::RequestMeta& meta);

// After the password and the second factor (PassService::delete_account): the links (each a
// departure the facility sees), pending applications, push devices and the messages sent to the
// person go with the account's names and contact data.
void delete_pass(App& app, const auth::Principal& p, const pass::PassService::Deletion& d,
                 const auth::RequestMeta& meta);

// GET /api/v1/account/data, POST /api/v1/account/delete, POST
// /api/v1/account/delete/passkey-options (docs/api.md "Personal data").
void register_personal_data_routes(http::Router& router, App& app);

}  // namespace carelive
