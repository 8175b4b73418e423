#include "metrics/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace carelive::metrics {
namespace {

// Request durations: from a cached JSON read (~1 ms) to a slow Argon2id login under load.
const prometheus::Histogram::BucketBoundaries kDurationBuckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

prometheus::Gauge& single_gauge(prometheus::Registry& registry, const std::string& name,
                                const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("carelive_http_requests_total")
                    .Help("HTTP requests answered, by route pattern and status")
                    .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("carelive_http_request_duration_seconds")
                    .Help("Time from a request read to its answer, by route pattern")
                    .Register(*registry_)),
      websockets_(single_gauge(*registry_, "carelive_websocket_connections",
                               "Open WebSocket connections (call screens) of this process")),
      calls_active_(single_gauge(*registry_, "carelive_calls_active",
                                 "Calls started and not ended (ringing or in progress), read "
                                 "from the store: the same on every process")),
      messages_pending_(single_gauge(*registry_, "carelive_messages_pending",
                                     "Messages (email, SMS) not yet sent nor given up, read from "
                                     "the store: the same on every process")),
      login_failures_(prometheus::BuildCounter()
                          .Name("carelive_login_failures_total")
                          .Help("Refused logins: wrong id or password, or throttled")
                          .Register(*registry_)),
      push_sent_(prometheus::BuildCounter()
                     .Name("carelive_push_sent_total")
                     .Help("Web Push deliveries, by result")
                     .Register(*registry_)) {
  // Every label value exists from the start at 0, so a rate() sees the first event and the
  // families are listed before anything happened.
  login_failures_.Add({{"reason", "password"}});
  login_failures_.Add({{"reason", "throttled"}});
  for (const char* result : {"sent", "gone", "retry", "rejected", "expired"})
    push_sent_.Add({{"result", result}});
}

Metrics::RouteSeries& Metrics::series(std::string_view route, unsigned status) {
  std::string key(route);
  key += ' ';
  key += std::to_string(status);
  {
    std::shared_lock lock(series_mutex_);
    if (auto it = series_.find(key); it != series_.end()) return it->second;
  }
  std::unique_lock lock(series_mutex_);
  if (auto it = series_.find(key); it != series_.end()) return it->second;
  const std::string r(route);
  RouteSeries s{&requests_.Add({{"route", r}, {"status", std::to_string(status)}}),
                &duration_.Add({{"route", r}}, kDurationBuckets)};
  return series_.emplace(std::move(key), s).first->second;
}

void Metrics::request(std::string_view route, unsigned status, double seconds) {
  auto& s = series(route, status);
  s.requests->Increment();
  s.duration->Observe(seconds);
}

void Metrics::login_failed(std::string_view reason) {
  login_failures_.Add({{"reason", std::string(reason)}}).Increment();
}

prometheus::Counter& Metrics::push_sent(std::string_view result) {
  return push_sent_.Add({{"result", std::string(result)}});
}

namespace {

prometheus::MetricFamily one_value(const std::string& name, const std::string& help,
                                   prometheus::MetricType type, double value) {
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  return {name, help, type, {m}};
}

// proc(5): the fields of /proc/self/stat after the command name, which may hold spaces.
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> fields;
  auto close = line.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 1));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;  // fields[0] is field 3 (state)
}

double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto f = stat_fields();
  // proc(5) numbering: utime 14, stime 15, starttime 22, rss 24 → fields[n - 3].
  if (f.size() > 21) {
    const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
    out.push_back(one_value("process_cpu_seconds_total", "User and system CPU time spent",
                            MetricType::Counter, cpu));
    out.push_back(one_value("process_resident_memory_bytes", "Resident memory size",
                            MetricType::Gauge,
                            std::stod(f[21]) * static_cast<double>(::sysconf(_SC_PAGESIZE))));
    out.push_back(one_value("process_start_time_seconds",
                            "Start time of the process since the Unix epoch", MetricType::Gauge,
                            boot_time() + std::stod(f[19]) / ticks));
  }
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++fds;
  if (!ec) {
    out.push_back(one_value("process_open_fds", "Open file descriptors", MetricType::Gauge,
                            fds - 1));  // less the one listing the folder
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.push_back(one_value("process_max_fds", "Maximum number of open file descriptors",
                            MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return out;
}

namespace {

std::unique_ptr<prometheus::Exposer> listen_on(const std::string& listen) {
  try {
    return std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    // civetweb's own message names neither the address nor the likely cause.
    throw std::runtime_error("cannot serve metrics on " + listen +
                             " (address in use, or not HOST:PORT with an IPv4 address or host "
                             "name): " +
                             e.what());
  }
}

}  // namespace

Endpoint::Endpoint(const std::string& listen, const Metrics& metrics)
    : process_(std::make_shared<ProcessCollector>()), exposer_(listen_on(listen)) {
  exposer_->RegisterCollectable(metrics.registry());
  exposer_->RegisterCollectable(process_);
}

Endpoint::~Endpoint() = default;

unsigned short Endpoint::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<unsigned short>(ports.front());
}

}  // namespace carelive::metrics
