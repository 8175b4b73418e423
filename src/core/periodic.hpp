#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace carelive::core {

// Runs `work` on a thread of its own at once and then every `period`, until stop() or
// destruction. For background jobs that block on the store (call timers, reminder scans): they
// must not run on the I/O threads, and a timer re-armed on the worker pool would keep the pool's
// join() from returning at shutdown. An exception is logged under `name` and the next round
// tries again.
class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds period, std::function<void()> work);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Waits for a round in progress to finish; no round starts afterwards.
  void stop();

 private:
  std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace carelive::core
