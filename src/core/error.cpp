#include "core/error.hpp"

namespace carelive::core {

Error::Error(const ErrorCode& code, FieldErrors fields, std::optional<std::int64_t> retry_after)
    : std::runtime_error(std::string(code.name)),
      code_(code.name),
      fields_(std::move(fields)),
      retry_after_(retry_after) {}

const ErrorCode& error_code(std::string_view name) {
  for (const ErrorCode* c : codes::kAll)
    if (c->name == name) return *c;
  return codes::kInternal;
}

int status_for_code(std::string_view name) { return error_code(name).status; }

std::string default_message(std::string_view name) { return std::string(error_code(name).message); }

}  // namespace carelive::core
