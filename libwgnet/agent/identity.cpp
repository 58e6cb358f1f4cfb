#include "agent/identity.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "agent/wire.hpp"
#include "wgnet/agent.hpp"

namespace wgnet::agent {

namespace {

std::string hex(const uint8_t* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// mkdir -p for the parents (default mode), the last one 0700.
Result<void> make_dirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    mode_t mode = i == dir.size() ? 0700 : 0755;
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST)
      return make_error(ErrorCode::kIo,
                        "cannot create " + part + " for the wgnet agent: " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<void> check_private_dir(const std::string& dir, bool create) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT || !create)
      return make_error(ErrorCode::kIo, dir + ": " + std::strerror(errno));
    if (auto made = make_dirs(dir); !made) return made;
    if (::lstat(dir.c_str(), &st) != 0)
      return make_error(ErrorCode::kIo, dir + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode))
    return make_error(ErrorCode::kInvalidArgument,
                      "agent directory " + dir +
                          " is a symbolic link: refusing it (another user could point it "
                          "elsewhere); remove it and run again, or set XDG_RUNTIME_DIR");
  if (!S_ISDIR(st.st_mode))
    return make_error(ErrorCode::kInvalidArgument,
                      "agent directory " + dir + " is not a directory: remove it and run again");
  if (st.st_uid != ::getuid())
    return make_error(ErrorCode::kInvalidArgument,
                      "agent directory " + dir + " is owned by uid " + std::to_string(st.st_uid) +
                          ", not by us (uid " + std::to_string(::getuid()) +
                          "): refusing it; remove it, or set XDG_RUNTIME_DIR to a directory of "
                          "our own");
  if ((st.st_mode & 077) != 0)
    return make_error(ErrorCode::kInvalidArgument,
                      "agent directory " + dir + " has mode " + octal(st.st_mode) +
                          " (group/others may enter): refusing it; fix with chmod 700 " + dir);
  return {};
}

AgentPaths agent_paths(const std::string& dir, const Config& config) {
  static const char kDomain[] = "wgnet-agent-v1";
  Key32 pub = public_key_of(config.interface.private_key);
  crypto_generichash_state state;
  uint8_t digest[32];
  crypto_generichash_init(&state, nullptr, 0, sizeof digest);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kDomain), sizeof kDomain - 1);
  crypto_generichash_update(&state, pub.data(), pub.size());
  crypto_generichash_final(&state, digest, sizeof digest);
  AgentPaths p;
  p.dir = dir;
  p.id = hex(digest, 12);
  std::string base = dir + "/" + p.id;
  p.socket = base + ".sock";
  p.lock = base + ".lock";
  p.pid = base + ".pid";
  p.log = base + ".log";
  return p;
}

}  // namespace wgnet::agent

namespace wgnet {

Result<std::string> agent_runtime_dir() {
  std::string dir;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) {
    dir = std::string(xdg) + "/wgnet";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::string(home) + "/.cache/wgnet";
  } else {
    return make_error(ErrorCode::kInvalidArgument,
                      "neither XDG_RUNTIME_DIR nor HOME is set: the wgnet agent needs a private "
                      "directory for its socket (set one, or use --no-share)");
  }
  if (auto ok = agent::check_private_dir(dir, true); !ok) return ok.error();
  return dir;
}

std::string agent_socket_path(const std::string& dir, const Config& config) {
  return agent::agent_paths(dir, config).socket;
}

std::string config_fingerprint(const Config& config) {
  // A canonical serialization of what the tunnel is made of: a changed file that parses to the
  // same tunnel (comments, order of keys) keeps its agent; any real change retires it.
  agent::Writer w;
  const auto& itf = config.interface;
  w.str("wgnet-config-v1").bytes(itf.private_key);
  w.u32(static_cast<uint32_t>(itf.addresses.size()));
  for (const auto& a : itf.addresses) w.ip(a.addr).u8(a.length);
  w.u32(static_cast<uint32_t>(itf.dns_servers.size()));
  for (const auto& d : itf.dns_servers) w.ip(d);
  w.u32(static_cast<uint32_t>(itf.dns_search.size()));
  for (const auto& s : itf.dns_search) w.str(s);
  w.u16(itf.mtu).boolean(itf.listen_port.has_value()).u16(itf.listen_port.value_or(0));
  w.u32(static_cast<uint32_t>(config.peers.size()));
  for (const auto& p : config.peers) {
    w.bytes(p.public_key).boolean(p.preshared_key.has_value());
    if (p.preshared_key) w.bytes(*p.preshared_key);
    w.boolean(p.endpoint.has_value());
    if (p.endpoint) w.str(p.endpoint->host).u16(p.endpoint->port);
    w.u32(static_cast<uint32_t>(p.allowed_ips.size()));
    for (const auto& a : p.allowed_ips) w.ip(a.addr).u8(a.length);
    w.u16(p.persistent_keepalive);
  }
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, w.data().data(), w.data().size(), nullptr, 0);
  sodium_memzero(const_cast<uint8_t*>(w.data().data()), w.data().size());
  return agent::hex(digest, sizeof digest);
}

}  // namespace wgnet
