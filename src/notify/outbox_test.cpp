#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>

#include "notify/dispatcher.hpp"
#include "notify/mime.hpp"
#include "notify/templates.hpp"
#include "notify/test_support.hpp"

namespace carelive::notify {
namespace {

using testing::files_with;
using testing::read_file;
using testing::TempDir;

constexpr core::UnixSeconds kAt = 1'700'026'620;  // 2023/11/15 14:37 JST, a Wednesday
const std::string kFrom = "CareLive Pass <no-reply@carelive.test>";
const std::string kUrl = "https://carelive.example.jp/pass/confirm?token=AbC123_-xyz";

std::string base64_decode(const std::string& in) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const auto pos = alphabet.find(c);
    if (pos == std::string::npos) continue;  // '=', line breaks
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text, const std::string& eol) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  for (std::size_t next; (next = text.find(eol, pos)) != std::string::npos; pos = next + eol.size())
    lines.push_back(text.substr(pos, next - pos));
  if (pos < text.size()) lines.push_back(text.substr(pos));
  return lines;
}

// The value of header `name` (first occurrence), unfolded.
std::string header_value(const std::string& message, const std::string& name,
                         const std::string& eol) {
  const auto head = message.substr(0, message.find(eol + eol));
  const auto lines = split_lines(head, eol);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(name + ": ", 0) != 0) continue;
    std::string value = lines[i].substr(name.size() + 2);
    while (i + 1 < lines.size() && !lines[i + 1].empty() && lines[i + 1][0] == ' ')
      value += "\n" + lines[++i];
    return value;
  }
  return "";
}

TEST(OutboxTransport, WritesOneEmlPerEmailWithReadableHeaders) {
  TempDir dir;
  auto outbox = make_outbox_transport(dir.str("outbox"), kFrom);  // folder created on demand
  const Templates t{Brand{}};
  const Message first = t.signup_provisional("hanako@example.jp", kUrl, kAt);
  const Message second = t.password_reset("taro@example.jp", kUrl, kAt);
  outbox->send(first);
  outbox->send(second);

  const auto files = files_with(dir.path() / "outbox", ".eml");
  ASSERT_EQ(files.size(), 2u);
  // Nothing else is left behind: no temp files, no .sms.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "outbox"),
                          std::filesystem::directory_iterator()),
            2);

  const std::string eml = read_file(files[0]);
  EXPECT_EQ(eml.find('\r'), std::string::npos);
  EXPECT_EQ(header_value(eml, "From", "\n"), kFrom);
  EXPECT_EQ(header_value(eml, "To", "\n"), "hanako@example.jp");
  // Raw UTF-8 (RFC 6532): grep finds the Japanese subject in the file.
  EXPECT_EQ(header_value(eml, "Subject", "\n"), "【CareLive Pass】CareLive Passに仮登録されました");
  EXPECT_FALSE(header_value(eml, "Date", "\n").empty());
  EXPECT_TRUE(std::regex_match(header_value(eml, "Message-ID", "\n"),
                               std::regex(R"(<[^<>@\s]+@carelive\.test>)")));
  EXPECT_EQ(header_value(eml, "MIME-Version", "\n"), "1.0");
  EXPECT_EQ(header_value(eml, "Content-Type", "\n"), "text/plain; charset=UTF-8");
  EXPECT_EQ(header_value(eml, "Content-Transfer-Encoding", "\n"), "8bit");
  const auto split = eml.find("\n\n");
  ASSERT_NE(split, std::string::npos);
  EXPECT_EQ(eml.substr(split + 2), first.body);
  EXPECT_NE(eml.find("\n" + kUrl + "\n"), std::string::npos);

  EXPECT_EQ(header_value(read_file(files[1]), "To", "\n"), "taro@example.jp");
}

TEST(OutboxTransport, WritesSmsAsToLineBlankLineBody) {
  TempDir dir;
  auto outbox = make_outbox_transport(dir.str(), kFrom);
  const Message m = Templates{Brand{}}.signup_provisional("+819012345678", kUrl, kAt);
  outbox->send(m);
  const auto files = files_with(dir.path(), ".sms");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(read_file(files[0]), "To: +819012345678\n\n" + m.body);
  EXPECT_TRUE(files_with(dir.path(), ".eml").empty());
}

TEST(OutboxTransport, FileNamesAreUniqueAndSortInSendingOrder) {
  TempDir dir;
  auto outbox = make_outbox_transport(dir.str(), kFrom);
  constexpr int kCount = 30;
  for (int i = 0; i < kCount; ++i) {
    const bool sms = i % 3 == 0;
    outbox->send(Message{sms ? Channel::sms : Channel::email,
                         sms ? "+819012345678" : "a@example.jp", sms ? "" : "件名",
                         "本文 " + std::to_string(i)});
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), static_cast<std::size_t>(kCount));
  const std::regex name(R"(\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{8}\.(eml|sms))");
  for (int i = 0; i < kCount; ++i) {
    const std::string file = files[i].filename().string();
    EXPECT_TRUE(std::regex_match(file, name)) << file;
    const std::string text = read_file(files[i]);
    EXPECT_NE(text.find("本文 " + std::to_string(i)), std::string::npos) << file;
  }
}

TEST(OutboxTransport, AStoredMessageIsNamedByItsIdAndWritingItAgainReplacesIt) {
  TempDir dir;
  auto outbox = make_outbox_transport(dir.str(), kFrom);
  Message m{Channel::email, "a@example.jp", "件名", "一回目"};
  m.id = 42;
  m.installation = "0123456789abcdef";
  outbox->send(m);
  m.body = "二回目";
  outbox->send(m);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string(), "000000000042.eml");
  EXPECT_NE(read_file(files[0]).find("二回目"), std::string::npos);
}

TEST(OutboxTransport, TempFilesLeftByAKilledProcessAreRemovedAtStart) {
  TempDir dir;
  // A pid that ran and is gone: a child that exited and was reaped.
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ASSERT_GT(gone, 0);
  ::waitpid(gone, nullptr, 0);
  const std::string dead = ".000000000007.eml." + std::to_string(gone) + ".0badf00d.tmp";
  const std::string own = ".000000000008.eml." + std::to_string(::getpid()) + ".0badf00d.tmp";
  const std::string running = ".000000000009.eml." + std::to_string(::getppid()) + ".0badf00d.tmp";
  for (const auto& name : {dead, own, running, std::string(".000000000005.eml.tmp")})
    std::ofstream(dir.path() / name) << "half a message";
  { std::ofstream(dir.path() / "000000000006.eml") << "a whole message"; }
  auto outbox = make_outbox_transport(dir.str(), kFrom);
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    names.insert(e.path().filename().string());
  // Only the file of a writer that still runs (another process sending right now) stays.
  EXPECT_EQ(names, (std::set<std::string>{"000000000006.eml", running}));
}

TEST(NotifyRenderEmail, AStoredMessageKeepsOneMessageIdOverEveryAttempt) {
  Message m{Channel::email, "a@example.jp", "件名", "本文"};
  m.id = 42;
  m.installation = "0123456789abcdef";
  const std::string id = "<carelive.42.0123456789abcdef@carelive.test>";
  EXPECT_EQ(header_value(render_email(m, kFrom, kAt, false), "Message-ID", "\n"), id);
  EXPECT_EQ(header_value(render_email(m, kFrom, kAt + 3600, true), "Message-ID", "\r\n"), id);
  m.installation = "fedcba9876543210";  // another installation's message 42
  EXPECT_NE(header_value(render_email(m, kFrom, kAt, false), "Message-ID", "\n"), id);
}

TEST(NotifyRenderEmail, SmtpFormIsSevenBitWithEncodedWordsAndCrlf) {
  const Message m = Templates{Brand{}}.signup_provisional("hanako@example.jp", kUrl, kAt);
  const std::string wire = render_email(m, kFrom, kAt, true);

  for (unsigned char c : wire) ASSERT_LT(c, 0x80) << "8-bit byte on the SMTP wire";
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\n') {
      ASSERT_TRUE(i > 0 && wire[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  for (const auto& line : split_lines(wire, "\r\n")) EXPECT_LE(line.size(), 78u) << line;

  EXPECT_EQ(header_value(wire, "To", "\r\n"), "hanako@example.jp");
  EXPECT_EQ(header_value(wire, "Content-Transfer-Encoding", "\r\n"), "base64");
  // Subject: one or more "=?UTF-8?B?…?=" words that decode to the subject.
  const std::string subject = header_value(wire, "Subject", "\r\n");
  std::string decoded;
  const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
  int words = 0;
  for (std::sregex_iterator it(subject.begin(), subject.end(), word), end; it != end; ++it, ++words)
    decoded += base64_decode((*it)[1]);
  EXPECT_GE(words, 1);
  EXPECT_EQ(decoded, m.subject);

  std::string body_text = base64_decode(wire.substr(wire.find("\r\n\r\n") + 4));
  std::string expected_body;
  for (char c : m.body) expected_body += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(body_text, expected_body);
}

TEST(NotifyRenderEmail, DateIsRfc5322InJapanTime) {
  const Message m{Channel::email, "a@example.jp", "s", "b"};
  EXPECT_EQ(header_value(render_email(m, kFrom, kAt, false), "Date", "\n"),
            "Wed, 15 Nov 2023 14:37:00 +0900");
  EXPECT_EQ(mime::rfc5322_date(0), "Thu, 01 Jan 1970 09:00:00 +0900");
}

TEST(NotifyRenderEmail, LineBreaksInHeadersCannotAddHeaders) {
  const Message m{Channel::email, "a@example.jp\r\nBcc: victim@example.com",
                  "件名\r\nBcc: evil@example.com", "本文"};
  for (bool encode : {false, true}) {
    const std::string eol = encode ? "\r\n" : "\n";
    const std::string text = render_email(m, kFrom, kAt, encode);
    for (const auto& line : split_lines(text.substr(0, text.find(eol + eol)), eol))
      EXPECT_NE(line.rfind("Bcc:", 0), 0u) << line;
  }
}

TEST(NotifyRenderEmail, JapaneseSenderNameIsEncodedOnlyOverSmtp) {
  const Message m{Channel::email, "a@example.jp", "件名", "本文"};
  const std::string from = "ケアライブ <no-reply@carelive.test>";
  EXPECT_EQ(header_value(render_email(m, from, kAt, false), "From", "\n"), from);
  const std::string wire_from = header_value(render_email(m, from, kAt, true), "From", "\r\n");
  EXPECT_TRUE(std::regex_match(
      wire_from, std::regex(R"(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <no-reply@carelive\.test>)")))
      << wire_from;
  EXPECT_EQ(header_value(render_email(m, "Care.Live <x@carelive.test>", kAt, true), "From", "\r\n"),
            "\"Care.Live\" <x@carelive.test>");
}

TEST(NotifyMime, EncodedWordsSplitOnCharacterBoundaries) {
  const std::string text = "【CareLive Pass】とても長い件名の日本語テキストを分割して確認します";
  const std::string encoded = mime::encode_words(text, "\r\n");
  std::string joined;
  for (const auto& line : split_lines(encoded, "\r\n")) {
    const std::string word = line[0] == ' ' ? line.substr(1) : line;
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    const std::string part = base64_decode(word.substr(10, word.size() - 12));
    // Each word decodes to whole characters (RFC 2047 section 5).
    ASSERT_FALSE(part.empty());
    EXPECT_NE(static_cast<unsigned char>(part[0]) & 0xC0, 0x80);
    joined += part;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(mime::encode_words("plain ASCII", "\r\n"), "plain ASCII");
  EXPECT_EQ(mime::base64("Man"), "TWFu");
  EXPECT_EQ(mime::base64("Ma"), "TWE=");
  EXPECT_EQ(mime::base64("M"), "TQ==");
}

}  // namespace
}  // namespace carelive::notify
