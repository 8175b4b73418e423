#include "core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

#include "core/text.hpp"

namespace carelive::core {

using i18n::phonenumbers::PhoneNumberUtil;

PhoneParse parse_mobile_jp(std::string_view input) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string text = nfkc(trim(input));
  if (text.empty() || text.size() > 32) return {};
  i18n::phonenumbers::PhoneNumber number;
  if (util.Parse(text, "JP", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  if (!util.IsValidNumber(number) || number.country_code() != 81) return {};
  auto type = util.GetNumberType(number);
  if (type != PhoneNumberUtil::MOBILE && type != PhoneNumberUtil::FIXED_LINE_OR_MOBILE)
    return {std::nullopt, PhoneProblem::not_mobile};
  PhoneNumber out;
  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  util.Format(number, PhoneNumberUtil::NATIONAL, &out.display);
  return {out, PhoneProblem::invalid};
}

std::string phone_display(const std::string& e164) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  if (util.Parse(e164, "JP", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  std::string out;
  util.Format(number, PhoneNumberUtil::NATIONAL, &out);
  return out;
}

}  // namespace carelive::core
