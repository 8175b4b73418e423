#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "live/model.hpp"
#include "notify/templates.hpp"
#include "pass/service.hpp"
#include "pass/validation.hpp"
#include "store/database.hpp"

namespace carelive::live {

struct NameInput {
  std::string family_name, given_name, family_name_kana, given_name_kana;
};

// The four names, trimmed and checked: into `errors`, or thrown (422 naming each bad field).
void check_names(const NameInput& in, NameInput& out, core::FieldErrorSet& errors);
NameInput checked_names(const NameInput& in);
// What a Pass account made for a staff member holds: the checked names and the login id.
pass::NormalizedSignup staff_signup(const NameInput& checked, const pass::LoginId& login);

struct StaffAdded {
  std::int64_t account_id = 0;
  bool account_created = false;
  bool set_password_link_sent = false;
};

// What an invite URL shows before anyone logs in (SPEC 1.1).
struct InviteView {
  Facility facility;
  Resident resident;
};

enum class ApplyOutcome { submitted, already_pending, already_linked };

// Facilities, residents, staff, invites, applications, terms and announcements (SPEC 1, 4, 8, 10,
// 11). Every change is audited as made `by` its actor, in the change's transaction. Blocking:
// call from the worker pool or the admin command.
class LiveService {
 public:
  LiveService(store::Database& db, const core::Clock& clock, std::string public_url,
              pass::PassService& pass, const notify::Templates& templates, std::string secret,
              std::function<void()> messages_queued = {});

  Facility add_facility(const std::string& code, const std::string& name, const std::string& kind,
                        const audit::Actor& by);
  // CareLive Pass, for what the consoles do to a staff member's sign-in (SPEC 15's reset).
  pass::PassService& pass() { return pass_; }
  std::optional<Facility> find_facility(const std::string& code);

  // Adds a Pass account (made when the login id has none) as staff of the facility. Without a
  // password a new account gets a set-password link by message. Audited as `staff_added` under
  // the new member's account (as the admin command always wrote it) and, when `by` is a
  // logged-in account, as `staff_added_by` under it.
  StaffAdded add_staff(const std::string& facility_code, const NameInput& names,
                       const std::string& login_id, bool is_admin,
                       const std::optional<std::string>& password, const audit::Actor& by);

  Resident add_resident(const std::string& facility_code, const NameInput& names,
                        const audit::Actor& by);

  // The resident's current application URL, made on first use (`carelive admin invite`).
  std::string invite_url(const std::string& facility_code, std::int64_t resident_id);
  // Revokes the current invite and makes a new one (staff console 「再発行」).
  std::string reissue_invite(std::int64_t resident_id, const audit::Actor& by);
  void revoke_invite(std::int64_t resident_id, const audit::Actor& by);
  // token_invalid when unknown, revoked, the resident discharged or the facility closed.
  InviteView open_invite(const std::string& token);

  // SPEC 1.2–1.4: a Pass account applies through an invite; the facility's staff are told.
  ApplyOutcome apply(const std::string& invite_token, std::int64_t account_id,
                     const std::string& kind, const audit::Actor& by);
  // The same through the invite's hash (core::token_hash of its token), which is what a
  // sign-up keeps until it is confirmed.
  ApplyOutcome apply_by_hash(const std::string& invite_hash, std::int64_t account_id,
                             const std::string& kind, const audit::Actor& by);

  TermsVersion publish_terms(const std::string& body, const audit::Actor& by);
  std::optional<TermsVersion> latest_terms();
  Announcement add_announcement(const std::string& title, const std::string& body,
                                const audit::Actor& by);

  // The token of an invite, derived from the server secret (HMAC-SHA-256 of the nonce).
  std::string invite_token(const std::string& nonce) const;

 private:
  std::string url_for(const std::string& nonce) const;
  InviteView open_invite_by_hash(const std::string& invite_hash);
  std::string make_invite(store::Connection& c, std::int64_t resident_id);
  void notify_queued() const;

  store::Database& db_;
  const core::Clock& clock_;
  const std::string public_url_;
  pass::PassService& pass_;
  const notify::Templates& templates_;
  std::string secret_;
  std::function<void()> messages_queued_;
};

}  // namespace carelive::live
