#include <random>

#include "notify/dispatcher.hpp"
#include "notify/mime.hpp"

namespace carelive::notify {
namespace {

// Unique enough for Message-ID (RFC 5322 3.6.4); not a secret, so no CSPRNG needed.
std::string random_hex(int bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const auto v = static_cast<unsigned>(rng() & 0xFF);
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

// The sender's domain, for the Message-ID; "carelive.invalid" unless the configured sender is a
// plain address (a line break or a space in it must not reach the header: fuzz_mime).
std::string domain_of(const std::string& address) {
  if (!mime::is_envelope_address(address)) return "carelive.invalid";
  return address.substr(address.rfind('@') + 1);
}

// Templates write "\n"; a body may still carry "\r\n" or a lone "\r" from elsewhere.
std::string lines_with(std::string_view body, std::string_view eol) {
  std::string out;
  out.reserve(body.size() + body.size() / 32);
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
      out += eol;
    } else if (c == '\n') {
      out += eol;
    } else {
      out += c;
    }
  }
  if (out.size() < eol.size() || out.compare(out.size() - eol.size(), eol.size(), eol) != 0)
    out += eol;
  return out;
}

}  // namespace

// Two forms of one message:
// - outbox (encode_headers = false): raw UTF-8 headers (RFC 6532) and an 8bit body with "\n"
//   line ends, as mail files on disk are kept, so a person or grep reads the text and links;
// - SMTP (encode_headers = true): 7-bit clean with CRLF — RFC 2047 encoded-words in headers and
//   a base64 body, because libcurl never sends BODY=8BITMIME (RFC 6152 requires it for 8bit).
std::string render_email(const Message& m, const std::string& from, core::UnixSeconds at,
                         bool encode_headers) {
  const std::string_view eol = encode_headers ? "\r\n" : "\n";
  const mime::Mailbox sender = mime::parse_mailbox(from);
  const std::string subject = mime::header_safe(m.subject);

  std::string out;
  auto header = [&](std::string_view name, const std::string& value) {
    out += name;
    out += ": ";
    out += value;
    out += eol;
  };
  header("From", mime::format_mailbox(sender, encode_headers, eol));
  header("To", mime::header_safe(m.to));
  header("Subject", encode_headers ? mime::encode_words(subject, eol) : subject);
  header("Date", mime::rfc5322_date(at));
  // RFC 5322 3.6.4: unique per message. A stored message keeps one over every attempt, so a
  // copy sent again after a crash is recognisably the same message.
  const std::string local = m.id > 0 ? "carelive." + std::to_string(m.id) + "." + m.installation
                                     : std::to_string(at) + "." + random_hex(12);
  header("Message-ID", "<" + local + "@" + domain_of(sender.address) + ">");
  header("MIME-Version", "1.0");
  header("Content-Type", "text/plain; charset=UTF-8");
  header("Content-Transfer-Encoding", encode_headers ? "base64" : "8bit");
  out += eol;
  if (!encode_headers) {
    out += lines_with(m.body, eol);
    return out;
  }
  // Base64 of the canonical (CRLF) text, in lines of 76 characters (RFC 2045 6.8).
  const std::string encoded = mime::base64(lines_with(m.body, "\r\n"));
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76);
    out += eol;
  }
  return out;
}

}  // namespace carelive::notify
