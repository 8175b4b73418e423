#include "app.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>

#include "calls/hub.hpp"
#include "calls/routes.hpp"
#include "calls/schedule_routes.hpp"
#include "core/periodic.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "live/family_routes.hpp"
#include "live/operator_routes.hpp"
#include "live/repo.hpp"
#include "live/staff_routes.hpp"
#include "pass/routes.hpp"
#include "store/settings.hpp"

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
  std::filesystem::create_directories(c.data_dir);
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
  pass_ = std::make_unique<pass::PassService>(*db_, *clock_, config_.public_url, config_.sessions,
                                              config_.throttle, hasher_, templates_,
                                              [d = dispatcher_.get()] { d->wake(); });
  // Staff sessions are short (SPEC): 12 hours, 30 minutes idle.
  pass_->set_staff_check([](store::Connection& c, const pass::Account& a) {
    return live::repo::is_staff_anywhere(c, a.id);
  });
  live_ = std::make_unique<live::LiveService>(*db_, *clock_, config_.public_url, *pass_, templates_,
                                              secret_, [d = dispatcher_.get()] { d->wake(); });
  family_ = std::make_unique<live::FamilyService>(*db_, *clock_, *live_);
  staff_ = std::make_unique<live::StaffService>(*db_, *clock_, config_.public_url, *live_,
                                                templates_, [d = dispatcher_.get()] { d->wake(); });
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
  pass_->set_confirmed_hook(
      [f = family_.get()](const audit::Actor& account, const std::string& after) {
        f->apply_after_signup(account, after);
      });
}

App::~App() { dispatcher_->stop(); }

int serve(Config config) {
  App app(std::move(config));
  const auto& c = app.config();
  boost::asio::thread_pool workers(static_cast<std::size_t>(std::max(1, c.worker_threads)));
  http::Router router([&app](const std::string& token) { return app.pass().authenticate(token); });
  pass::register_routes(router, app.pass(), c.brand);
  live::register_family_routes(router, app.family());
  live::register_staff_routes(router, app.staff());
  live::register_operator_routes(router, app.operator_console());
  calls::register_call_routes(router, c.turn, app.clock(), app.family());
  calls::register_schedule_routes(router, app.schedules());
  std::shared_ptr<calls::Bus> bus;  // several processes as one (Redis), else in-process
  if (!c.redis_url.empty()) bus = std::make_shared<calls::RedisBus>(c.redis_url);
  calls::HubOptions hub_options{c.calls.reconnect_grace_seconds,
                                [&app](std::int64_t session, bool in_call) {
                                  return app.pass().live_session(session, in_call);
                                }};
  calls::Hub hub(app.db(), app.clock(), app.family(), hub_options, bus);  // outlives the server
  // A socket does not outlive its session, nor a call the person's access (docs/architecture.md).
  const auth::AccessListener revoke = [&hub](const auth::AccessEnded& e) { hub.revoke(e); };
  app.pass().set_access_listener(revoke);
  app.staff().set_access_listener(revoke);
  app.operator_console().set_access_listener(revoke);
  http::StaticFiles files(c.web_dir);
  http::Server server(c.http(), router, files, workers, [&app] {
    try {
      return app.db().with([](store::Connection& conn) { return store::answers(conn); });
    } catch (const std::exception& e) {
      spdlog::error("health check failed: {}", e.what());
      return false;
    }
  });
  server.set_websocket("/api/v1/ws", &hub);
  auto port = server.listen();
  // Links printed by `carelive admin` use the URL the server serves under (admin/commands.cpp).
  app.db().with(
      [&](store::Connection& conn) { store::write_setting(conn, "public_url", c.public_url); });
  app.dispatcher().start();
  // Reconnect grace, node heartbeat, presence snapshots.
  core::Periodic call_timers("call timers", std::chrono::seconds(1), [&hub] { hub.tick(); });
  // Reminders of scheduled calls (SPEC 7); safe with several processes (compare-and-set).
  core::Periodic reminders("reminder scan", std::chrono::seconds(c.calls.reminder_scan_seconds),
                           [&app] { app.schedules().send_due_reminders(); });
  spdlog::info("CareLive listening on port {}; open {}", port, c.public_url);
  server.run();
  workers.join();
  app.pass().set_access_listener(nullptr);
  app.staff().set_access_listener(nullptr);
  app.operator_console().set_access_listener(nullptr);
  reminders.stop();
  app.dispatcher().stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace carelive
