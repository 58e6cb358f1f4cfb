// ssh_config(5) reading as readconf.c does it: line at a time, Host/Match conditions, Include.
#include "ssh_config.hpp"

#include <glob.h>

#include <cctype>
#include <memory>

#include "text_file.hpp"

namespace wgnet::ssh {
namespace {

constexpr int kMaxIncludeDepth = 16;  // readconf.c READCONF_MAX_DEPTH

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error config_error(std::string message) {
  return make_error(ErrorCode::kConfig, std::move(message));
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

// Builds one SshConfigFile from a file and the files it includes.
class ConfigParser {
 public:
  ConfigParser(SshConfigFile& out, const ConfigLoadContext& context) : out_(out), context_(context) {}

  Result<void> parse_text(std::string_view text, const std::string& path,
                          const std::vector<HostCondition>& base, int depth) {
    std::vector<HostCondition> current;  // this file's own Host/Match condition
    Result<void> result;
    for_each_line(text, [&](std::string_view line, int line_no) {
      result = parse_one(line, path, line_no, base, current, depth);
      return result.ok();  // the first bad line ends the file
    });
    return result;
  }

 private:
  Result<void> parse_one(std::string_view raw, const std::string& path, int line_no,
                         const std::vector<HostCondition>& base,
                         std::vector<HostCondition>& current, int depth) {
    auto parsed = parse_config_line(raw, path, line_no);
    if (!parsed) return parsed.error();
    ConfigEntry entry = std::move(*parsed);
    if (entry.key.empty()) return {};
    if (entry.key == "host") {
      if (entry.args.empty()) return config_error(config_location(entry) + "Missing argument.");
      current = {HostCondition{entry.args, false}};
      return {};
    }
    if (entry.key == "match") return parse_match(entry, current);
    entry.conditions = base;
    entry.conditions.insert(entry.conditions.end(), current.begin(), current.end());
    if (entry.key == "include") return include(entry, depth);
    if (entry.key == "ignoreunknown") add_ignore_unknown(entry.args, ignore_unknown_);
    switch (keyword_support(entry.key)) {
      case KeywordSupport::kUnknown:
        if (match_host_patterns(entry.key, ignore_unknown_)) return {};
        return config_error(path + ": line " + std::to_string(line_no) +
                            ": Bad configuration option: " + entry.key);
      case KeywordSupport::kIgnored:
      case KeywordSupport::kSupported:
        break;
    }
    if (auto v = validate_config_entry(entry); !v) {
      return config_error(config_location(entry) + v.error().message);
    }
    out_.entries_.push_back(std::move(entry));
    return {};
  }

  Result<void> parse_match(const ConfigEntry& entry, std::vector<HostCondition>& current) {
    if (entry.args.empty()) {
      return config_error(config_location(entry) + "Missing Match criteria");
    }
    if (entry.args.size() == 1 && lower(entry.args[0]) == "all") {
      current = {HostCondition{{"*"}, false}};
      return {};
    }
    // Match host/user/exec/... are not evaluated: the block never applies, which is the safe
    // reading (no setting is taken from a block we cannot judge).
    out_.warnings_.push_back(config_location(entry) + "Match " + entry.args[0] +
                             " is not supported by wg-ssh; block ignored");
    current = {HostCondition{{}, true}};
    return {};
  }

  Result<void> include(const ConfigEntry& entry, int depth) {
    if (entry.args.empty()) return config_error(config_location(entry) + "Missing argument.");
    if (depth >= kMaxIncludeDepth) {
      return config_error(config_location(entry) + "Include nested too deeply");
    }
    for (const std::string& arg : entry.args) {
      std::string pattern = arg;
      if (pattern.size() >= 2 && pattern[0] == '~' && pattern[1] == '/') {
        pattern = context_.home + pattern.substr(1);
      } else if (pattern.empty() || pattern[0] != '/') {
        // readconf.c: user files are relative to ~/.ssh, system files to /etc/ssh.
        pattern = context_.include_base + "/" + pattern;
      }
      glob_t g{};
      int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
      std::unique_ptr<glob_t, void (*)(glob_t*)> guard(&g, ::globfree);
      if (rc == GLOB_NOMATCH) continue;  // a missing include is not an error (OpenSSH: debug)
      if (rc != 0) return config_error(config_location(entry) + "include \"" + arg + "\" glob failed");
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        auto text = read_text_file(path);
        if (!text) continue;
        if (auto r = parse_text(*text, path, entry.conditions, depth + 1); !r) return r;
      }
    }
    return {};
  }

  SshConfigFile& out_;
  const ConfigLoadContext& context_;
  std::vector<std::string> ignore_unknown_;
};

Result<SshConfigFile> SshConfigFile::parse(std::string_view text, const std::string& path,
                                           const ConfigLoadContext& context) {
  SshConfigFile file;
  file.path_ = path;
  ConfigParser parser(file, context);
  if (auto r = parser.parse_text(text, path, {}, 0); !r) return r.error();
  return file;
}

Result<SshConfigFile> SshConfigFile::load(const std::string& path,
                                          const ConfigLoadContext& context) {
  auto text = read_text_file(path);
  if (!text) {
    return make_error(ErrorCode::kIo, "Can't open user config file " + path + ": " +
                                          "No such file or directory");
  }
  return parse(*text, path, context);
}

namespace {

// readconf.c oHost: each pattern through match_pattern, case-sensitive, against the host as typed
// (ssh 9.2: "Host WEB" matches `ssh WEB`, not `ssh web`); a matching "!pattern" vetoes the line.
bool host_line_matches(std::string_view host, const std::vector<std::string>& patterns) {
  bool positive = false;
  for (const auto& raw : patterns) {
    bool negated = !raw.empty() && raw[0] == '!';
    if (match_pattern(host, negated ? std::string_view(raw).substr(1) : std::string_view(raw))) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

}  // namespace

std::vector<const ConfigEntry*> SshConfigFile::entries_for(std::string_view host) const {
  std::vector<const ConfigEntry*> out;
  for (const auto& entry : entries_) {
    bool applies = true;
    for (const auto& c : entry.conditions) {
      if (c.never || !host_line_matches(host, c.patterns)) {
        applies = false;
        break;
      }
    }
    if (applies) out.push_back(&entry);
  }
  return out;
}

Result<std::vector<std::string>> split_config_words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i >= text.size() || text[i] == '#') break;
    std::string word;
    bool quoted = false;
    // A word runs to the next unquoted blank; quotes may surround all or part of it.
    while (i < text.size() && (quoted || !is_blank(text[i]))) {
      char c = text[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && i + 1 < text.size() &&
                 (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == ' ')) {
        word += text[++i];  // argv_split: backslash escapes a quote, a backslash or a space
      } else {
        word += c;
      }
      ++i;
    }
    if (quoted) return config_error("invalid quotes");
    words.push_back(std::move(word));
  }
  return words;
}

Result<ConfigEntry> parse_config_line(std::string_view line, const std::string& file,
                                      int line_no) {
  ConfigEntry entry;
  entry.file = file;
  entry.line = line_no;
  // Strip trailing whitespace, skip leading; blank and '#' lines carry nothing.
  while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
  size_t start = 0;
  while (start < line.size() && is_blank(line[start])) ++start;
  line.remove_prefix(start);
  if (line.empty() || line[0] == '#') return entry;
  // The key ends at a blank or '='; one '=' (with blanks around it) may separate it from the value.
  size_t key_end = 0;
  while (key_end < line.size() && !is_blank(line[key_end]) && line[key_end] != '=') ++key_end;
  entry.key_text = std::string(line.substr(0, key_end));
  entry.key = lower(entry.key_text);
  std::string_view rest = line.substr(key_end);
  size_t skip = 0;
  while (skip < rest.size() && is_blank(rest[skip])) ++skip;
  if (skip < rest.size() && rest[skip] == '=') ++skip;
  rest.remove_prefix(skip);
  entry.value_text = std::string(rest);
  auto words = split_config_words(rest);
  if (!words) {
    return config_error(config_location(entry) + words.error().message);
  }
  entry.args = std::move(*words);
  return entry;
}

bool match_pattern(std::string_view s, std::string_view p) {
  // Iterative wildcard match with backtracking to the last '*'.
  size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

void add_ignore_unknown(const std::vector<std::string>& args, std::vector<std::string>& patterns) {
  // IgnoreUnknown takes comma-separated pattern lists, matched case-insensitively.
  for (const auto& arg : args) {
    size_t start = 0;
    while (start <= arg.size()) {
      size_t comma = arg.find(',', start);
      if (comma == std::string::npos) comma = arg.size();
      if (comma > start) patterns.push_back(arg.substr(start, comma - start));
      start = comma + 1;
    }
  }
}

bool match_host_patterns(std::string_view host, const std::vector<std::string>& patterns) {
  // match.c match_pattern_list with dolower: a negated match decides at once; else any positive.
  std::string h = lower(host);
  bool positive = false;
  for (const auto& raw : patterns) {
    bool negated = !raw.empty() && raw[0] == '!';
    std::string pattern = lower(negated ? std::string_view(raw).substr(1) : std::string_view(raw));
    if (match_pattern(h, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

std::string config_location(const ConfigEntry& entry) {
  return entry.file + " line " + std::to_string(entry.line) + ": ";
}

}  // namespace wgnet::ssh
