#include <gtest/gtest.h>

#include <string>

#include "notify/dispatcher.hpp"

// render_email's headers whatever the configured sender holds (found by fuzz_mime).

namespace carelive::notify {
namespace {

constexpr core::UnixSeconds kAt = 1'700'026'620;

std::string headers(const std::string& email, const std::string& eol) {
  return email.substr(0, email.find(eol + eol) + eol.size());
}

TEST(RenderEmail, SenderWithLineBreakOrNulAddsNoHeaderLine) {
  const Message m{Channel::email, "kuma@example.jp", "件名", "本文\n"};
  for (const std::string& from : {std::string("CareLive <no-reply@live.test\r\nBcc: x>"),
                                  std::string("CareLive <a@evil.test\0x>", 24)}) {
    for (bool smtp : {false, true}) {
      const std::string eol = smtp ? "\r\n" : "\n";
      const std::string head = headers(render_email(m, from, kAt, smtp), eol);
      EXPECT_EQ(head.find("\nBcc:"), std::string::npos) << head;
      EXPECT_EQ(head.find('\0'), std::string::npos) << head;
      EXPECT_NE(head.find("@carelive.invalid>" + eol), std::string::npos) << head;
    }
  }
}

TEST(RenderEmail, MessageIdUsesThePlainSendersDomain) {
  const Message m{Channel::email, "kuma@example.jp", "件名", "本文\n"};
  const std::string email = render_email(m, "CareLive <no-reply@live.test>", kAt, true);
  EXPECT_NE(email.find("@live.test>\r\n"), std::string::npos) << email;
}

}  // namespace
}  // namespace carelive::notify
