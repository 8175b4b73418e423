#include "auth/access.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace carelive::auth {

void tell(const AccessListener& listener, const AccessEnded& access) {
  if (!listener) return;
  try {
    listener(access);
  } catch (const std::exception& e) {
    spdlog::error("telling open connections that access ended: {}", e.what());
  }
}

}  // namespace carelive::auth
