// PassService: deleting a Pass (SPEC 15, APPI Art. 35). What other domains hold goes in the
// caller's hook, in the same transaction; the account's own data is personal_data::erase's.

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "pass/personal_data.hpp"
#include "pass/service.hpp"

namespace carelive::pass {

namespace codes = core::codes;

using auth::SessionStage;
using core::Error;

nlohmann::json PassService::confirm_passkey_options(const Principal& p) {
  if (!passkeys_.available()) throw Error(codes::kPasskeysUnavailable);
  return db_.with([&](store::Connection& c) {
    const auto ids = passkeys_.credential_ids(c, p.account.id);
    if (ids.empty()) throw Error(codes::kNotFound);
    return passkeys_.request_options(Ceremony::confirm, p.session.id, ids, clock_.now());
  });
}

void PassService::delete_account(const Principal& p, const Deletion& d, const RequestMeta& meta,
                                 const DeletionHook& others) {
  if (p.session.stage != SessionStage::full) throw Error(codes::kSecondStepRequired);
  const bool staff = db_.with([&](store::Connection& c) { return is_staff(c, p.account); });
  if (staff) throw Error(codes::kHandOverFirst);
  if (d.current_password.empty()) throw Error::field("current_password", "required");
  check_current_password(p, d.current_password, meta);

  // The second factor, when there is one: asked again, throttled like every code.
  const bool has_factor =
      db_.with([&](store::Connection& c) { return factors_.has_second_factor(c, p.account.id); });
  if (has_factor) {
    if (d.code.empty() && d.passkey.is_null()) throw Error::field("code", "required");
    const auto admission = admit_code(p, meta, "delete_second_factor");
    bool ok = false;
    try {
      ok = db_.transaction([&](store::Connection& c) {
        if (!d.passkey.is_null())
          return passkeys_.verify(c, Ceremony::confirm, p.session.id, d.passkey, clock_.now()) ==
                 p.account.id;
        return factors_.accept(c, p.account.id, d.code.substr(0, 64), clock_.now()).has_value();
      });
    } catch (const webauthn::Refused&) {
      ok = false;
    }
    if (!ok) {
      code_failed(p, meta, admission, "delete_second_factor");
      if (!d.passkey.is_null()) throw Error(codes::kPasskeyRefused);
      throw Error::field("code", "code_wrong");
    }
    throttle_.succeeded(code_key(p), address_key_of(meta));
  }

  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    if (is_staff(c, p.account)) throw Error(codes::kHandOverFirst);  // made staff meanwhile
    if (others) others(c, p.account, now);
    personal_data::erase(c, p.account, now);
    // The log keeps the id only: the row names nobody once the account's names are gone.
    audit::record(c, now, audit::Actor::of(p, meta), "account_deleted");
  });
  sessions_ended(p.account.id);
}

}  // namespace carelive::pass
