#include "app.hpp"

#include "calls/routes.hpp"
#include "calls/schedule_routes.hpp"
#include "core/files.hpp"
#include "http/router.hpp"
#include "live/access_routes.hpp"
#include "live/entity_json.hpp"
#include "live/family_routes.hpp"
#include "live/operator_routes.hpp"
#include "live/repo.hpp"
#include "live/staff_routes.hpp"
#include "notify/push.hpp"
#include "pass/push_routes.hpp"
#include "pass/routes.hpp"
#include "personal_data.hpp"

namespace carelive {

namespace {
std::unique_ptr<notify::Transport> email_transport(const Config& c) {
  if (!c.smtp.url.empty()) return notify::make_smtp_transport(c.smtp);
  return notify::make_outbox_transport(c.outbox_dir(), c.smtp.from);
}
std::unique_ptr<notify::Transport> sms_transport(const Config& c) {
  if (!c.sms.url.empty()) return notify::make_sms_transport(c.sms);
  return notify::make_outbox_transport(c.outbox_dir(), c.smtp.from);
}
// The data folder holds the secret key when the config names none.
std::string prepared_secret(const Config& c) {
  core::init_crypto();
  core::create_private_directories(c.data_dir);
  return load_or_create_secret(c);
}
}  // namespace

App::App(Config config, std::shared_ptr<const core::Clock> clock)
    : config_(std::move(config)),
      clock_(clock ? std::move(clock) : std::make_shared<core::SystemClock>()),
      secret_(prepared_secret(config_)),
      hasher_(config_.argon2),
      templates_(config_.brand, notify::Sealer(secret_)) {
  db_ = store::open_database(config_.database, config_.data_dir, config_.db_pool);
  dispatcher_ = std::make_unique<notify::Dispatcher>(
      *db_, *clock_, email_transport(config_), sms_transport(config_),
      notify::DispatcherIdentity{templates_.sealer(), notify::installation_tag(secret_)});
  access_log_ = std::make_unique<audit::AccessLog>(*db_, *clock_, config_.record_reads);
  access_records_ = std::make_unique<live::AccessRecords>(*db_, *clock_, *access_log_);
  second_factors_ = std::make_unique<pass::SecondFactors>(secret_, config_.brand.pass);
  passkeys_ = std::make_unique<pass::Passkeys>(secret_, config_.public_url, config_.brand.pass);
  pass_ = std::make_unique<pass::PassService>(
      *db_, *clock_, config_.public_url, config_.sessions, config_.throttle, config_.security,
      *second_factors_, *passkeys_, hasher_, templates_, [d = dispatcher_.get()] { d->wake(); });
  // Staff sessions are short (SPEC): 12 hours, 30 minutes idle.
  pass_->set_staff_check([](store::Connection& c, const pass::Account& a) {
    return live::repo::is_staff_anywhere(c, a.id);
  });
  live_ = std::make_unique<live::LiveService>(*db_, *clock_, config_.public_url, *pass_, templates_,
                                              secret_, [d = dispatcher_.get()] { d->wake(); });
  family_ = std::make_unique<live::FamilyService>(*db_, *clock_, *live_);
  staff_ = std::make_unique<live::StaffService>(*db_, *clock_, config_.public_url, *live_,
                                                templates_, [d = dispatcher_.get()] { d->wake(); });
  staff_invitations_ =
      std::make_unique<live::StaffInvitations>(*db_, *clock_, config_.public_url, *pass_,
                                               templates_, [d = dispatcher_.get()] { d->wake(); });
  // Setting the password through the welcome link accepts the invitation that made the account.
  pass_->set_password_link_hook([i = staff_invitations_.get()](store::Connection& c,
                                                               const audit::Actor& account,
                                                               core::UnixSeconds now) {
    i->accept_for_new_account(c, account, now);
  });
  operator_ = std::make_unique<live::OperatorService>(*db_, *clock_, *live_);
  schedules_ = std::make_unique<calls::ScheduleService>(
      *db_, *clock_, config_.public_url, config_.calls, config_.time_zone, templates_, *family_,
      [d = dispatcher_.get()] { d->wake(); });
  // A discharge cancels the resident's upcoming calls and tells the invitees, in its own
  // transaction; StaffService wakes the dispatcher after the commit.
  staff_->set_discharge_hook(
      [s = schedules_.get()](store::Connection& c, const audit::Actor& by, std::int64_t facility_id,
                             std::int64_t resident_id, core::UnixSeconds now) {
        s->cancel_upcoming_calls(c, by, facility_id, resident_id, now);
      });
  // Web Push (SPEC 13): one VAPID key per installation, notices sent by the dispatcher.
  vapid_key_ = notify::vapid_key(*db_, templates_.sealer());
  push_devices_ = std::make_unique<push::Devices>(*db_, *clock_, config_.push);
  // The VAPID contact (RFC 8292 §2.1) unless configured: the site itself when served over https.
  if (config_.push.contact.empty())
    config_.push.contact = config_.public_url.rfind("https://", 0) == 0
                               ? config_.public_url
                               : "mailto:no-reply@localhost";
  notify::PushSettings push{
      config_.push.contact,
      {10, 5, push_devices_->settings().allowed_hosts, config_.push.allow_http},
      [this](std::string_view result) {
        if (push_result_) push_result_(result);
      }};
  dispatcher_->set_push_transport(
      notify::make_push_transport(*db_, *clock_, *vapid_key_, std::move(push)));
  call_notices_ = std::make_unique<calls::CallNotices>(*db_, *clock_, templates_,
                                                       [d = dispatcher_.get()] { d->wake(); });
  // A sign-up from an invite: the application goes in, and 「Pass登録完了」 says whose approval
  // the person waits for (SPEC 14).
  pass_->set_confirmed_hook(
      [f = family_.get()](const audit::Actor& account, const std::string& after) -> nlohmann::json {
        if (!f->apply_after_signup(account, after)) return nullptr;
        auto waiting = nlohmann::json::array();
        for (const auto& a : f->applications(*account.account))
          if (a.application.status == "pending") waiting.push_back(live::own_application_json(a));
        return waiting;
      });
}

App::~App() { dispatcher_->stop(); }

void register_api_routes(http::Router& router, App& app) {
  const auto& c = app.config();
  pass::register_routes(router, app.pass(), c.brand);
  live::register_family_routes(router, app.family());
  live::register_staff_routes(router, app.staff(), app.staff_invitations(), app.access_log());
  live::register_operator_routes(router, app.operator_console());
  live::register_access_routes(router, app.access_records());
  register_personal_data_routes(router, app);
  calls::register_call_routes(router, c.turn, app.clock(), app.family(), app.call_notices(),
                              app.access_log());
  calls::register_schedule_routes(router, app.schedules(), app.access_log());
  pass::register_push_routes(router, app.push_devices(), app.vapid_key().public_base64url());
}

}  // namespace carelive
