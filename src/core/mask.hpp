#pragma once

#include <string>

namespace carelive::core {

// A login id shown to someone who should recognise it but not read it in full (SPEC 14: staff
// check who applied): an email keeps the first two characters of its local part and the domain
// (ku****@example.jp); a mobile number (E.164) its national format's first three and last
// four digits (090-****-5678). Anything else: asterisks of its length.
std::string masked_login_id(const std::string& login_id);

}  // namespace carelive::core
