#pragma once

// Tests only: the one password the tests sign in with.
namespace carelive::testing {

// Follows SPEC 2's rules and is not in cracklib's dictionary.
inline constexpr const char* kPassword = "Fujita#Kuma9";

}  // namespace carelive::testing
