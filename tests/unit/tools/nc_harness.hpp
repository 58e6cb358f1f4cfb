// Runs wg-nc's logic on a thread against the loopback double, with pipes for stdin/stdout, and
// small loopback socket helpers for the far end. Every wait here is bounded.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nc_options.hpp"
#include "nc_session.hpp"
#include "tools/loopback_tunnel.hpp"

namespace wgnet::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Pipe {
  Fd read;
  Fd write;
  static Pipe make();
};

// Reads until EOF or until `limit` passes.
std::string read_until_eof(int fd, std::chrono::milliseconds limit);
// Reads until `want` bytes arrived, EOF, or `limit`.
std::string read_bytes(int fd, size_t want, std::chrono::milliseconds limit);
void write_all(int fd, const std::string& data);
// True when fd has nothing to read and no EOF pending for `quiet`.
bool stays_quiet(int fd, std::chrono::milliseconds quiet);

// A TCP listener on 127.0.0.1 that the code under test connects to.
class TcpServer {
 public:
  explicit TcpServer(int backlog = 8);
  uint16_t port() const { return port_; }
  Fd accept(std::chrono::milliseconds limit);  // invalid Fd on timeout
  int fd() const { return fd_.get(); }

 private:
  Fd fd_;
  uint16_t port_ = 0;
};

Fd connect_tcp(uint16_t port);
Fd udp_socket();  // bound to 127.0.0.1:0
uint16_t local_port(int fd);
// A port with nothing listening (bound once, then released).
uint16_t closed_port();

class NcRun {
 public:
  explicit NcRun(nc::NcOptions options);
  ~NcRun();

  LoopbackTunnel& tunnel() { return tunnel_; }
  void start();
  void write_stdin(const std::string& data) { write_all(stdin_.write.get(), data); }
  void close_stdin() { stdin_.write.reset(); }
  int stdout_fd() const { return stdout_.read.get(); }
  // The exit status, or -1 when run_nc did not return within `limit` (a test failure).
  int wait(std::chrono::milliseconds limit);
  std::vector<std::string> lines();

 private:
  nc::NcOptions options_;
  LoopbackTunnel tunnel_;
  Pipe stdin_;
  Pipe stdout_;
  std::mutex lines_mutex_;
  std::vector<std::string> lines_;
  std::future<int> status_;
  std::thread thread_;
};

// Options for a client to 127.0.0.1:port.
nc::NcOptions client_options(uint16_t port);

}  // namespace wgnet::test
