#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "audit/access_log.hpp"
#include "calls/notices.hpp"
#include "calls/schedule.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "live/access_records.hpp"
#include "live/family.hpp"
#include "live/operator.hpp"
#include "live/service.hpp"
#include "live/staff.hpp"
#include "live/staff_invitations.hpp"
#include "notify/dispatcher.hpp"
#include "notify/templates.hpp"
#include "pass/service.hpp"
#include "push/devices.hpp"
#include "push/vapid.hpp"
#include "store/database.hpp"

namespace carelive {

namespace http {
class Router;
}

// Everything the server and the admin command share, built from one Config: the store (with
// migrations applied), the message dispatcher and the domain services.
class App {
 public:
  explicit App(Config config, std::shared_ptr<const core::Clock> clock = nullptr);
  ~App();

  const Config& config() const { return config_; }
  const core::Clock& clock() const { return *clock_; }
  store::Database& db() { return *db_; }
  notify::Dispatcher& dispatcher() { return *dispatcher_; }
  pass::PassService& pass() { return *pass_; }
  live::LiveService& live() { return *live_; }
  live::FamilyService& family() { return *family_; }
  live::StaffService& staff() { return *staff_; }
  live::StaffInvitations& staff_invitations() { return *staff_invitations_; }
  live::OperatorService& operator_console() { return *operator_; }
  // Staff reads of residents' data (SPEC 15), and the search of the log they go to.
  audit::AccessLog& access_log() { return *access_log_; }
  live::AccessRecords& access_records() { return *access_records_; }
  calls::ScheduleService& schedules() { return *schedules_; }
  push::Devices& push_devices() { return *push_devices_; }
  // The installation's VAPID key (notify/push.hpp): the browsers' applicationServerKey.
  const push::VapidKey& vapid_key() const { return *vapid_key_; }
  calls::CallNotices& call_notices() { return *call_notices_; }
  // Told each Web Push delivery's outcome (the metrics); set before the dispatcher starts.
  void on_push_result(std::function<void(std::string_view)> hook) {
    push_result_ = std::move(hook);
  }
  const notify::Templates& templates() const { return templates_; }
  // Opens the sealed bodies of link messages (notify/seal.hpp).
  const notify::Sealer& sealer() const { return templates_.sealer(); }
  const core::PasswordHasher& hasher() const { return hasher_; }

 private:
  Config config_;
  std::shared_ptr<const core::Clock> clock_;
  std::string secret_;  // the server secret: invite URLs, sealed message bodies
  core::PasswordHasher hasher_;
  notify::Templates templates_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
  std::unique_ptr<audit::AccessLog> access_log_;
  std::unique_ptr<live::AccessRecords> access_records_;
  std::unique_ptr<pass::SecondFactors> second_factors_;
  std::unique_ptr<pass::Passkeys> passkeys_;
  std::unique_ptr<pass::PassService> pass_;
  std::unique_ptr<live::LiveService> live_;
  std::unique_ptr<live::FamilyService> family_;
  std::unique_ptr<live::StaffService> staff_;
  std::unique_ptr<live::StaffInvitations> staff_invitations_;
  std::unique_ptr<live::OperatorService> operator_;
  std::unique_ptr<calls::ScheduleService> schedules_;
  std::optional<push::VapidKey> vapid_key_;
  std::unique_ptr<push::Devices> push_devices_;
  std::unique_ptr<calls::CallNotices> call_notices_;
  std::function<void(std::string_view)> push_result_;
};

// The API's routes (/api/v1/…) on `app`'s services: what `serve()` answers (and the router
// fuzz target dispatches to).
void register_api_routes(http::Router& router, App& app);

// `carelive serve`: runs until SIGTERM. Returns the exit code.
int serve(Config config);

}  // namespace carelive
