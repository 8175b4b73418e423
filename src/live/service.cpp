#include "live/service.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"
#include "push/subscriptions.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;
using core::FieldErrorSet;

namespace {

constexpr int kFacilityNameMax = 100;

// The detail of an entry about one resident of one facility.
nlohmann::json resident_detail(const Resident& r) {
  return {{"facility_id", r.facility_id}, {"resident_id", r.id}};
}

std::string checked_text(const std::string& field, const std::string& input, int max,
                         FieldErrorSet& errors) {
  std::string v = core::is_valid_utf8(input) ? core::trim(input) : std::string();
  if (v.empty())
    errors.add(field, "required");
  else if (core::char_count(v) > max)
    errors.add(field, "too_long");
  return v;
}

}  // namespace

void check_names(const NameInput& in, NameInput& out, FieldErrorSet& errors) {
  out.family_name = pass::check_name("family_name", in.family_name, errors);
  out.given_name = pass::check_name("given_name", in.given_name, errors);
  out.family_name_kana = pass::check_kana("family_name_kana", in.family_name_kana, errors);
  out.given_name_kana = pass::check_kana("given_name_kana", in.given_name_kana, errors);
}

NameInput checked_names(const NameInput& in) {
  FieldErrorSet errors;
  NameInput out;
  check_names(in, out, errors);
  errors.throw_if_any();
  return out;
}

pass::NormalizedSignup staff_signup(const NameInput& n, const pass::LoginId& login) {
  return {n.family_name,
          n.given_name,
          n.family_name_kana,
          n.given_name_kana,
          login.kind == pass::LoginId::Kind::email ? "email" : "phone",
          login.value,
          ""};
}

LiveService::LiveService(store::Database& db, const core::Clock& clock, std::string public_url,
                         pass::PassService& pass, const notify::Templates& templates,
                         std::string secret, std::function<void()> messages_queued)
    : db_(db),
      clock_(clock),
      public_url_(std::move(public_url)),
      pass_(pass),
      templates_(templates),
      secret_(std::move(secret)),
      messages_queued_(std::move(messages_queued)) {
  if (secret_.size() < 32) throw std::invalid_argument("server secret must be at least 32 bytes");
}

void LiveService::notify_queued() const {
  if (messages_queued_) messages_queued_();
}

Facility LiveService::add_facility(const std::string& code_in, const std::string& name,
                                   const std::string& kind, const audit::Actor& by) {
  FieldErrorSet errors;
  std::string code = core::trim(code_in);
  static const std::regex kCode("^[a-z0-9][a-z0-9_-]{2,31}$");
  if (code.empty())
    errors.add("code", "required");
  else if (!std::regex_match(code, kCode))
    errors.add("code", "invalid");
  Facility f;
  f.code = code;
  f.name = checked_text("name", name, kFacilityNameMax, errors);
  f.kind = checked_text("kind", kind, kFacilityNameMax, errors);
  errors.throw_if_any();
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    if (repo::find_facility(c, f.code)) throw Error::field("code", "taken");
    f.id = repo::insert_facility(c, f, now);
    audit::record(c, now, by, "facility_added", {{"code", f.code}});
    return f;
  });
}

std::optional<Facility> LiveService::find_facility(const std::string& code) {
  return db_.with([&](store::Connection& c) { return repo::find_facility(c, code); });
}

StaffAdded LiveService::add_staff(const std::string& facility_code, const NameInput& names,
                                  const std::string& login_input, bool is_admin,
                                  const std::optional<std::string>& password,
                                  const audit::Actor& by) {
  FieldErrorSet errors;
  NameInput n;
  check_names(names, n, errors);
  auto login = pass::normalize_login_id(login_input);
  if (login.kind == pass::LoginId::Kind::unknown) errors.add("login_id", "invalid");
  errors.throw_if_any();
  auto facility = find_facility(facility_code);
  if (!facility || facility->closed_at) throw Error(codes::kNotFound);

  StaffAdded out;
  const auto account = pass_.account_for(staff_signup(n, login), password, by);
  out.account_id = account.id;
  out.account_created = account.created;
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    if (auto member = repo::find_staff(c, facility->id, out.account_id)) {
      // Adding the last admin again as plain staff would leave the facility without one.
      if (member->is_admin && !is_admin && repo::admin_count(c, facility->id) <= 1)
        throw Error(codes::kLastAdmin);
      if (member->is_admin != is_admin) repo::set_staff_admin(c, member->id, is_admin);
    } else {
      repo::insert_staff(c, {0, facility->id, out.account_id, is_admin}, core::trim(login_input),
                         now);
      pass_.hold_to_staff_limits(c, out.account_id);
    }
    if (out.account_created && !password) {
      std::string url = pass_.issue_password_link(c, out.account_id, login.value);
      notify::enqueue(c, templates_.staff_welcome(login.value, facility->name, url, now), now);
      out.set_password_link_sent = true;
    }
    audit::record(c, now, by.with_account(out.account_id), "staff_added",
                  {{"facility", facility->code}, {"facility_id", facility->id}});
    if (by.account)
      audit::record(c, now, by, "staff_added_by",
                    {{"facility_id", facility->id}, {"account_id", out.account_id}});
  });
  notify_queued();
  return out;
}

Resident LiveService::add_resident(const std::string& facility_code, const NameInput& names,
                                   const audit::Actor& by) {
  FieldErrorSet errors;
  NameInput n;
  check_names(names, n, errors);
  errors.throw_if_any();
  auto facility = find_facility(facility_code);
  if (!facility || facility->closed_at) throw Error(codes::kNotFound);
  const auto now = clock_.now();
  Resident r{
      0,           facility->id, n.family_name, n.given_name, n.family_name_kana, n.given_name_kana,
      std::nullopt};
  return db_.transaction([&](store::Connection& c) {
    r.id = repo::insert_resident(c, r, now);
    audit::record(c, now, by, "resident_added", resident_detail(r));
    return r;
  });
}

std::string LiveService::invite_token(const std::string& nonce) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  const std::string message = "invite:" + nonce;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret_.data()),
                              secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(sizeof mac, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), mac, sizeof mac, variant);
  out.resize(out.find('\0'));
  return out;
}

std::string LiveService::url_for(const std::string& nonce) const {
  return public_url_ + "/apply?token=" + invite_token(nonce);
}

std::string LiveService::make_invite(store::Connection& c, std::int64_t resident_id) {
  Invite i;
  i.resident_id = resident_id;
  i.nonce = core::random_token();
  i.created_at = clock_.now();
  repo::insert_invite(c, i, core::token_hash(invite_token(i.nonce)));
  return url_for(i.nonce);
}

std::string LiveService::invite_url(const std::string& facility_code, std::int64_t resident_id) {
  auto facility = find_facility(facility_code);
  if (!facility) throw Error(codes::kNotFound);
  return db_.transaction([&](store::Connection& c) {
    auto r = repo::find_resident(c, resident_id);
    if (!r || r->facility_id != facility->id || r->discharged_at) throw Error(codes::kNotFound);
    if (auto current = repo::active_invite(c, resident_id)) {
      // Made under this server secret: the same URL again. Under an earlier secret (rotated,
      // docs/backup.md) its URL no longer opens, so the resident gets a new one.
      if (repo::find_invite_by_hash(c, core::token_hash(invite_token(current->nonce))))
        return url_for(current->nonce);
      const auto now = clock_.now();
      repo::revoke_invites(c, resident_id, now);
      audit::record(c, now, audit::Actor{}, "invite_reissued_after_secret_change",  // the server
                    resident_detail(*r));
    }
    return make_invite(c, resident_id);
  });
}

std::string LiveService::reissue_invite(std::int64_t resident_id, const audit::Actor& by) {
  return db_.transaction([&](store::Connection& c) {
    auto r = repo::find_resident(c, resident_id);
    if (!r || r->discharged_at) throw Error(codes::kNotFound);
    const auto now = clock_.now();
    repo::revoke_invites(c, resident_id, now);
    auto url = make_invite(c, resident_id);
    audit::record(c, now, by, "invite_reissued", resident_detail(*r));
    return url;
  });
}

void LiveService::revoke_invite(std::int64_t resident_id, const audit::Actor& by) {
  db_.transaction([&](store::Connection& c) {
    auto r = repo::find_resident(c, resident_id);
    if (!r) return;  // no resident, no invite
    const auto now = clock_.now();
    repo::revoke_invites(c, resident_id, now);
    audit::record(c, now, by, "invite_revoked", resident_detail(*r));
  });
}

InviteView LiveService::open_invite(const std::string& token) {
  if (token.empty() || token.size() > 128) throw Error(codes::kTokenInvalid);
  return open_invite_by_hash(core::token_hash(token));
}

InviteView LiveService::open_invite_by_hash(const std::string& invite_hash) {
  if (invite_hash.empty() || invite_hash.size() > 128) throw Error(codes::kTokenInvalid);
  return db_.with([&](store::Connection& c) {
    auto invite = repo::find_invite_by_hash(c, invite_hash);
    if (!invite || invite->revoked_at) throw Error(codes::kTokenInvalid);
    auto resident = repo::find_resident(c, invite->resident_id);
    if (!resident || resident->discharged_at) throw Error(codes::kTokenInvalid);
    auto facility = repo::find_facility(c, resident->facility_id);
    if (!facility || facility->closed_at) throw Error(codes::kTokenInvalid);
    return InviteView{*facility, *resident};
  });
}

ApplyOutcome LiveService::apply(const std::string& invite_token, std::int64_t account_id,
                                const std::string& kind, const audit::Actor& by) {
  if (invite_token.empty() || invite_token.size() > 128) throw Error(codes::kTokenInvalid);
  return apply_by_hash(core::token_hash(invite_token), account_id, kind, by);
}

ApplyOutcome LiveService::apply_by_hash(const std::string& invite_hash, std::int64_t account_id,
                                        const std::string& kind, const audit::Actor& by) {
  if (!valid_link_kind(kind)) throw Error::field("kind", "invalid");
  auto view = open_invite_by_hash(invite_hash);
  const auto now = clock_.now();
  auto outcome = db_.transaction([&](store::Connection& c) {
    if (repo::find_link(c, view.resident.id, account_id)) return ApplyOutcome::already_linked;
    if (repo::pending_application(c, view.resident.id, account_id))
      return ApplyOutcome::already_pending;
    repo::insert_application(c, {0, view.resident.id, account_id, kind, "pending", now});
    for (const auto& to : repo::staff_login_ids(c, view.facility.id)) {
      notify::enqueue(
          c,
          templates_.application_received(to, view.facility.name, view.resident.display_name(),
                                          public_url_ + "/staff/applications"),
          now);
    }
    audit::record(c, now, by, "application_submitted",
                  {{"facility_id", view.facility.id}, {"resident_id", view.resident.id}});
    return ApplyOutcome::submitted;
  });
  if (outcome == ApplyOutcome::submitted) notify_queued();
  return outcome;
}

TermsVersion LiveService::publish_terms(const std::string& body_in, const audit::Actor& by) {
  FieldErrorSet errors;
  std::string body = core::is_valid_utf8(body_in) ? core::trim(body_in) : std::string();
  if (body.empty()) errors.add("body", "required");
  errors.throw_if_any();
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    auto latest = repo::latest_terms(c);
    TermsVersion t{0, latest ? latest->version + 1 : 1, body, now};
    t.id = repo::insert_terms(c, t.version, t.body, now);
    audit::record(c, now, by, "terms_published", {{"version", t.version}});
    return t;
  });
}

std::optional<TermsVersion> LiveService::latest_terms() {
  return db_.with([&](store::Connection& c) { return repo::latest_terms(c); });
}

Announcement LiveService::add_announcement(const std::string& title, const std::string& body,
                                           const audit::Actor& by) {
  FieldErrorSet errors;
  Announcement a;
  a.title = checked_text("title", title, 200, errors);
  a.body = core::is_valid_utf8(body) ? core::trim(body) : std::string();
  if (a.body.empty()) errors.add("body", "required");
  errors.throw_if_any();
  a.published_at = clock_.now();
  auto added = db_.transaction([&](store::Connection& c) {
    a.id = repo::insert_announcement(c, a);
    audit::record(c, a.published_at, by, "announcement_published", {{"announcement_id", a.id}});
    notify::enqueue_push(c, push::repo::ids_of_linked_accounts(c),
                         templates_.push_announcement(a.title, a.id), a.published_at);
    return a;
  });
  notify_queued();
  return added;
}

}  // namespace carelive::live
