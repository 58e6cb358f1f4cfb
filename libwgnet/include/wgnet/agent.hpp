// Sharing one tunnel between processes: the wgnet agent (issue 9).
//
// The peer keeps one WireGuard session per key, so two processes that each open a Tunnel with the
// same private key take the session away from each other. An agent is a background process that
// owns the one Tunnel of an identity (interface public key) and serves it over a Unix socket in
// a private directory; Tunnel::attach returns a Tunnel whose calls run in the agent and whose
// connections arrive here as file descriptors (SCM_RIGHTS: no copy). See tunnel.hpp, "Sharing one
// tunnel".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "wgnet/config.hpp"
#include "wgnet/export.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet {

struct AttachOptions {
  // log: the client's own messages; handshake_timeout: what an agent this call starts gives its
  // tunnel (and what the agent's waits use).
  TunnelOptions tunnel;
  std::string config_path;    // the file the config came from: a started agent loads it
  std::string agent_program;  // empty: $WGNET_AGENT_PROGRAM, else "wgnet-agent" through PATH
  // For an agent this call starts: exit this long after the last client left. Empty:
  // $WGNET_AGENT_IDLE (seconds), else 60 s. 0 = never.
  std::optional<std::chrono::seconds> idle_timeout;
};

struct AttachInfo {
  int agent_pid = 0;
  bool started = false;  // this call started the agent (else it was running)
  std::string socket_path;
};

struct AgentStatus {
  int pid = 0;
  std::string socket_path;
  std::string config_path;
  uint32_t connections = 0;  // open client connections, this status request's included
  std::chrono::seconds uptime{0};
  std::optional<std::chrono::milliseconds> handshake_time;  // first handshake, from start
  std::string peer_endpoint;
  uint64_t rss_kib = 0;  // the agent's VmRSS (its /proc/self/status)
};

struct AgentServeOptions {
  std::chrono::seconds idle_timeout{60};  // 0 = never
  int ready_fd = -1;  // written "ok", "busy" or "error <code> <message>" once, then closed
  int stop_fd = -1;   // readable (a signal handler's pipe): exit as on STOP
  std::chrono::milliseconds handshake_timeout{10000};
  // A connection whose first byte is 0x05 (SOCKS5), on that connection's own thread; empty:
  // serve_socks5 (wgnet/socks5.hpp) over the agent's tunnel, without authentication (only our
  // own uid can connect).
  std::function<void(Fd)> on_socks5;
  LogSink log;
};

// $XDG_RUNTIME_DIR/wgnet if XDG_RUNTIME_DIR is set, else $HOME/.cache/wgnet; created (0700) if
// missing. kInvalidArgument naming the directory, what was found and the fix when it is a
// symlink, not ours or open to group/others.
WGNET_API Result<std::string> agent_runtime_dir();
// <dir>/<id>.sock, id = hex of 12 bytes of a hash of the interface public key.
WGNET_API std::string agent_socket_path(const std::string& dir, const Config& config);
// Hex digest over the parsed config (keys, addresses, DNS, MTU, peers...), not the file bytes.
WGNET_API std::string config_fingerprint(const Config& config);

// The agent itself: takes the identity's lock, opens the Tunnel, serves until idle, STOP,
// RETIRE or stop_fd. Returns ok also when another agent holds the lock ("busy").
WGNET_API Result<void> serve_agent(const Config& config, const std::string& config_path,
                                   AgentServeOptions options);

// The running agent of this config's identity: kClosed when none runs.
WGNET_API Result<AgentStatus> agent_status(const Config& config);
// Asks it to exit and waits (a few seconds at most) until it has: kClosed when none runs.
WGNET_API Result<void> stop_agent(const Config& config);

}  // namespace wgnet
