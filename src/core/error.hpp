#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error_codes.hpp"

namespace carelive::core {

// Field name -> codes of every rule the value broke (SPEC 2: each broken rule its own message).
using FieldErrors = std::map<std::string, std::vector<std::string>>;

// The table row of `name`; codes::kInternal for a name that is not in the table.
const ErrorCode& error_code(std::string_view name);

// The one error type of the domain. Its stable `code` (a row of core/error_codes.hpp) is what
// the web app translates; http/ maps it to a status in one place (status_for_code), and the
// call WebSocket sends it as is. See docs/api.md.
class Error : public std::runtime_error {
 public:
  explicit Error(const ErrorCode& code, FieldErrors fields = {},
                 std::optional<std::int64_t> retry_after = std::nullopt);

  static Error validation(FieldErrors fields) {
    return Error(codes::kValidationFailed, std::move(fields));
  }
  static Error field(const std::string& name, const std::string& code) {
    return validation({{name, {code}}});
  }

  const std::string& code() const { return code_; }
  const FieldErrors& fields() const { return fields_; }
  std::optional<std::int64_t> retry_after() const { return retry_after_; }

 private:
  std::string code_;
  FieldErrors fields_;
  std::optional<std::int64_t> retry_after_;
};

// Collects field errors while a form is checked, then throws them all at once.
class FieldErrorSet {
 public:
  void add(const std::string& field, const std::string& code) { errors_[field].push_back(code); }
  bool has(const std::string& field) const { return errors_.count(field) != 0; }
  bool empty() const { return errors_.empty(); }
  void throw_if_any() const {
    if (!errors_.empty()) throw Error::validation(errors_);
  }

 private:
  FieldErrors errors_;
};

int status_for_code(std::string_view name);
// Japanese default text for API clients; the web app shows its own translation of the code.
std::string default_message(std::string_view name);

}  // namespace carelive::core
