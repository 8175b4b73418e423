#include "notify/message.hpp"

#include "notify/repo.hpp"

namespace carelive::notify {

std::int64_t enqueue(store::Connection& c, const Message& m, core::UnixSeconds now) {
  // Due at once; the Dispatcher picks it up after the caller's transaction commits.
  return repo::insert(c, m, now);
}

}  // namespace carelive::notify
