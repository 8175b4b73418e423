#pragma once

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The server's Prometheus metrics (docs/monitoring.md). The server and the services know
// nothing of this module: serve() hands them callbacks that land here. Exposition (text format,
// HTTP) is prometheus-cpp's.
namespace carelive::metrics {

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

  // One answered HTTP request. `route` is the router's pattern (or a fixed name such as
  // "static"), never a raw path: paths hold ids and tokens.
  void request(std::string_view route, unsigned status, double seconds);
  void websocket_opened() { websockets_.Increment(); }
  void websocket_closed() { websockets_.Decrement(); }
  // A refused login: "password" (wrong id or password) or "throttled".
  void login_failed(std::string_view reason);
  void set_calls_active(double n) { calls_active_.Set(n); }
  void set_messages_pending(double n) { messages_pending_.Set(n); }
  // Web Push deliveries by result: "sent" (accepted by the push service), "gone" (404/410: the
  // subscription is removed, SPEC 13), "retry" (429, 5xx, no answer: tried again later),
  // "rejected" (refused for good), "expired" (past its TTL before it could go). They start at 0.
  prometheus::Counter& push_sent(std::string_view result);

 private:
  struct RouteSeries {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };
  // Family::Add builds a metric before it looks the labels up, so the series of each route and
  // status are found once and kept (the request path stays a shared-lock map lookup).
  RouteSeries& series(std::string_view route, unsigned status);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Gauge& websockets_;
  prometheus::Gauge& calls_active_;
  prometheus::Gauge& messages_pending_;
  prometheus::Family<prometheus::Counter>& login_failures_;
  prometheus::Family<prometheus::Counter>& push_sent_;

  std::shared_mutex series_mutex_;
  std::unordered_map<std::string, RouteSeries> series_;
};

// process_* metrics of this process from /proc/self (prometheus-cpp has no process collector):
// CPU seconds, resident memory, open and maximum file descriptors, start time.
class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// GET /metrics on its own address (`[metrics] listen`), served by prometheus-cpp's Exposer:
// the registry and the process collector.
class Endpoint {
 public:
  // `listen` is HOST:PORT, HOST an IPv4 address or a host name (Debian's build of
  // prometheus-cpp's civetweb has no IPv6); port 0 picks a free one. Throws, naming the
  // address, when it cannot listen.
  Endpoint(const std::string& listen, const Metrics& metrics);
  ~Endpoint();
  unsigned short port() const;

 private:
  std::shared_ptr<ProcessCollector> process_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace carelive::metrics
