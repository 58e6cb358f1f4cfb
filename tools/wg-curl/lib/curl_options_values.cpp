#include "curl_options_values.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace wgnet::curl::detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Reads a whole descriptor; false on a read error.
bool read_all(int fd, std::string& out) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

// RAII for a descriptor this file opened.
struct OwnedFd {
  int fd = -1;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string_view problem_text(ParamProblem problem) {
  switch (problem) {
    case ParamProblem::kOk: return "ok";
    case ParamProblem::kUnknown: return "is unknown";
    case ParamProblem::kAmbiguous: return "is ambiguous";
    case ParamProblem::kRequiresParameter: return "requires parameter";
    case ParamProblem::kBadUse: return "is badly used here";
    case ParamProblem::kBadNumeric: return "expected a proper numerical parameter";
    case ParamProblem::kNegativeNumeric: return "expected a positive numerical parameter";
    case ParamProblem::kNumberTooLarge: return "too large number";
    case ParamProblem::kNoNotBoolean: return "used '--no-' for option that isn't a boolean";
    case ParamProblem::kUnsupported: return "is not supported by wg-curl";
  }
  return "unknown error";
}

ParamProblem parse_long(std::string_view text, long& out) {
  // strtol semantics (leading blanks and a sign allowed) on a NUL-terminated copy.
  std::string s(text);
  if (s.empty()) return ParamProblem::kBadNumeric;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno == ERANGE) return ParamProblem::kNumberTooLarge;
  if (end == s.c_str() || *end != '\0') return ParamProblem::kBadNumeric;
  out = v;
  return ParamProblem::kOk;
}

ParamProblem parse_unsigned_long(std::string_view text, long& out, long max) {
  long v = 0;
  if (auto p = parse_long(text, v); p != ParamProblem::kOk) return p;
  if (v < 0) return ParamProblem::kNegativeNumeric;
  if (v > max) return ParamProblem::kNumberTooLarge;
  out = v;
  return ParamProblem::kOk;
}

ParamProblem parse_seconds_ms(std::string_view text, std::chrono::milliseconds& out) {
  std::string s(text);
  if (s.empty()) return ParamProblem::kBadNumeric;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (errno == ERANGE) return ParamProblem::kNumberTooLarge;
  if (v > static_cast<double>(LONG_MAX) / 1000) return ParamProblem::kNumberTooLarge;
  if (end == s.c_str() || *end != '\0' || std::isnan(v)) return ParamProblem::kBadNumeric;
  if (v < 0) return ParamProblem::kNegativeNumeric;
  out = std::chrono::milliseconds(static_cast<long>(v * 1000));  // truncates, as curl
  return ParamProblem::kOk;
}

ParamProblem parse_offset(std::string_view text, int64_t& out) {
  std::string s(text);
  if (!s.empty() && s[0] == '-') return ParamProblem::kNegativeNumeric;
  const char* p = s.c_str();
  while (is_blank(*p)) ++p;
  if (*p == '-' || is_space(*p) || *p == '\0') return ParamProblem::kBadNumeric;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(p, &end, 10);
  if (errno == ERANGE) return ParamProblem::kNumberTooLarge;
  if (end == p || *end != '\0') return ParamProblem::kBadNumeric;
  out = v;
  return ParamProblem::kOk;
}

ParamProblem parse_size(std::string_view text, const char* which, int64_t& out,
                        std::vector<std::string>& warnings) {
  std::string s(text);
  const char* p = s.c_str();
  while (is_blank(*p)) ++p;
  char* end = nullptr;
  errno = 0;
  long long value = 0;
  bool ok = *p != '-' && !is_space(*p);
  if (ok) {
    value = std::strtoll(p, &end, 10);
    ok = errno != ERANGE && end != p;
  }
  if (!ok) {
    warnings.push_back(std::string("invalid number specified for ") + which);
    return ParamProblem::kBadUse;
  }
  std::string_view unit(end);
  char u = unit.empty() ? 'b' : (unit.size() > 1 ? 'w' : unit[0]);
  long long factor = 1;
  switch (u) {
    case 'G': case 'g': factor = 1024LL * 1024 * 1024; break;
    case 'M': case 'm': factor = 1024LL * 1024; break;
    case 'K': case 'k': factor = 1024; break;
    case 'B': case 'b': break;
    default:
      warnings.push_back(std::string("unsupported ") + which + " unit. Use G, M, K or B!");
      return ParamProblem::kBadUse;
  }
  if (value > LLONG_MAX / factor) return ParamProblem::kNumberTooLarge;
  out = value * factor;
  return ParamProblem::kOk;
}

std::optional<std::string> read_file_bytes(const std::string& name) {
  std::string data;
  if (name == "-") {
    if (!read_all(STDIN_FILENO, data)) return std::nullopt;
    return data;
  }
  OwnedFd f{::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0 || !read_all(f.fd, data)) return std::nullopt;
  return data;
}

std::optional<std::string> read_file_text(const std::string& name) {
  auto bytes = read_file_bytes(name);
  if (!bytes) return std::nullopt;
  // fgets with a 256-byte buffer: chunks of at most 255 bytes that end after a '\n'.
  std::string out;
  size_t pos = 0;
  const std::string& b = *bytes;
  while (pos < b.size()) {
    size_t len = 0;
    while (pos + len < b.size() && len < 255) {
      ++len;
      if (b[pos + len - 1] == '\n') break;
    }
    std::string_view chunk(b.data() + pos, len);
    pos += len;
    chunk = chunk.substr(0, chunk.find('\0'));  // the chunk is a C string
    size_t cr = chunk.find('\r');
    if (cr != std::string_view::npos) chunk = chunk.substr(0, cr);
    size_t lf = chunk.find('\n');
    if (lf != std::string_view::npos) chunk = chunk.substr(0, lf);
    out.append(chunk);
  }
  return out;
}

std::string data_urlencode(const std::string& arg, std::vector<std::string>& warnings) {
  // [name]=content, [name]@file, or content alone; only the content is encoded.
  size_t sep = arg.find('=');
  if (sep == std::string::npos) sep = arg.find('@');
  std::string name;
  std::string content;
  if (sep != std::string::npos && arg[sep] == '@') {
    name = arg.substr(0, sep);
    std::string file = arg.substr(sep + 1);
    auto data = read_file_bytes(file);
    if (!data) {
      if (file != "-") {
        warnings.push_back("Couldn't read data from file \"" + arg +
                           "\", this makes an empty POST.");
      }
      return "";  // curl sends an empty part then, without the name
    }
    content = std::move(*data);
  } else if (sep != std::string::npos) {
    name = arg.substr(0, sep);
    content = arg.substr(sep + 1);
  } else {
    content = arg;
  }
  std::string encoded = url_encode(content);
  return name.empty() ? encoded : name + "=" + encoded;
}

namespace {

// get_param_word: a word up to ';' or `endchar`, or a "quoted" word with \" and \\ escapes.
// Returns the word; `unquoted` tells whether trailing blanks should be stripped.
std::string param_word(std::string_view s, size_t& pos, char endchar, bool& quoted,
                       std::vector<std::string>& warnings) {
  quoted = false;
  if (pos < s.size() && s[pos] == '"') {
    std::string word;
    size_t p = pos + 1;
    while (p < s.size()) {
      if (s[p] == '\\' && p + 1 < s.size() && (s[p + 1] == '\\' || s[p + 1] == '"')) {
        word += s[p + 1];
        p += 2;
        continue;
      }
      if (s[p] == '"') {
        ++p;
        bool trailing = false;
        while (p < s.size() && s[p] != ';' && s[p] != endchar) {
          if (!is_space(s[p])) trailing = true;
          ++p;
        }
        if (trailing) warnings.push_back("Trailing data after quoted form parameter");
        pos = p;
        quoted = true;
        return word;
      }
      word += s[p++];
    }
    // No closing quote: the word is taken as it is, quote included.
  }
  size_t start = pos;
  while (pos < s.size() && s[pos] != ';' && s[pos] != endchar) ++pos;
  return std::string(s.substr(start, pos - start));
}

std::string strip_trailing_space(std::string s) {
  while (!s.empty() && is_space(s.back())) s.pop_back();
  return s;
}

bool valid_content_type(std::string_view type, size_t& consumed) {
  // sscanf("%127[^/ ]/%127[^;, \n]"): major, '/', minor; consumed = their length + 1.
  size_t slash = 0;
  while (slash < type.size() && type[slash] != '/' && type[slash] != ' ') ++slash;
  if (slash == 0 || slash > 127 || slash >= type.size() || type[slash] != '/') return false;
  size_t end = slash + 1;
  while (end < type.size() && type[end] != ';' && type[end] != ',' && type[end] != ' ' &&
         type[end] != '\n')
    ++end;
  if (end == slash + 1 || end - slash - 1 > 127) return false;
  consumed = end;
  return true;
}

// Reads ";headers=@file": lines, '#' comments, continuation lines starting with a blank.
std::vector<std::string> read_part_headers(const std::string& file,
                                           std::vector<std::string>& warnings) {
  std::vector<std::string> headers;
  auto data = read_file_bytes(file);
  if (!data) {
    warnings.push_back("Cannot read from " + file + ": " + std::strerror(errno));
    return headers;
  }
  std::string current;
  bool in_comment = false;
  size_t col = 0;
  auto flush = [&] {
    std::string h = strip_trailing_space(current);
    if (!h.empty()) headers.push_back(h);
    current.clear();
  };
  for (char c : *data) {
    if (col == 0 && !is_space(c)) flush();
    if (c == '\r') continue;
    if (c == '\n') {
      col = 0;
      in_comment = false;
      continue;
    }
    if (c == '#' && col == 0) in_comment = true;
    ++col;
    if (!in_comment) current += c;
  }
  flush();
  return headers;
}

// get_param_part: the value and its ;type= ;filename= ;headers= ;encoder= attributes.
// Returns the separator that ended it (0 at the end of the string).
Result<char> param_part(std::string_view s, size_t& pos, char endchar, FormPart& part,
                        std::vector<std::string>& warnings) {
  auto bad = [](std::string m) { return make_error(ErrorCode::kInvalidArgument, std::move(m)); };
  while (pos < s.size() && is_space(s[pos])) ++pos;
  bool quoted = false;
  std::string data = param_word(s, pos, endchar, quoted, warnings);
  part.value = quoted ? data : strip_trailing_space(data);
  char sep = pos < s.size() ? s[pos] : '\0';
  bool in_type = false;  // after ;type=, words without a known prefix extend the type
  size_t type_start = 0;
  while (sep == ';') {
    ++pos;
    while (pos < s.size() && is_space(s[pos])) ++pos;
    std::string_view rest = s.substr(pos);
    auto starts = [&](std::string_view prefix) {
      if (rest.size() < prefix.size()) return false;
      for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(rest[i])) != prefix[i]) return false;
      }
      return true;
    };
    if (!in_type && starts("type=")) {
      pos += 5;
      while (pos < s.size() && is_space(s[pos])) ++pos;
      size_t consumed = 0;
      if (!valid_content_type(s.substr(pos), consumed)) {
        warnings.push_back("Illegally formatted content-type field!");
        return bad("illegally formatted content-type field");
      }
      type_start = pos;
      pos += consumed;
      size_t end_ct = pos;
      while (pos < s.size() && s[pos] != ';' && s[pos] != endchar) {
        if (!is_space(s[pos])) end_ct = pos + 1;
        ++pos;
      }
      part.type = std::string(s.substr(type_start, end_ct - type_start));
      in_type = true;
    } else if (starts("filename=")) {
      in_type = false;
      pos += 9;
      while (pos < s.size() && is_space(s[pos])) ++pos;
      std::string name = param_word(s, pos, endchar, quoted, warnings);
      part.filename = quoted ? name : strip_trailing_space(name);
    } else if (starts("headers=")) {
      in_type = false;
      pos += 8;
      if (pos < s.size() && (s[pos] == '@' || s[pos] == '<')) {
        do ++pos;
        while (pos < s.size() && is_space(s[pos]));
        std::string file = param_word(s, pos, endchar, quoted, warnings);
        if (!quoted) file = strip_trailing_space(file);
        for (auto& h : read_part_headers(file, warnings)) part.headers.push_back(h);
      } else {
        while (pos < s.size() && is_space(s[pos])) ++pos;
        std::string h = param_word(s, pos, endchar, quoted, warnings);
        part.headers.push_back(quoted ? h : strip_trailing_space(h));
      }
    } else if (in_type) {
      // "type=text/plain; charset=utf-8": parameters belong to the type, as typed.
      size_t end_ct = pos;
      while (pos < s.size() && s[pos] != ';' && s[pos] != endchar) {
        if (!is_space(s[pos])) end_ct = pos + 1;
        ++pos;
      }
      part.type = std::string(s.substr(type_start, std::max(end_ct, type_start) - type_start));
    } else {
      std::string unknown = param_word(s, pos, endchar, quoted, warnings);
      if (!unknown.empty()) warnings.push_back("skip unknown form field: " + unknown);
    }
    sep = pos < s.size() ? s[pos] : '\0';
  }
  return sep;
}

}  // namespace

Result<FormPart> parse_form_part(const std::string& arg, bool literal,
                                 std::vector<std::string>& warnings) {
  auto bad = [](std::string m) { return make_error(ErrorCode::kInvalidArgument, std::move(m)); };
  FormPart part;
  size_t eq = arg.find('=');
  if (eq == std::string::npos) {
    warnings.push_back("Illegally formatted input field!");
    return bad("illegally formatted input field");
  }
  part.name = arg.substr(0, eq);
  std::string_view contents(arg);
  size_t pos = eq + 1;
  if (literal) {
    part.value = arg.substr(pos);
    return part;
  }
  if (pos < arg.size() && arg[pos] == '(') {
    return bad("nested multipart (name=(...) in -F) is not supported by wg-curl");
  }
  if (part.name.empty() && arg.substr(pos) == ")") {
    return bad("nested multipart (-F \"=)\") is not supported by wg-curl");
  }
  if (pos < arg.size() && (arg[pos] == '@' || arg[pos] == '<')) {
    part.kind = arg[pos] == '@' ? FormPart::Kind::kFile : FormPart::Kind::kFileContent;
    ++pos;
    char endchar = part.kind == FormPart::Kind::kFile ? ',' : '\0';
    auto sep = param_part(contents, pos, endchar, part, warnings);
    if (!sep) return sep.error();
    if (*sep == ',') {
      return bad("several files in one -F part (name=@a,b) are not supported by wg-curl; "
                 "give one -F per file");
    }
    if (part.kind == FormPart::Kind::kFileContent && part.filename) {
      warnings.push_back("Field file name not allowed here: " + *part.filename);
      part.filename.reset();
    }
    return part;
  }
  auto sep = param_part(contents, pos, '\0', part, warnings);
  if (!sep) return sep.error();
  return part;
}

std::optional<ResolveEntry> parse_resolve(const std::string& text) {
  ResolveEntry e;
  e.text = text;
  std::string_view s(text);
  if (!s.empty() && s[0] == '-') {
    e.remove = true;
    s.remove_prefix(1);
  } else if (!s.empty() && s[0] == '+') {
    e.transient = true;
    s.remove_prefix(1);
  }
  // host: a name, or [IPv6] in brackets.
  size_t host_end = 0;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    e.host = std::string(s.substr(1, close - 1));
    host_end = close + 1;
  } else {
    host_end = s.find(':');
    if (host_end == std::string_view::npos) return std::nullopt;
    e.host = std::string(s.substr(0, host_end));
  }
  if (e.host.empty() || host_end >= s.size() || s[host_end] != ':') return std::nullopt;
  s.remove_prefix(host_end + 1);
  size_t port_end = s.find(':');
  std::string_view port = s.substr(0, port_end);
  long p = 0;
  if (port.empty() || parse_long(port, p) != ParamProblem::kOk || p < 0 || p > 65535 ||
      !std::isdigit(static_cast<unsigned char>(port[0])))
    return std::nullopt;
  e.port = static_cast<uint16_t>(p);
  if (e.remove) return port_end == std::string_view::npos ? std::optional(e) : std::nullopt;
  if (port_end == std::string_view::npos) return std::nullopt;
  std::string_view addrs = s.substr(port_end + 1);
  while (!addrs.empty()) {
    size_t comma = addrs.find(',');
    std::string_view a = addrs.substr(0, comma);
    if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
    if (a.empty()) return std::nullopt;
    e.addresses.emplace_back(a);
    if (comma == std::string_view::npos) break;
    addrs.remove_prefix(comma + 1);
  }
  if (e.addresses.empty()) return std::nullopt;
  return e;
}

void split_cert_parameter(const std::string& param, std::string& file,
                          std::optional<std::string>& password) {
  file.clear();
  if (param.empty()) return;
  if (param.compare(0, 7, "pkcs11:") == 0 || param.find_first_of(":\\") == std::string::npos) {
    file = param;
    return;
  }
  for (size_t i = 0; i < param.size(); ++i) {
    char c = param[i];
    if (c == '\\') {
      if (i + 1 == param.size()) {
        file += '\\';
      } else if (param[i + 1] == '\\' || param[i + 1] == ':') {
        file += param[++i];
      } else {
        file += '\\';
        file += param[++i];
      }
    } else if (c == ':') {
      if (i + 1 < param.size()) password = param.substr(i + 1);
      return;
    } else {
      file += c;
    }
  }
}

ParamProblem parse_proto(std::string_view spec, bool& http, bool& https,
                         std::vector<std::string>& warnings) {
  // Every protocol name curl 7.88 knows: naming one wg-curl lacks changes nothing.
  static constexpr std::string_view kCurlProtocols[] = {
      "dict", "file", "ftp", "ftps", "gopher", "gophers", "imap", "imaps", "ldap", "ldaps",
      "mqtt", "pop3", "pop3s", "rtmp", "rtmpe", "rtmps", "rtmpt", "rtmpte", "rtmpts", "rtsp",
      "scp", "sftp", "smb", "smbs", "smtp", "smtps", "telnet", "tftp", "ws", "wss"};
  auto lower = [](std::string_view t) {
    std::string l(t);
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  };
  http = https = true;  // each --proto starts from the default set
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string_view token = spec.substr(pos, comma == std::string_view::npos ? spec.npos
                                                                               : comma - pos);
    pos = comma == std::string_view::npos ? spec.size() + 1 : comma + 1;
    if (token.empty()) continue;  // strtok skips empty tokens
    enum { kAllow, kDeny, kSet } action = kAllow;
    while (!token.empty() && !std::isalnum(static_cast<unsigned char>(token[0]))) {
      switch (token[0]) {
        case '=': action = kSet; break;
        case '-': action = kDeny; break;
        case '+': action = kAllow; break;
        default: return ParamProblem::kBadUse;
      }
      token.remove_prefix(1);
    }
    if (token.empty()) return ParamProblem::kBadUse;
    std::string name = lower(token);
    if (name == "all") {
      http = https = action != kDeny;
      continue;
    }
    bool* flag = name == "http" ? &http : name == "https" ? &https : nullptr;
    if (flag) {
      if (action == kSet) http = https = false;
      *flag = action != kDeny;
      continue;
    }
    bool known = false;
    for (auto p : kCurlProtocols) known = known || p == name;
    if (known) {
      if (action == kSet) http = https = false;
      continue;
    }
    if (action == kSet) http = https = false;
    warnings.push_back("unrecognized protocol '" + std::string(token) + "'");
  }
  return ParamProblem::kOk;
}

}  // namespace wgnet::curl::detail
