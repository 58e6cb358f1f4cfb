// ssh_config(5) files (~/.ssh/config, -F FILE, /etc/ssh/ssh_config) as OpenSSH's readconf.c reads
// them: "Key value" or "Key=value", keys case-insensitive, double quotes group words, '#'
// comments, Host blocks with several patterns (*, ?, !negation), "Match all" (other Match
// criteria are warned about and their block never applies), Include (relative to ~/.ssh for user
// files, /etc/ssh for the system file; glob patterns; at most 16 levels deep).
//
// A file is parsed once into a flat list of entries, each remembering the Host/Match blocks
// around it (an Include inside a Host block keeps that condition), so that matching a host is a
// pure function. Every line's key is checked at parse time, also in blocks that do not apply, as
// OpenSSH does: "/path/config line 3: Bad configuration option: foo".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wgnet/result.hpp"

namespace wgnet::ssh {

// One Host line's patterns, or a Match line. An entry applies when all its conditions hold.
struct HostCondition {
  std::vector<std::string> patterns;  // Host: "web*", "!bastion", "10.0.?.1"
  bool never = false;                 // a Match block we do not evaluate (warned at parse)
};

// One "Key value..." line, or one -o on the command line (file "command-line", line 0).
struct ConfigEntry {
  std::string key;                // canonical lower case: "hostname", "identityfile"
  std::string key_text;           // as written, for messages
  std::vector<std::string> args;  // the words after the key, quotes removed
  std::string value_text;         // the rest of the line as written (RemoteCommand, ProxyCommand)
  std::string file;
  int line = 0;
  std::vector<HostCondition> conditions;
};

// Where Include finds relative paths, and which warnings to keep.
struct ConfigLoadContext {
  std::string include_base;  // "~/.ssh" expanded for the user file, "/etc/ssh" for the system one
  std::string home;          // for a leading ~ in Include paths
};

class SshConfigFile {
 public:
  // Reads and parses `path`. A missing file is kIo with "Can't open user config file PATH: ..."
  // (the caller decides whether a missing default file matters).
  static Result<SshConfigFile> load(const std::string& path, const ConfigLoadContext& context);
  // Parses `text` as the contents of `path` (used in messages and for Include recursion depth).
  static Result<SshConfigFile> parse(std::string_view text, const std::string& path,
                                     const ConfigLoadContext& context);

  // The entries that apply to `host` (the name as given on the command line), in file order.
  // Host patterns match case-sensitively, as ssh 9.2 does (host names are not lower-cased yet).
  std::vector<const ConfigEntry*> entries_for(std::string_view host) const;
  const std::vector<ConfigEntry>& entries() const { return entries_; }
  // "PATH line N: Match exec is not supported by wg-ssh; block ignored", and the like.
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<ConfigEntry> entries_;
  std::vector<std::string> warnings_;
  friend class ConfigParser;
};

// Splits the rest of a config line into words as readconf.c's argv_split does: whitespace
// separates, double quotes group (and are removed), an unquoted '#' starts a comment.
// kConfig with "unterminated quote" on an open quote.
Result<std::vector<std::string>> split_config_words(std::string_view text);

// Splits one config line into key and words, accepting "Key value", "Key=value", "Key = value".
// Empty (or comment-only) lines give an entry with an empty key.
Result<ConfigEntry> parse_config_line(std::string_view line, const std::string& file, int line_no);

// OpenSSH's match_pattern: '*' any run, '?' one character; exact otherwise (case-sensitive).
bool match_pattern(std::string_view text, std::string_view pattern);
// A known_hosts pattern list against a host name, as match.c match_hostname: case-insensitive,
// true when some positive pattern matches and no negated one ("!pat") does.
bool match_host_patterns(std::string_view host, const std::vector<std::string>& patterns);

// Adds IgnoreUnknown's comma-separated patterns (for match_host_patterns) to `patterns`.
void add_ignore_unknown(const std::vector<std::string>& args, std::vector<std::string>& patterns);

// How readconf.c treats a key: a setting wg-ssh applies, one it accepts but does not support
// (warned once, ignored), or unknown (a "Bad configuration option" error).
enum class KeywordSupport { kSupported, kIgnored, kUnknown };
KeywordSupport keyword_support(std::string_view lower_key);

// Checks the words of a supported or ignored key for the shape OpenSSH requires (yes/no, a port,
// an integer...), returning the reason without the file/line prefix, e.g. "unsupported option
// \"maybe\"." or "Missing argument.". Ignored keys are only checked for having an argument.
Result<void> validate_config_entry(const ConfigEntry& entry);

// "FILE line N: " or "command-line line 0: ", the prefix OpenSSH puts on config errors.
std::string config_location(const ConfigEntry& entry);

}  // namespace wgnet::ssh
