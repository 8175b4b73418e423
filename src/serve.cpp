#include "app.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/thread_pool.hpp>

#include "calls/call_repo.hpp"
#include "calls/hub.hpp"
#include "core/log.hpp"
#include "core/periodic.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "metrics/metrics.hpp"
#include "notify/repo.hpp"
#include "retention.hpp"
#include "store/settings.hpp"

// `carelive serve`: the App behind the HTTP server, the call hub and the timers. Apart from
// app.cpp so that what builds an App (the fuzz targets too) does not need the server.

namespace carelive {
namespace {

// The store's side of the metrics: pending messages and open calls are counts over tables, read
// every 15 s by a thread of its own rather than on each scrape.
constexpr std::chrono::seconds kStoreGaugesPeriod(15);

void refresh_store_gauges(App& app, metrics::Metrics& m) {
  app.db().with([&](store::Connection& conn) {
    m.set_messages_pending(static_cast<double>(notify::repo::count_pending(conn)));
    m.set_calls_active(static_cast<double>(calls::call_repo::count_open(conn)));
  });
}

// GET /healthz (docs/api.md): the store decides 200 or 503; Redis down only degrades (calls
// across processes), this node still serves.
http::Health health_of(App& app, const calls::Bus* bus) {
  http::Health health;
  if (bus) health.redis = bus->connected() ? http::Health::Redis::ok : http::Health::Redis::down;
  try {
    // 503 also for a while after a request found the store unavailable (a full disk still
    // answers reads).
    health.store_ok = !app.db().recently_unavailable() &&
                      app.db().with([](store::Connection& conn) { return store::answers(conn); });
  } catch (const std::exception& e) {
    spdlog::error("health check failed: {}", e.what());
    health.store_ok = false;
  }
  return health;
}

// SIGHUP: logrotate moved the log file away (docs/monitoring.md).
void reopen_log(core::ReopenableFileSink* log_file) {
  if (!log_file) {
    spdlog::info("SIGHUP ignored: no [server] log_file to reopen");
    return;
  }
  log_file->reopen();
  spdlog::info("SIGHUP: log file reopened");
}

// What the server and the services tell the metrics (they never see this module).
void observe(metrics::Metrics& m, http::Server& server, App& app) {
  server.set_observer({[&m](std::string_view route, unsigned status, double seconds) {
                         m.request(route, status, seconds);
                       },
                       [&m](int delta) {
                         if (delta > 0)
                           m.websocket_opened();
                         else
                           m.websocket_closed();
                       }});
  app.pass().set_login_failure_hook([&m](std::string_view reason) { m.login_failed(reason); });
  app.on_push_result([&m](std::string_view result) { m.push_sent(result).Increment(); });
}

}  // namespace

int serve(Config config) {
  // [server] log_file: from the first line on; SIGHUP reopens it (logrotate, docs/monitoring.md).
  std::shared_ptr<core::ReopenableFileSink> log_file;
  if (!config.log_file.empty()) log_file = core::log_to_file(config.log_file, config.log_json);
  App app(std::move(config));
  const auto& c = app.config();
  boost::asio::thread_pool workers(static_cast<std::size_t>(std::max(1, c.worker_threads)));
  http::Router router([&app](const std::string& token) { return app.pass().authenticate(token); });
  register_api_routes(router, app);
  std::shared_ptr<calls::Bus> bus;  // several processes as one (Redis), else in-process
  if (!c.redis_url.empty()) bus = std::make_shared<calls::RedisBus>(c.redis_url);
  calls::HubOptions hub_options{c.calls.reconnect_grace_seconds,
                                [&app](std::int64_t session, bool in_call) {
                                  return app.pass().live_session(session, in_call);
                                },
                                [&app](const calls::Call& call, calls::CallEvent event) {
                                  app.call_notices().tell(call, event);
                                }};
  calls::Hub hub(app.db(), app.clock(), app.family(), hub_options, bus);  // outlives the server
  // A socket does not outlive its session, nor a call the person's access (docs/architecture.md).
  const auth::AccessListener revoke = [&hub](const auth::AccessEnded& e) { hub.revoke(e); };
  app.pass().set_access_listener(revoke);
  app.staff().set_access_listener(revoke);
  app.staff_invitations().set_access_listener(revoke);
  app.operator_console().set_access_listener(revoke);
  http::StaticFiles files(c.web_dir);
  http::Server server(c.http(), router, files, workers,
                      [&app, bus] { return health_of(app, bus.get()); });
  server.set_websocket("/api/v1/ws", &hub);
  server.set_hangup_handler([log_file] { reopen_log(log_file.get()); });
  std::unique_ptr<metrics::Metrics> meters;
  std::unique_ptr<metrics::Endpoint> metrics_endpoint;
  std::unique_ptr<core::Periodic> store_gauges;
  if (!c.metrics_listen.empty()) {
    meters = std::make_unique<metrics::Metrics>();
    observe(*meters, server, app);
    metrics_endpoint = std::make_unique<metrics::Endpoint>(c.metrics_listen, *meters);
    store_gauges =
        std::make_unique<core::Periodic>("metrics of the store", kStoreGaugesPeriod,
                                         [&app, &m = *meters] { refresh_store_gauges(app, m); });
    spdlog::info("metrics on {} (port {}), GET /metrics", c.metrics_listen,
                 metrics_endpoint->port());
  }
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
  // Retention (SPEC 15): ended sessions, spent links, sent message bodies (and audit rows).
  core::Periodic retention(
      "retention purge", std::chrono::seconds(c.retention.interval_seconds), [&app, &c] {
        const auto purged = retention::purge(app.db(), c.retention, app.clock().now());
        if (purged.total() > 0)
          spdlog::info(
              "retention: purged {} sessions, {} links, {} message "
              "bodies, {} audit rows",
              purged.sessions, purged.links, purged.message_bodies, purged.audit_rows);
      });
  spdlog::info("CareLive listening on port {}; open {}", port, c.public_url);
  if (const auto warning = plain_http_warning(c.public_url); !warning.empty())
    spdlog::warn("{}", warning);
  server.run();
  workers.join();
  app.pass().set_access_listener(nullptr);
  app.staff().set_access_listener(nullptr);
  app.staff_invitations().set_access_listener(nullptr);
  app.operator_console().set_access_listener(nullptr);
  app.pass().set_login_failure_hook(nullptr);
  if (store_gauges) store_gauges->stop();
  reminders.stop();
  app.dispatcher().stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace carelive
