// known_hosts lookup and append (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT; OpenSSH hostfile.c).
#include "known_hosts.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "ssh_config.hpp"
#include "text_file.hpp"

namespace wgnet::ssh {
namespace {

constexpr std::string_view kHashMagic = "|1|";
constexpr size_t kSha1Bytes = 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

enum class Marker { kNone, kRevoked, kCertAuthority };

// One parsed known_hosts line; `valid` is false for comments, blanks and malformed lines.
struct HostLine {
  bool valid = false;
  Marker marker = Marker::kNone;
  std::string hosts;     // the host field as written
  std::string key_type;  // the key type field
  std::string blob;      // decoded key
};

std::string_view next_field(std::string_view& rest) {
  size_t start = rest.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  size_t end = rest.find_first_of(" \t");
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

HostLine parse_host_line(std::string_view line) {
  HostLine out;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view rest = line;
  std::string_view field = next_field(rest);
  if (field.empty() || field[0] == '#') return out;
  if (field[0] == '@') {
    // hostfile.c check_markers: exactly one known marker.
    if (field == "@revoked") {
      out.marker = Marker::kRevoked;
    } else if (field == "@cert-authority") {
      out.marker = Marker::kCertAuthority;
    } else {
      return out;
    }
    field = next_field(rest);
    if (field.empty() || field[0] == '@') return out;
  }
  out.hosts = std::string(field);
  std::string_view type = next_field(rest);
  std::string_view b64 = next_field(rest);
  if (type.empty() || b64.empty()) return out;
  if (!base64_decode(b64, out.blob)) return out;
  // The blob names its own type; a line whose field disagrees is malformed (sshkey_read).
  if (blob_key_type(out.blob) != type) return out;
  out.key_type = std::string(type);
  out.valid = true;
  return out;
}

bool hashed_name_matches(std::string_view entry, std::string_view name) {
  // |1|base64(salt)|base64(hmac)
  std::string_view rest = entry.substr(kHashMagic.size());
  size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return false;
  std::string salt;
  if (!base64_decode(rest.substr(0, bar), salt) || salt.size() != kSha1Bytes) return false;
  return hash_known_host(name, salt) == entry;
}

// hostfile.c hostkeys_foreach + match.c match_hostname: a hashed field is one name; a plain field
// is a comma list of patterns where a matching "!pattern" vetoes the line.
bool host_field_matches(std::string_view field, std::string_view name) {
  if (field.substr(0, kHashMagic.size()) == kHashMagic) return hashed_name_matches(field, name);
  std::vector<std::string> patterns;
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    if (comma == std::string_view::npos) comma = field.size();
    patterns.emplace_back(field.substr(start, comma - start));
    start = comma + 1;
  }
  return match_host_patterns(name, patterns);
}

// The state of one lookup across several files, as check_hostkeys_by_key_or_type folds it.
struct Lookup {
  Lookup(std::string n, std::string_view b) : name(std::move(n)), blob(b) {}
  std::string name;
  std::string_view blob;
  bool matched = false, revoked = false, changed = false;
  std::string match_file, revoked_file, changed_file, changed_type;
  int match_line = 0, revoked_line = 0, changed_line = 0;

  void scan(std::string_view text, std::string_view file) {
    for_each_line(text, [&](std::string_view raw, int line_no) {
      HostLine l = parse_host_line(raw);
      if (!l.valid || !host_field_matches(l.hosts, name)) return;
      if (l.marker == Marker::kRevoked) {
        if (l.blob == blob && !revoked) {
          revoked = true;
          revoked_file = std::string(file);
          revoked_line = line_no;
        }
        return;
      }
      if (l.marker != Marker::kNone) return;  // @cert-authority: CA keys, not host keys
      if (l.blob == blob) {
        if (!matched) {
          matched = true;
          match_file = std::string(file);
          match_line = line_no;
        }
      } else {
        changed = true;  // the last such line is the one reported (hostfile.c keeps overwriting)
        changed_file = std::string(file);
        changed_line = line_no;
        changed_type = l.key_type;
      }
    });
  }

  HostKeyCheck result() const {
    HostKeyCheck r;
    if (revoked) {
      r.status = HostKeyStatus::kRevoked;
      r.file = revoked_file;
      r.line = revoked_line;
    } else if (matched) {
      r.status = HostKeyStatus::kMatch;
      r.file = match_file;
      r.line = match_line;
    } else if (changed) {
      r.status = HostKeyStatus::kMismatch;
      r.file = changed_file;
      r.line = changed_line;
      r.offending_key_type = changed_type;
    }
    return r;
  }
};

// Files as (name, text) pairs so that the in-memory and on-disk entry points share the logic.
using Sources = std::vector<std::pair<std::string, std::string>>;

HostKeyCheck check_sources(const Sources& sources, std::string_view host, uint16_t port,
                           std::string_view key_blob) {
  Lookup first{known_hosts_name(host, port), key_blob};
  for (const auto& [file, text] : sources) first.scan(text, file);
  HostKeyCheck r = first.result();
  if (r.status != HostKeyStatus::kNotFound || port == 22) return r;
  // sshconnect.c check_host_key, HOST_NEW: "checking without port identifier", quietly; only a
  // line holding this very key (or revoking it) counts.
  Lookup plain{known_hosts_name(host, 22), key_blob};
  for (const auto& [file, text] : sources) plain.scan(text, file);
  HostKeyCheck p = plain.result();
  if (p.status == HostKeyStatus::kMatch || p.status == HostKeyStatus::kRevoked) return p;
  return r;
}

Sources read_sources(const std::vector<std::string>& files) {
  Sources sources;
  for (const auto& file : files) {
    if (auto text = read_text_file(file)) sources.emplace_back(file, std::move(*text));
  }
  return sources;
}

std::string tilde_unexpand(const std::string& path, std::string_view home) {
  while (home.size() > 1 && home.back() == '/') home.remove_suffix(1);
  if (home.empty() || path.compare(0, home.size(), home) != 0) return path;
  if (path.size() == home.size() || path[home.size()] != '/') return path;
  return "~/" + path.substr(home.size() + 1);
}

}  // namespace

std::vector<std::string> known_host_key_types(const std::vector<std::string>& files,
                                              std::string_view host, uint16_t port) {
  std::vector<std::string> names{known_hosts_name(host, port)};
  if (port != 22) names.push_back(known_hosts_name(host, 22));
  std::vector<std::string> types;
  for (const auto& [file, text] : read_sources(files)) {
    for_each_line(text, [&](std::string_view raw, int) {
      HostLine l = parse_host_line(raw);
      if (!l.valid || l.marker != Marker::kNone) return;
      for (const auto& name : names) {
        if (host_field_matches(l.hosts, name)) {
          if (std::find(types.begin(), types.end(), l.key_type) == types.end()) {
            types.push_back(l.key_type);
          }
          return;
        }
      }
    });
  }
  return types;
}

std::string known_hosts_name(std::string_view host, uint16_t port) {
  std::string h = lower(host);
  if (port == 22 || port == 0) return h;
  return "[" + h + "]:" + std::to_string(port);
}

std::string hash_known_host(std::string_view name, std::string_view salt) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
       reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &mac_len);
  return std::string(kHashMagic) + base64_encode(salt) + "|" +
         base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

HostKeyCheck check_host_key_text(std::string_view text, std::string_view file,
                                 std::string_view host, uint16_t port, std::string_view,
                                 std::string_view key_blob) {
  return check_sources({{std::string(file), std::string(text)}}, host, port, key_blob);
}

HostKeyCheck check_host_key(const std::vector<std::string>& files, std::string_view host,
                            uint16_t port, std::string_view, std::string_view key_blob) {
  return check_sources(read_sources(files), host, port, key_blob);
}

std::vector<std::string> other_names_for_key(const std::vector<std::string>& files,
                                             std::string_view host, uint16_t port,
                                             std::string_view key_type,
                                             std::string_view key_blob) {
  return other_names_for_key(files, host, port, key_type, key_blob, {});
}

std::vector<std::string> other_names_for_key(const std::vector<std::string>& files,
                                             std::string_view host, uint16_t port,
                                             std::string_view, std::string_view key_blob,
                                             std::string_view home) {
  std::string name = known_hosts_name(host, port);
  std::vector<std::string> names;
  for (const auto& [file, text] : read_sources(files)) {
    std::string shown = tilde_unexpand(file, home);
    for_each_line(text, [&](std::string_view raw, int line_no) {
      HostLine l = parse_host_line(raw);
      if (!l.valid || l.marker != Marker::kNone || l.blob != key_blob) return;
      if (host_field_matches(l.hosts, name)) return;
      bool hashed = l.hosts.compare(0, kHashMagic.size(), kHashMagic) == 0;
      names.push_back(shown + ":" + std::to_string(line_no) + ": " +
                      (hashed ? std::string("[hashed name]") : l.hosts));
    });
  }
  return names;
}

Result<void> append_host_key(const std::string& file, std::string_view host, uint16_t port,
                             std::string_view key_type, std::string_view key_blob, bool hashed) {
  size_t slash = file.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = file.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      if (errno != ENOENT || ::mkdir(dir.c_str(), 0700) != 0) {
        return make_error(ErrorCode::kIo, "Could not create directory '" + dir +
                                              "' (" + std::strerror(errno) + ").");
      }
    }
  }
  std::string name = known_hosts_name(host, port);
  std::string line;
  if (hashed) {
    unsigned char salt[kSha1Bytes];
    if (RAND_bytes(salt, sizeof salt) != 1) {
      return make_error(ErrorCode::kInternal, "no random bytes for a hashed known_hosts entry");
    }
    name = hash_known_host(name, std::string_view(reinterpret_cast<char*>(salt), sizeof salt));
  }
  line = name + " " + std::string(key_type) + " " + base64_encode(key_blob) + "\n";

  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, "Failed to add the host to the list of known hosts (" +
                                          file + "): " + std::strerror(errno));
  }
  // A file whose last line lacks its newline would glue our entry onto it.
  auto existing = read_text_file(file);
  if (existing && !existing->empty() && existing->back() != '\n') {
    line.insert(line.begin(), '\n');
  }
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return make_error(ErrorCode::kIo, "Failed to add the host to the list of known hosts (" +
                                            file + "): " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return make_error(ErrorCode::kIo, "Failed to add the host to the list of known hosts (" +
                                          file + "): " + std::strerror(errno));
  }
  return {};
}

std::string sha256_fingerprint(std::string_view key_blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key_blob.data(), key_blob.size(), digest, &len, EVP_sha256(), nullptr);
  std::string b64 = base64_encode(std::string_view(reinterpret_cast<char*>(digest), len));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

std::string blob_key_type(std::string_view key_blob) {
  if (key_blob.size() < 4) return {};
  uint32_t len = (static_cast<uint32_t>(static_cast<unsigned char>(key_blob[0])) << 24) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(key_blob[1])) << 16) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(key_blob[2])) << 8) |
                 static_cast<uint32_t>(static_cast<unsigned char>(key_blob[3]));
  if (len == 0 || len > 64 || len > key_blob.size() - 4) return {};
  return std::string(key_blob.substr(4, len));
}

std::string key_type_display(std::string_view key_type) {
  // sshkey.c keytypes[].shortname, for the plain key types libssh2 can meet.
  if (key_type == "ssh-ed25519") return "ED25519";
  if (key_type.substr(0, 11) == "ecdsa-sha2-") return "ECDSA";
  if (key_type == "ssh-rsa" || key_type == "rsa-sha2-256" || key_type == "rsa-sha2-512") {
    return "RSA";
  }
  if (key_type == "ssh-dss") return "DSA";
  if (key_type == "sk-ssh-ed25519@openssh.com") return "ED25519-SK";
  if (key_type == "sk-ecdsa-sha2-nistp256@openssh.com") return "ECDSA-SK";
  return std::string(key_type);
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& bytes) {
  bytes.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else {
      return false;
    }
    if (pad > 0) return false;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (pad > 2 || bits >= 6) return false;
  if (pad > 0 && (text.size() % 4) != 0) return false;
  return true;
}

}  // namespace wgnet::ssh
