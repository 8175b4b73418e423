// The Web Push benchmark (issue 11, bench/push.sh): CareLive's own push path against the
// loopback push service (push::testing::PushSink, in this process on a thread of its own), on a
// fresh SQLite store in DIR:
//
//   push_bench --data DIR [--devices 1000] [--residents 500] [--messages 3000] [--calls 200]
//
// One facility with `residents` residents and `devices` family members with one subscribed
// device each, spread over the residents. Two measurements:
//  1. Encrypted pushes per second per core: the push transport the dispatcher uses (encrypt for
//     the device, VAPID token, POST, answer) called `messages` times in a row on one thread;
//     the rate over that thread's CPU time (the sink's decryption runs on its own thread and is
//     not counted) and over wall time.
//  2. Call start → push POST at the sink: `calls` calls started one after another, each told
//     as the hub tells it (calls::CallNotices: the notices queued in a transaction, the running
//     dispatcher woken); for each device of the resident, the time from the start to the
//     sink's receipt of the decrypted POST. p50, p99, max.
#include <time.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app.hpp"
#include "live/repo.hpp"
#include "notify/message.hpp"
#include "notify/push.hpp"
#include "pass/repo.hpp"
#include "push/subscriptions.hpp"
#include "push/test_support_sink.hpp"

namespace {

using namespace carelive;
using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Waits until the sink took `n` messages in all; false after `limit`.
bool wait_for(const std::atomic<std::size_t>& received, std::size_t n, std::chrono::seconds limit) {
  const auto until = Clock::now() + limit;
  while (received.load() < n) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"CareLive Web Push benchmark"};
  std::string data;
  int devices = 1000, residents = 500, messages = 3000, calls = 200;
  cli.add_option("--data", data, "a fresh data folder")->required();
  cli.add_option("--devices", devices, "subscribed devices")->check(CLI::PositiveNumber);
  cli.add_option("--residents", residents, "residents")->check(CLI::PositiveNumber);
  cli.add_option("--messages", messages, "pushes in the throughput run")
      ->check(CLI::PositiveNumber);
  cli.add_option("--calls", calls, "calls started in the latency run")->check(CLI::PositiveNumber);
  CLI11_PARSE(cli, argc, argv);

  push::testing::PushSink sink;
  std::mutex mutex;
  std::unordered_map<std::string, Clock::time_point> arrived;  // device → last receipt
  std::atomic<std::size_t> received{0};
  sink.on_message(
      [&](const push::testing::SinkMessage& m) {
        {
          std::lock_guard lock(mutex);
          arrived[m.id] = m.received_at;
        }
        ++received;
      },
      false);

  Config config;
  config.data_dir = data;
  config.public_url = "http://127.0.0.1";
  config.push.allowed_hosts = {"127.0.0.1"};
  config.push.allow_http = true;
  App app(config);
  const auto now = app.clock().now();

  // One facility, its residents, a family member per device, each with one subscribed device.
  std::vector<std::int64_t> resident_ids;
  std::vector<std::int64_t> subscription_ids;
  std::unordered_map<std::int64_t, std::vector<std::string>> devices_of;  // resident → sink ids
  std::int64_t facility_id = 0;
  app.db().transaction([&](store::Connection& c) {
    live::Facility f;
    f.code = "pushbench";
    f.name = "ベンチ園";
    f.kind = "老人保健施設";
    facility_id = f.id = live::repo::insert_facility(c, f, now);
    for (int r = 0; r < residents; ++r) {
      live::Resident res;
      res.facility_id = f.id;
      res.family_name = "利用";
      res.given_name = "者" + std::to_string(r + 1);
      res.family_name_kana = "りよう";
      res.given_name_kana = "しゃ";
      resident_ids.push_back(live::repo::insert_resident(c, res, now));
    }
    for (int d = 0; d < devices; ++d) {
      pass::Account a;
      a.family_name = "家族";
      a.given_name = "花子";
      a.family_name_kana = "かぞく";
      a.given_name_kana = "はなこ";
      a.email = "device" + std::to_string(d) + "@bench.example.jp";
      a.password_hash = "$argon2id$unused";
      a.id = pass::repo::insert_account(c, a, now);
      const auto resident = resident_ids[static_cast<std::size_t>(d % residents)];
      live::repo::insert_link(c, resident, a.id, "family", now);
      const std::string id = "dev-" + std::to_string(d);
      auto s = sink.subscribe(id);
      push::Subscription row;
      row.account_id = a.id;
      row.endpoint = s.endpoint;
      row.p256dh = s.p256dh_b64url;
      row.auth = s.auth_b64url;
      row.created_at = now;
      subscription_ids.push_back(push::repo::save(c, row));
      devices_of[resident].push_back(id);
    }
  });

  // 1. Pushes per second per core: the dispatcher's transport on this thread.
  const auto& templates = app.templates();
  const auto notice = templates.push_call_started("ベンチ園", "利用者1", resident_ids[0]);
  std::atomic<int> failed{0};
  notify::PushSettings settings{
      "mailto:bench@example.jp", {10, 5, {"127.0.0.1"}, true}, [&](std::string_view r) {
        if (r != "sent") ++failed;
      }};
  auto transport = notify::make_push_transport(app.db(), app.clock(), app.vapid_key(), settings);
  const double cpu0 = thread_cpu_seconds();
  const auto wall0 = Clock::now();
  for (int i = 0; i < messages; ++i) {
    auto m = notify::push_message(
        subscription_ids[static_cast<std::size_t>(i) % subscription_ids.size()], notice);
    m.created_at = now;
    transport->send(m);
  }
  const double cpu = thread_cpu_seconds() - cpu0;
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  if (!wait_for(received, static_cast<std::size_t>(messages), std::chrono::seconds(30)) ||
      failed > 0) {
    std::fprintf(stderr, "push_bench: %d of %d pushes failed; sink refusals: %zu\n", failed.load(),
                 messages, sink.refusals().size());
    return 1;
  }
  std::printf("pushes: %d in %.2f s wall, %.2f s CPU of the sending thread\n", messages, wall, cpu);
  std::printf("encrypted pushes per second per core: %.0f  (wall: %.0f/s)\n", messages / cpu,
              messages / wall);

  // 2. Call start → push POST at the sink, with the dispatcher running as in the server.
  app.dispatcher().start();
  std::vector<double> latencies_ms;
  std::size_t expected = received.load();
  for (int i = 0; i < calls; ++i) {
    const auto resident = resident_ids[static_cast<std::size_t>(i * 7919) % resident_ids.size()];
    const auto& ids = devices_of[resident];
    calls::Call call;
    call.id = i + 1;
    call.facility_id = facility_id;
    call.resident_id = resident;
    const auto t0 = Clock::now();
    app.call_notices().tell(call, calls::CallEvent::started);
    expected += ids.size();
    if (!wait_for(received, expected, std::chrono::seconds(10))) {
      std::fprintf(stderr, "push_bench: call %d: the pushes did not arrive\n", i + 1);
      return 1;
    }
    std::lock_guard lock(mutex);
    for (const auto& id : ids)
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(arrived[id] - t0).count());
  }
  app.dispatcher().stop();
  std::printf(
      "call start -> push POST at the sink: %zu pushes of %d calls (%d devices, %d residents)\n",
      latencies_ms.size(), calls, devices, residents);
  std::printf("  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(latencies_ms, 0.5),
              percentile(latencies_ms, 0.99), percentile(latencies_ms, 1.0));
  return 0;
}
