// A loopback Web Push service for browser tests and push benchmarks (DESIGN.md: ≥ 1,000
// encrypted pushes per second per core). Build: `cmake --build build --target push_sink`.
//
//   ./build/push_sink [--port 0] [--subscriptions N] [--quiet]
//
// stdout, one line each: first the port; then N subscriptions as PushSubscription.toJSON()
// objects with their id, {"id", "endpoint", "keys": {"p256dh", "auth"}}; then every message
// that passed the VAPID check and decrypted, {"id", "plaintext", "ttl", "urgency", "topic"}
// (with --quiet only a count on exit). Tokens must carry aud = "http://127.0.0.1:<port>"; the
// server under test needs `[push] allow_http = true` and `allowed_hosts = ["127.0.0.1"]`.
// Runs until SIGINT or SIGTERM; refusals are written to stderr.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "push/test_support_sink.hpp"

int main(int argc, char** argv) {
  CLI::App app{"loopback Web Push service"};
  unsigned short port = 0;
  int subscriptions = 1;
  bool quiet = false;
  app.add_option("--port", port, "port on 127.0.0.1 (0: a free one)");
  app.add_option("--subscriptions", subscriptions, "subscriptions to make at start")
      ->check(CLI::Range(0, 1'000'000));
  app.add_flag("--quiet", quiet, "do not print messages, only their count on exit");
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals before the sink's thread starts, so that only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  carelive::push::testing::PushSink sink(port);
  std::mutex out;
  std::atomic<long> count{0};
  sink.on_message(
      [&](const carelive::push::testing::SinkMessage& m) {
        ++count;
        if (quiet) return;
        const nlohmann::json line = {{"id", m.id},
                                     {"plaintext", m.plaintext},
                                     {"ttl", m.ttl},
                                     {"urgency", m.urgency},
                                     {"topic", m.topic}};
        std::lock_guard lock(out);
        std::cout << line.dump() << std::endl;
      },
      false);

  {
    std::lock_guard lock(out);
    std::cout << sink.port() << std::endl;
    for (int i = 0; i < subscriptions; ++i) {
      const auto s = sink.subscribe("sub-" + std::to_string(i));
      std::cout << nlohmann::json{{"id", s.id},
                                  {"endpoint", s.endpoint},
                                  {"keys", {{"p256dh", s.p256dh_b64url}, {"auth", s.auth_b64url}}}}
                       .dump()
                << '\n';
    }
    std::cout << std::flush;
  }

  int signal = 0;
  sigwait(&stop, &signal);
  for (const auto& why : sink.refusals()) std::cerr << "refused: " << why << '\n';
  std::cerr << count.load() << " messages, " << sink.requests() << " requests\n";
  return 0;
}
