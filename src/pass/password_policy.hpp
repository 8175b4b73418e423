#pragma once

#include <string>
#include <vector>

namespace carelive::pass {

// SPEC 2: at least 8 half-width characters; at least one each of uppercase, lowercase,
// digit and symbol; the symbols are exactly @ # $ % & ? !; nothing else. Returns one code per
// broken rule (docs/api.md), empty when the password is acceptable.
std::vector<std::string> password_rule_violations(const std::string& password);

// True when cracklib's dictionary check (Debian cracklib-runtime's word list) rejects it,
// e.g. `Password1!` — policy-conforming but built on a dictionary word.
bool is_common_password(const std::string& password);

// Both of the above: rule codes, or {"password_common"}.
std::vector<std::string> check_new_password(const std::string& password);

}  // namespace carelive::pass
