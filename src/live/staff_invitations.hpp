#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "auth/access.hpp"
#include "core/clock.hpp"
#include "live/model.hpp"
#include "live/service.hpp"
#include "notify/templates.hpp"
#include "pass/model.hpp"
#include "pass/service.hpp"
#include "store/database.hpp"

namespace carelive::live {

// What the invitation link shows before the person answers.
struct InvitationView {
  Facility facility;
  bool is_admin = false;
  core::UnixSeconds expires_at = 0;
};

// Staff join a facility only by accepting (hardening issue 4). A facility admin's 「職員を追加」
// invites: the console learns nothing of the account behind the login id it typed — the answer,
// the message count and the list are the same whether an account existed — and shows only what
// the admin typed until the person accepts.
// - No account for the login id: one is made with the typed names and gets the welcome
//   set-password link; setting the password accepts (accept_for_new_account, run by PassService).
// - An account: a 24-hour link (/staff/invitation?token=…) to accept or decline after logging
//   in as that account.
// The operator and `carelive admin staff add` still add directly (LiveService::add_staff).
// Blocking: call from the worker pool.
class StaffInvitations {
 public:
  StaffInvitations(store::Database& db, const core::Clock& clock, std::string public_url,
                   pass::PassService& pass, const notify::Templates& templates,
                   std::function<void()> messages_queued = {});

  // Facility admins (or the operator). Inviting the same person again replaces their earlier
  // invitation of this facility (a new link, the old one stops).
  StaffInvitation invite(const pass::Account& who, std::int64_t facility_id, const NameInput& names,
                         const std::string& login_id, bool is_admin, const audit::Actor& by);
  // Not accepted and not taken back: open, expired and declined ones, newest first.
  std::vector<StaffInvitation> unanswered(const pass::Account& who, std::int64_t facility_id);
  // 「取り消す」: the link stops and the invitation leaves the list.
  void revoke(const pass::Account& who, std::int64_t facility_id, std::int64_t invitation_id,
              const audit::Actor& by);

  // The invited person, through the link. token_invalid (unknown, taken back, declined, or the
  // facility closed), token_expired, token_used (accepted).
  InvitationView open(const std::string& token);
  // Only as the invited account (403 invitation_other_account otherwise). Makes the account
  // staff of the facility; already staff, it takes the invitation's admin right unless that
  // would leave the facility without an admin (409 last_admin).
  Facility accept(const std::string& token, const pass::Account& who, const audit::Actor& by);
  // Anyone holding the link may decline; the admin sees 「辞退」.
  void decline(const std::string& token, const audit::Actor& by);

  core::UnixSeconds now() const { return clock_.now(); }
  // Told after an acceptance: the new member's open sockets reconnect under staff rules.
  void set_access_listener(auth::AccessListener listener) { access_ended_ = std::move(listener); }

  // PassService's password-link hook: the open invitations that made this account are
  // accepted, in the caller's transaction.
  void accept_for_new_account(store::Connection& c, const audit::Actor& account,
                              core::UnixSeconds now);

 private:
  StaffInvitation usable(store::Connection& c, const std::string& token, core::UnixSeconds now);
  void join(store::Connection& c, StaffInvitation& i, core::UnixSeconds now);
  void notify_queued() const;

  store::Database& db_;
  const core::Clock& clock_;
  const std::string public_url_;
  pass::PassService& pass_;
  const notify::Templates& templates_;
  std::function<void()> messages_queued_;
  auth::AccessListener access_ended_;
};

}  // namespace carelive::live
