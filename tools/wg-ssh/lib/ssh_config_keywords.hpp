// The ssh_config keyword table of OpenSSH 9.2 (readconf.c keywords[]), what wg-ssh does with each
// key, and the value parsers shared by the config reader and the settings resolver. Internal to
// wgnet_ssh; the public surface is ssh_config.hpp / ssh_options.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ssh_config.hpp"
#include "ssh_options.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

// The shape of a key's value, as readconf.c checks it.
enum class ValueKind {
  kOne,            // exactly one word
  kList,           // one or more words
  kFlag,           // yes|no|true|false
  kStrict,         // StrictHostKeyChecking
  kRequestTty,     // yes|no|true|false|force|auto
  kAddressFamily,  // inet|inet6|any
  kLogLevel,       // QUIET..DEBUG3
  kPort,           // 1-65535
  kTime,           // convtime: 90, 1m30s, none (ConnectTimeout)
  kInt,            // a non-negative integer
  kEscape,         // ~, ^X, none
  kSessionType,    // none|subsystem|default
  kLocalForward,   // "[bind:]port host:hostport"
  kSetEnv,         // NAME=VALUE...
  kPubkey,         // yes|no|true|false|unbound|host-bound
  kRest,           // the rest of the line, unsplit (RemoteCommand)
  kAny,            // anything with at least one word (keys wg-ssh ignores)
};

struct Keyword {
  std::string_view name;       // lower case, as accepted in files and -o
  std::string_view canonical;  // the key it is an alias of ("challengeresponseauthentication"
                               // -> "kbdinteractiveauthentication"); itself otherwise
  std::string_view display;    // how ssh_config(5) spells it, for warnings
  KeywordSupport support;
  ValueKind kind;
  // kIgnored keys: 0 = "not supported by wg-ssh" warning, 1 = OpenSSH's own
  // "Unsupported option" (always printed), 2 = silently ignored (OpenSSH: deprecated).
  int ignore_style = 0;
};

// nullptr for a key OpenSSH 9.2 does not know.
const Keyword* find_keyword(std::string_view lower_key);

// Typed value parsers; errors are the bare reason OpenSSH prints after "FILE line N: ".
Result<bool> parse_flag_value(std::string_view text);
Result<LogLevel> parse_log_level(std::string_view text);
Result<RequestTty> parse_request_tty(std::string_view text);
Result<AddressFamily> parse_address_family(std::string_view text);
// convtime(): seconds with optional s/m/h/d/w suffixes, summed ("1h30m"); "none" and 0 = unset.
Result<std::optional<std::chrono::seconds>> parse_time_value(std::string_view text);
Result<int> parse_int_value(std::string_view text);

}  // namespace wgnet::ssh
