#include "audit/access_log.hpp"

#include <spdlog/spdlog.h>

#include "audit/repo.hpp"

namespace carelive::audit {

AccessLog::AccessLog(store::Database& db, const core::Clock& clock, bool enabled,
                     std::chrono::milliseconds interval, std::size_t batch)
    : db_(db),
      clock_(clock),
      enabled_(enabled),
      interval_(interval),
      batch_(batch),
      writer_([this] { run(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void AccessLog::viewed(const Actor& who, std::string event, std::optional<std::int64_t> facility,
                       std::optional<std::int64_t> resident, const nlohmann::json& detail) {
  if (!enabled_) return;
  Entry e{clock_.now(),  who.account, std::move(event), who.address,
          detail.dump(), facility,    resident};
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMaxPending) {
      pending_.erase(pending_.begin());
      ++dropped_;
    }
    pending_.push_back(std::move(e));
    full = pending_.size() >= batch_;
  }
  if (full) wake_.notify_one();
}

void AccessLog::flush() {
  std::lock_guard order(writing_);
  std::vector<Entry> rows;
  {
    std::lock_guard lock(mutex_);
    rows.swap(pending_);
  }
  if (rows.empty()) return;
  try {
    db_.transaction([&](store::Connection& c) { repo::insert_many(c, rows); });
  } catch (...) {
    // Back in front of what came meanwhile, in order, for the next round.
    std::lock_guard lock(mutex_);
    rows.insert(rows.end(), std::make_move_iterator(pending_.begin()),
                std::make_move_iterator(pending_.end()));
    pending_.swap(rows);
    throw;
  }
}

std::uint64_t AccessLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AccessLog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, interval_, [&] { return stopping_ || pending_.size() >= batch_; });
    const bool stop = stopping_;
    lock.unlock();
    try {
      flush();
    } catch (const std::exception& e) {
      if (stop)
        spdlog::error("access records could not be written at stop: {}", e.what());
      else
        spdlog::warn("access records wait to be written: {}", e.what());
    }
    lock.lock();
    if (stop) return;
  }
}

}  // namespace carelive::audit
