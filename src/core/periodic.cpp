#include "core/periodic.hpp"

#include <spdlog/spdlog.h>

namespace carelive::core {

Periodic::Periodic(std::string name, std::chrono::milliseconds period, std::function<void()> work)
    : name_(std::move(name)) {
  thread_ = std::thread([this, period, work = std::move(work)] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        work();
      } catch (const std::exception& e) {
        spdlog::error("{}: {}", name_, e.what());
      }
      lock.lock();
      wake_.wait_for(lock, period, [this] { return stopping_; });
    }
  });
}

Periodic::~Periodic() { stop(); }

void Periodic::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace carelive::core
