// One libssh2 session over a SessionTransport, always in non-blocking mode: every call is driven
// by drive() (setup: handshake, auth) or by the session loop (channels). RAII for the library
// init, the session and its channels; freeing is bounded in time even if the peer went silent.
#pragma once

#include <libssh2.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session_transport.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

// libssh2_init()/libssh2_exit() for the lifetime of the object (one per process).
class Libssh2Library {
 public:
  static Result<std::unique_ptr<Libssh2Library>> init();
  ~Libssh2Library();
  Libssh2Library(const Libssh2Library&) = delete;
  Libssh2Library& operator=(const Libssh2Library&) = delete;

 private:
  Libssh2Library() = default;
};

// Algorithm lists as libssh2_session_method_pref takes them (comma-separated, best first);
// empty = libssh2's default.
struct MethodPrefs {
  std::string kex;
  std::string host_key;
  std::string ciphers;
  std::string macs;
};

struct ServerHostKey {
  std::string blob;       // the key as the server sent it (SSH wire format)
  std::string type_name;  // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
};

class SshSession;

// Frees a channel through its session (bounded, see SshSession::free_channel).
struct ChannelDeleter {
  SshSession* session = nullptr;
  void operator()(LIBSSH2_CHANNEL* channel) const;
};
using ChannelHandle = std::unique_ptr<LIBSSH2_CHANNEL, ChannelDeleter>;

class SshSession {
 public:
  using Clock = std::chrono::steady_clock;
  using Deadline = std::optional<Clock::time_point>;

  // A session over `fd` (the tunnel's connected socket).
  static Result<std::unique_ptr<SshSession>> create(Fd fd);
  // Algorithm preferences for the handshake (call before handshake()).
  Result<void> prefer(const MethodPrefs& prefs);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  LIBSSH2_SESSION* get() const { return session_; }
  SessionTransport& transport() { return *transport_; }

  // Repeats `op` while it returns LIBSSH2_ERROR_EAGAIN, waiting on the socket in between.
  // Returns op's final code (>= 0, or a libssh2 error), or kTimeout at `deadline` or when
  // one wait for the server lasts longer than `idle` (time spent inside `op`, e.g. at a
  // prompt, does not count against `idle`).
  Result<int> drive(const std::function<int()>& op, Deadline deadline,
                    std::optional<std::chrono::milliseconds> idle = std::nullopt);

  // Banner exchange, key exchange and host key signature check, within `deadline`.
  Result<void> handshake(Deadline deadline);
  ServerHostKey host_key() const;
  // The negotiated algorithm of a LIBSSH2_METHOD_* kind ("aes128-ctr"), for -v.
  std::string negotiated(int method) const;

  // Wraps a channel libssh2 gave us so that it is freed before the session.
  ChannelHandle adopt(LIBSSH2_CHANNEL* channel) { return ChannelHandle(channel, {this}); }
  // Closes and frees a channel, waiting at most a short while for the server's close.
  void free_channel(LIBSSH2_CHANNEL* channel);

  // SSH_MSG_DISCONNECT, best effort and bounded; the session can only be freed afterwards.
  void disconnect(const std::string& description);

 private:
  SshSession() = default;

  std::unique_ptr<SessionTransport> transport_;  // outlives session_ (callbacks use it)
  LIBSSH2_SESSION* session_ = nullptr;
  bool disconnected_ = false;
};

// The algorithm names libssh2 supports for a LIBSSH2_METHOD_* kind, in its default order.
std::vector<std::string> supported_algorithms(LIBSSH2_SESSION* session, int method);

}  // namespace wgnet::ssh
