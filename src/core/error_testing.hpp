#pragma once

// For tests only (header-only): what a call threw, as the stable code of core::Error.

#include <string>
#include <utility>

#include "core/error.hpp"

namespace carelive::core::testing {

// The code of the core::Error `fn` throws, or "ok" when it returns normally.
template <class F>
std::string code_of(F&& fn) {
  try {
    std::forward<F>(fn)();
  } catch (const Error& e) {
    return e.code();
  }
  return "ok";
}

// The field errors of the core::Error `fn` throws (empty when it returns normally).
template <class F>
FieldErrors fields_of(F&& fn) {
  try {
    std::forward<F>(fn)();
  } catch (const Error& e) {
    return e.fields();
  }
  return {};
}

}  // namespace carelive::core::testing
