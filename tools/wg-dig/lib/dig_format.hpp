// dig's presentation format, from a reply's wire bytes: the banner, the header with opcode,
// status, id and flags, the EDNS pseudo-section, the QUESTION/ANSWER/AUTHORITY/ADDITIONAL
// sections with records in BIND's column layout (owner, then TTL at column 24, class at 32,
// type at 40, data at 48, tabs where they fit and one space where they do not), and the
// statistics lines. Record data comes from ldns. Pure functions: the unit tests compare them
// with what dig 9.18 prints for the same bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <span>
#include <string>

#include "dig_options.hpp"
#include "wgnet/result.hpp"

namespace wgnet::dig {

struct ReplyInfo {
  std::span<const uint8_t> wire;
  std::string server_address;  // "10.77.0.1"
  uint16_t port = 53;
  std::string server_label;  // as the user named the server (dig's "(...)" part)
  bool via_tcp = false;
  std::chrono::microseconds rtt{};
  std::time_t when = 0;
};

// "\n; <<>> wg-dig VERSION <<>> ARGS\n" and, when the server was given, "; (N server(s) found)".
// `first` adds ";; global options: +cmd", which dig prints once.
std::string format_banner(std::string_view args_text, int servers_found, bool first);

// The whole reply as dig prints it with these settings (+short: the answers' data only).
// kInvalidArgument when the bytes are not a DNS message.
Result<std::string> format_reply(const ReplyInfo& reply, const QuerySettings& settings);

// One resource record line ("name.\t\t300\tIN\tA\t10.0.0.1"), and a question line without
// its leading ';' ("name.\t\t\tIN\tA"). Exposed for the tests.
std::string format_record_fields(const std::string& owner, const std::string& ttl,
                                 const std::string& klass, const std::string& type,
                                 const std::string& rdata);

}  // namespace wgnet::dig
