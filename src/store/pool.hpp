#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.hpp"

namespace carelive::store {

// A fixed set of connections handed out one at a time; take() waits while all are lent.
class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  ConnectionPool(Factory factory, int size) : factory_(std::move(factory)), size_(size) {}

  std::unique_ptr<Connection> take() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || created_ < size_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++created_;
    lock.unlock();
    try {
      return factory_();
    } catch (...) {
      std::lock_guard again(mutex_);
      --created_;
      available_.notify_one();
      throw;
    }
  }

  void release(std::unique_ptr<Connection> conn) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(conn));
    }
    available_.notify_one();
  }

 private:
  Factory factory_;
  int size_;
  int created_ = 0;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace carelive::store
