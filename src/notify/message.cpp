#include "notify/message.hpp"

#include <stdexcept>

#include "notify/repo.hpp"
#include "notify/seal.hpp"

namespace carelive::notify {

std::int64_t enqueue(store::Connection& c, const Message& m, core::UnixSeconds now) {
  if (m.sealed.empty() && holds_link(m.body))
    throw std::logic_error("a message holding a link must be sealed before it is stored");
  // Due at once; the Dispatcher picks it up after the caller's transaction commits.
  return repo::insert(c, m, now);
}

}  // namespace carelive::notify
