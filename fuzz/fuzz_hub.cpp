// The signaling WebSocket's application (calls::Hub) fed the text messages of connected people
// of fuzz/world.hpp. The input is lines; each is one message from one connection:
//
//   s {"type":"start","resident_id":1}     'f' family, 's' staff, 'a' facility admin,
//   f {"type":"join","resident_id":1}      'o' operator, 'x' staff of another facility;
//   ~f                                     '~' + letter: that connection closes (the next line
//                                          of that person opens a new one, e.g. to resume)
//
// A line without a known prefix is sent whole as the family's message. After the input every
// connection closes and the reconnect grace runs out (tick), so the next input starts with no
// call open.
//
// Findings, besides crashes and sanitizer reports: a message to the browser that is not a JSON
// object with a string "type", an `internal` error (an exception escaped a handler), and a call
// still open in the store once everybody has left and every grace ran out.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "calls/hub.hpp"
#include "pass/repo.hpp"
#include "world.hpp"

namespace {

using namespace carelive;
using nlohmann::json;

[[noreturn]] void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "FINDING: %s\n  %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  __builtin_trap();
}

// What a browser would receive: every message is checked as it is sent.
struct CheckingPeer : http::WsPeer {
  void send(std::string text) override {
    const json msg = json::parse(text, nullptr, false);
    if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string())
      finding("a message to the browser without a string type", text);
    if (msg["type"] == "error" && msg.value("code", "") == "internal")
      finding("internal error in the hub", text);
  }
  // The hub closes a socket only when its session or access ended (4401, 4403).
  void end(std::uint16_t code) override {
    if (code != calls::protocol::kCloseSessionEnded && code != calls::protocol::kCloseAccessChanged)
      finding("a socket closed with an unknown code", std::to_string(code));
  }
};

struct Target {
  fuzz::World world;
  calls::HubOptions options;
  calls::Hub hub{world.app().db(), world.clock(), world.app().family(), options};
  std::map<char, auth::Principal> people;

  Target() {
    const std::map<char, const char*> tokens = {{'f', "fuzz-family"},
                                                {'s', "fuzz-staff"},
                                                {'a', "fuzz-admin"},
                                                {'o', "fuzz-operator"},
                                                {'x', "fuzz-other"}};
    for (const auto& [letter, token] : tokens) {
      auto account = world.app().db().with([&, token = token](store::Connection& c) {
        return pass::repo::find_account(c, world.account(token));
      });
      people[letter].account = account.value();
    }
  }
  std::int64_t open_calls() {
    return world.app().db().with([](store::Connection& c) {
      return c.exec("SELECT COUNT(*) FROM calls WHERE ended_at IS NULL").first().integer(0);
    });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Target target;
  auto& hub = target.hub;
  std::map<char, std::uint64_t> open;  // person → connection
  auto connection = [&](char who) {
    auto it = open.find(who);
    if (it != open.end()) return it->second;
    const auto id = hub.open(std::make_shared<CheckingPeer>(), target.people.at(who));
    open[who] = id;
    return id;
  };

  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const auto end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    char who = 'f';
    if (line.size() >= 2 && line[0] == '~' && target.people.contains(line[1])) {
      if (auto it = open.find(line[1]); it != open.end()) {
        hub.close(it->second);
        open.erase(it);
      }
      continue;
    }
    if (line.size() >= 2 && line[1] == ' ' && target.people.contains(line[0])) {
      who = line[0];
      line.remove_prefix(2);
    }
    hub.message(connection(who), std::string(line));
  }

  for (const auto& [who, id] : open) hub.close(id);
  target.world.clock().advance(target.options.reconnect_grace_seconds + 1);
  hub.tick();
  if (target.open_calls() != 0) finding("a call stays open after everybody left", "");
  return 0;
}
