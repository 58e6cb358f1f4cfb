// The agent's side: one Tunnel, one listening Unix socket, a thread per accepted connection
// (joined as soon as it ends, so 10,000 short connections leave nothing behind), an idle timer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/identity.hpp"
#include "agent/wire.hpp"
#include "wgnet/agent.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::agent {

class AgentServer {
 public:
  AgentServer(const Config& config, std::string config_path, AgentPaths paths,
              AgentServeOptions options);
  ~AgentServer();
  // Opens the tunnel and the socket; the error is what the ready fd reports.
  Result<void> start();
  // Serves until idle, STOP/RETIRE or stop_fd; then cleans up.
  void run();

  // For the handlers (their connection's thread).
  Tunnel& tunnel() { return *tunnel_; }
  const std::string& fingerprint() const { return fingerprint_; }
  AgentStatus status();
  void request_exit(bool retire);
  void log(LogLevel level, const std::string& message) const;
  bool exiting() const { return exiting_; }
  // The tunnel's first handshake never came and its wait is over: the Tunnel reports
  // kHandshakeTimeout from now on, so this agent can serve no one. Retires it (the next client
  // starts a fresh one that tries again) and says so.
  bool retire_if_handshake_gave_up();

 private:
  struct Worker {
    std::thread thread;
    int fd = -1;  // the connection, for shutdown() at exit; -1 once its thread closed it
  };
  void accept_one();
  void serve_connection(uint64_t id, Fd conn);
  void finish_worker(uint64_t id);
  void reap();
  void shutdown_workers();
  void remove_files();
  void wake();

  Config config_;
  std::string config_path_;
  AgentPaths paths_;
  AgentServeOptions options_;
  std::string fingerprint_;
  std::unique_ptr<Tunnel> tunnel_;
  Fd listen_;
  Fd wake_read_, wake_write_;
  std::atomic<ino_t> socket_inode_{0};  // 0 once removed (RETIRE's thread or the main one)
  std::chrono::steady_clock::time_point started_;

  std::mutex mu_;
  std::map<uint64_t, Worker> workers_;
  std::vector<uint64_t> finished_;
  uint64_t next_id_ = 1;
  std::atomic<bool> exiting_{false};
  std::atomic<bool> retire_{false};
};

// One agent-protocol connection (after the magic): HELLO, then requests until end-of-file.
void serve_protocol(AgentServer& server, int conn);

}  // namespace wgnet::agent
