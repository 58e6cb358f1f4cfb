// wg-dig's command line, parsed by hand as dig does: `+options`, `@server` and bare words whose
// meaning depends on what they spell (a type, a class, or else a new query name) do not fit an
// option library. Options before the first name are defaults for every query; options after a
// name apply to that query only. A batch file (-f) holds one such argument list per line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::dig {

// What dig's +[no]... switches and -p/-4/-6 set for one query.
struct QuerySettings {
  // Transport and protocol.
  bool tcp = false;         // +tcp / +vc: ask over TCP only
  bool tcp_set = false;     // +[no]tcp given: ANY queries then follow it (else TCP, as dig)
  bool ignore_tc = false;   // +ignore: keep a truncated UDP reply instead of retrying over TCP
  int time_s = 5;           // +time=N: seconds per try
  int tries = 3;            // +tries=N (+retry=N is N+1 tries)
  bool recurse = true;      // +[no]recurse: the RD bit
  bool dnssec = false;      // +dnssec: the DO bit (implies EDNS)
  bool edns = true;         // +[no]edns: send an OPT record
  uint16_t bufsize = 1232;  // +bufsize=N: EDNS UDP payload size (dig's default)
  bool search = false;      // +[no]search: try the search domains from DNS=
  uint16_t port = 53;       // -p
  AddressFamily family = AddressFamily::kAny;  // -4 / -6: which address of an @name server
  // Presentation.
  bool short_form = false;  // +short
  bool cmd = true;          // +[no]cmd: the "; <<>> wg-dig" banner
  bool comments = true;     // +[no]comments: header, section titles, blank lines
  bool question = true;     // +[no]question
  bool answer = true;       // +[no]answer
  bool authority = true;    // +[no]authority
  bool additional = true;   // +[no]additional
  bool stats = true;        // +[no]stats: Query time, SERVER, WHEN, MSG SIZE
};

struct Query {
  std::string name;                   // as typed; "." when no name was given
  uint16_t qtype = 1;                 // A
  uint16_t qclass = 1;                // IN
  std::optional<std::string> server;  // @server (IP or name); unset: first DNS= of the config
  bool reverse = false;               // made by -x
  QuerySettings settings;
};

struct Command {
  std::vector<Query> queries;
  std::string config_path;                // -c / --wg-config; empty: $WGNET_CONFIG
  bool share = true;                      // --no-share: a tunnel of our own
  int verbosity = 0;                      // -v, -vv
  bool help = false;                      // -h / --help
  bool version = false;                   // -V / --version
  std::optional<std::string> batch_file;  // -f FILE
  std::string args_text;                  // the arguments as typed, for the "; <<>> wg-dig" banner
  // Defaults the batch file's lines start from (global options of the command line).
  QuerySettings defaults;
  std::optional<std::string> default_server;
};

// Parses argv[1..]. kInvalidArgument with a one-line message quoting the bad argument.
// With no name and no -f, the command asks for the root's NS records, as dig does.
Result<Command> parse_command_line(const std::vector<std::string>& args);

// Parses one batch-file line into queries, starting from the command line's global defaults.
// Blank lines and lines starting with ';' or '#' give no queries.
Result<std::vector<Query>> parse_batch_line(std::string_view line, const Command& command);

// "Usage: ..." for -h.
std::string usage_text();

}  // namespace wgnet::dig
