#include "app.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/thread_pool.hpp>

#include "calls/hub.hpp"
#include "core/periodic.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "store/settings.hpp"

// `carelive serve`: the App behind the HTTP server, the call hub and the timers. Apart from
// app.cpp so that what builds an App (the fuzz targets too) does not need the server.

namespace carelive {

int serve(Config config) {
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
                                }};
  calls::Hub hub(app.db(), app.clock(), app.family(), hub_options, bus);  // outlives the server
  // A socket does not outlive its session, nor a call the person's access (docs/architecture.md).
  const auth::AccessListener revoke = [&hub](const auth::AccessEnded& e) { hub.revoke(e); };
  app.pass().set_access_listener(revoke);
  app.staff().set_access_listener(revoke);
  app.staff_invitations().set_access_listener(revoke);
  app.operator_console().set_access_listener(revoke);
  http::StaticFiles files(c.web_dir);
  http::Server server(c.http(), router, files, workers, [&app] {
    try {
      // 503 also for a while after a request found the store unavailable (a full disk still
      // answers reads).
      if (app.db().recently_unavailable()) return false;
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
  if (const auto warning = plain_http_warning(c.public_url); !warning.empty())
    spdlog::warn("{}", warning);
  server.run();
  workers.join();
  app.pass().set_access_listener(nullptr);
  app.staff().set_access_listener(nullptr);
  app.staff_invitations().set_access_listener(nullptr);
  app.operator_console().set_access_listener(nullptr);
  reminders.stop();
  app.dispatcher().stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace carelive
