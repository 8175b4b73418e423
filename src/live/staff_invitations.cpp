#include "live/staff_invitations.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;

namespace {

// An account made by an earlier invitation whose password was never set (its history holds only
// the random secret it was made with): it cannot log in, so it gets the welcome link again.
bool never_activated(store::Connection& c, std::int64_t account_id) {
  return !repo::new_account_invitations(c, account_id).empty() &&
         pass::repo::password_history(c, account_id).size() <= 1;
}

nlohmann::json invitation_detail(const StaffInvitation& i) {
  return {{"facility_id", i.facility_id}, {"invitation_id", i.id}, {"is_admin", i.is_admin}};
}

}  // namespace

StaffInvitations::StaffInvitations(store::Database& db, const core::Clock& clock,
                                   std::string public_url, pass::PassService& pass,
                                   const notify::Templates& templates,
                                   std::function<void()> messages_queued)
    : db_(db),
      clock_(clock),
      public_url_(std::move(public_url)),
      pass_(pass),
      templates_(templates),
      messages_queued_(std::move(messages_queued)) {}

void StaffInvitations::notify_queued() const {
  if (messages_queued_) messages_queued_();
}

StaffInvitation StaffInvitations::invite(const pass::Account& who, std::int64_t facility_id,
                                         const NameInput& names, const std::string& login_input,
                                         bool is_admin, const audit::Actor& by) {
  const auto facility = db_.with(
      [&](store::Connection& c) { return require_facility(c, who, facility_id, Need::admin); });
  core::FieldErrorSet errors;
  NameInput n;
  check_names(names, n, errors);
  const auto login = pass::normalize_login_id(login_input);
  if (login.kind == pass::LoginId::Kind::unknown) errors.add("login_id", "invalid");
  errors.throw_if_any();

  const auto account = pass_.account_for(staff_signup(n, login), std::nullopt, by);
  const auto account_id = account.id;
  const bool made_now = account.created;

  const auto now = clock_.now();
  StaffInvitation i;
  i.facility_id = facility_id;
  i.account_id = account_id;
  i.family_name = n.family_name;
  i.given_name = n.given_name;
  i.family_name_kana = n.family_name_kana;
  i.given_name_kana = n.given_name_kana;
  i.login_id = core::trim(login_input);
  i.is_admin = is_admin;
  i.invited_by = by.account;
  i.created_at = now;
  i.expires_at = now + pass::PassService::kLinkLifetime;
  db_.transaction([&](store::Connection& c) {
    repo::revoke_open_staff_invitations(c, facility_id, account_id, now);
    i.new_account = made_now || never_activated(c, account_id);
    if (i.new_account) {
      i.id = repo::insert_staff_invitation(c, i, std::nullopt);
      const auto url = pass_.issue_password_link(c, account_id, login.value);
      notify::enqueue(c, templates_.staff_welcome(login.value, facility.facility.name, url, now),
                      now);
    } else {
      const auto token = core::random_token();
      i.id = repo::insert_staff_invitation(c, i, core::token_hash(token));
      const auto url = public_url_ + "/staff/invitation?token=" + token;
      notify::enqueue(
          c, templates_.staff_invitation(login.value, facility.facility.name, is_admin, url, now),
          now);
    }
    auto detail = invitation_detail(i);
    detail["account_id"] = account_id;
    audit::record(c, now, by, "staff_invited", detail);
  });
  notify_queued();
  return i;
}

std::vector<StaffInvitation> StaffInvitations::unanswered(const pass::Account& who,
                                                          std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    return repo::unanswered_staff_invitations(c, facility_id);
  });
}

void StaffInvitations::revoke(const pass::Account& who, std::int64_t facility_id,
                              std::int64_t invitation_id, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    auto i = repo::find_staff_invitation(c, invitation_id);
    if (!i || i->facility_id != facility_id || i->accepted_at || i->revoked_at)
      throw Error(codes::kNotFound);
    i->revoked_at = now;
    repo::close_staff_invitation(c, *i);
    audit::record(c, now, by, "staff_invitation_revoked", invitation_detail(*i));
  });
}

StaffInvitation StaffInvitations::usable(store::Connection& c, const std::string& token,
                                         core::UnixSeconds now) {
  if (token.empty()) throw Error(codes::kTokenInvalid);
  auto i = repo::find_staff_invitation_by_hash(c, core::token_hash(token));
  if (!i || i->revoked_at || i->declined_at) throw Error(codes::kTokenInvalid);
  if (i->accepted_at) throw Error(codes::kTokenUsed);
  auto f = repo::find_facility(c, i->facility_id);
  if (!f || f->closed_at) throw Error(codes::kTokenInvalid);
  if (now >= i->expires_at) throw Error(codes::kTokenExpired);
  return *i;
}

InvitationView StaffInvitations::open(const std::string& token) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) {
    auto i = usable(c, token, now);
    return InvitationView{*repo::find_facility(c, i.facility_id), i.is_admin, i.expires_at};
  });
}

void StaffInvitations::join(store::Connection& c, StaffInvitation& i, core::UnixSeconds now) {
  if (auto member = repo::find_staff(c, i.facility_id, i.account_id)) {
    if (member->is_admin && !i.is_admin && repo::admin_count(c, i.facility_id) <= 1)
      throw Error(codes::kLastAdmin);
    if (member->is_admin != i.is_admin) repo::set_staff_admin(c, member->id, i.is_admin);
  } else {
    repo::insert_staff(c, {0, i.facility_id, i.account_id, i.is_admin}, i.login_id, now);
    pass_.hold_to_staff_limits(c, i.account_id);
  }
  i.accepted_at = now;
  repo::close_staff_invitation(c, i);
}

Facility StaffInvitations::accept(const std::string& token, const pass::Account& who,
                                  const audit::Actor& by) {
  const auto now = clock_.now();
  auto facility = db_.transaction([&](store::Connection& c) {
    auto i = usable(c, token, now);
    if (i.account_id != who.id) throw Error(codes::kInvitationOtherAccount);
    join(c, i, now);
    audit::record(c, now, by, "staff_invitation_accepted", invitation_detail(i));
    return *repo::find_facility(c, i.facility_id);
  });
  auth::tell(access_ended_, auth::AccessEnded::rights_changed(who.id));
  return facility;
}

void StaffInvitations::decline(const std::string& token, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto i = usable(c, token, now);
    i.declined_at = now;
    repo::close_staff_invitation(c, i);
    audit::record(c, now, by.account ? by : by.with_account(i.account_id),
                  "staff_invitation_declined", invitation_detail(i));
  });
}

void StaffInvitations::accept_for_new_account(store::Connection& c, const audit::Actor& account,
                                              core::UnixSeconds now) {
  if (!account.account) return;
  for (auto& i : repo::new_account_invitations(c, *account.account)) {
    if (!i.open(now)) continue;
    auto f = repo::find_facility(c, i.facility_id);
    if (!f || f->closed_at) continue;
    join(c, i, now);
    audit::record(c, now, account, "staff_invitation_accepted", invitation_detail(i));
  }
}

}  // namespace carelive::live
