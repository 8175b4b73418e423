#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "live/model.hpp"
#include "live/service.hpp"
#include "store/database.hpp"

namespace carelive::live {

// 続柄 of a family member (SPEC 5), in the order the select shows them.
inline const std::vector<std::string>& relationship_choices() {
  static const std::vector<std::string> choices = {"配偶者",   "子",     "子の配偶者", "孫",
                                                   "兄弟姉妹", "甥・姪", "親",         "その他"};
  return choices;
}

// What the account may reach after login (SPEC 3): staff facilities and links as family or
// care worker, and whether the newest terms still need consent (SPEC 4).
struct Contexts {
  std::vector<Facility> staff;
  std::vector<LinkedResident> links;
  // Applications not (yet) approved (SPEC 14: 「<facility>の承認をお待ちください」).
  std::vector<OwnApplication> applications;
  bool terms_required = false;
  bool terms_updated = false;  // an earlier version was agreed
};

struct TermsView {
  TermsVersion terms;
  bool updated = false;
  bool agreed = false;
};

struct RelationshipInput {
  std::string relationship;                   // family
  std::string office_name, office_name_kana;  // care worker
};

struct Home {
  LinkedResident current;
  bool several_facilities = false;
  bool several_residents = false;
};

// The family / care-worker side of Live (SPEC 1, 3, 4, 5, 8). Every function that shows Live
// data checks that the caller has a link to the resident, and that the newest terms were agreed
// (403 `terms_required`) — on the server, whatever the page did (SPEC "Rules that hold
// everywhere"). Blocking: call from the worker pool.
class FamilyService {
 public:
  FamilyService(store::Database& db, const core::Clock& clock, LiveService& live);

  InviteView open_invite(const std::string& token) { return live_.open_invite(token); }
  ApplyOutcome apply(const std::string& token, std::int64_t account_id, const std::string& kind,
                     const audit::Actor& by) {
    return live_.apply(token, account_id, kind, by);
  }
  // The `after_confirm` JSON a sign-up carried (`{"apply":{"invite","kind"}}`, SPEC 1.2; the
  // invite's hash, or `"token"` in sign-ups made before hashes were kept): the application is
  // submitted once the new account (`account.account`) exists. Unknown content is ignored.
  std::optional<ApplyOutcome> apply_after_signup(const audit::Actor& account,
                                                 const std::string& after_confirm);
  // The `after_confirm` value for a sign-up that applies through `token` as `kind`: the
  // invite's hash, not the token, so the stored sign-up is no usable invite.
  static std::string after_confirm_for(const std::string& token, const std::string& kind);

  Contexts contexts(std::int64_t account_id);
  // The account's applications that have not become links (pending, or rejected).
  std::vector<OwnApplication> applications(std::int64_t account_id);
  // Whether the account may take part in some call (SPEC 7), so that it may have TURN
  // credentials: staff of an open facility, or linked to a resident with the newest terms
  // agreed.
  bool may_take_part_in_calls(std::int64_t account_id);

  // The newest terms; not_found when none were published.
  TermsView terms(std::int64_t account_id);
  // Records consent to `version`, which must be the newest (else validation_failed on version).
  void consent(std::int64_t account_id, int version, const audit::Actor& by);

  Home home(std::int64_t account_id, std::int64_t resident_id);
  Link set_relationship(std::int64_t account_id, std::int64_t resident_id,
                        const RelationshipInput& in, const audit::Actor& by);
  // Every link with its relationship (アカウント管理 → 「利用者様との関係」).
  std::vector<LinkedResident> relationships(std::int64_t account_id);

  std::vector<AnnouncementView> announcements(std::int64_t account_id);
  // Marks it read for the account.
  Announcement announcement(std::int64_t account_id, std::int64_t id);

  // Approval belongs to the staff console; this makes a link directly (tests, admin use).
  std::int64_t link_for_testing(std::int64_t resident_id, std::int64_t account_id,
                                const std::string& kind);

 private:
  // forbidden unless the account is linked to the live resident; terms_required unless the
  // newest terms were agreed.
  LinkedResident require(store::Connection& c, std::int64_t account_id, std::int64_t resident_id);
  void require_terms(store::Connection& c, std::int64_t account_id);
  std::vector<LinkedResident> linked(store::Connection& c, std::int64_t account_id);

  store::Database& db_;
  const core::Clock& clock_;
  LiveService& live_;
};

}  // namespace carelive::live
