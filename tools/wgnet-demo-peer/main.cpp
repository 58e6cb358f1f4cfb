// wgnet-demo-peer: a WireGuard peer made from libwgnet itself, for the README's demo and for
// tests that need no root. It listens on 127.0.0.1 only, writes a client config for the tools,
// and serves echo (TCP/UDP 7), a web page (TCP 80) and DNS (UDP 53, zone demo.wgnet) inside
// its tunnel until it is signalled or its --timeout runs out; --forward carries a tunnel TCP port
// to a service on loopback (the demo's sshd).
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "demo_configs.hpp"
#include "services.hpp"
#include "wgnet/tunnel.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

// A free UDP port on 127.0.0.1, found by letting the kernel choose one.
int pick_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) == 0)
    port = ntohs(sin.sin_port);
  ::close(fd);
  return port;
}

// Writes a config holding a private key as wg-quick would want it (TESTPLAN G6): created 0600,
// written to a temporary file, flushed to disk, then renamed over the target, so a reader never
// sees a half-written or briefly world-readable file.
bool write_private_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"WireGuard demo peer built on libwgnet (loopback only)", "wgnet-demo-peer"};
  std::string dir;
  int port = 0;
  int timeout = 0;
  bool verbose = false;
  app.add_option("--dir", dir, "Directory for peer.conf and client.conf")->required();
  app.add_option("--port", port, "UDP port on 127.0.0.1 (0: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--timeout", timeout, "Exit after this many seconds (0: run until signalled)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("-v,--verbose", verbose, "Log handshakes and connections to stderr");
  std::vector<std::string> forward_specs;
  app.add_option("--forward", forward_specs,
                 "TUNNEL_PORT=ADDRESS:PORT: carry a tunnel TCP port to a loopback service");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "wgnet-demo-peer: error: " << e.what() << "\n";
    return kExitUsage;
  }

  std::vector<demo::Forward> forwards;
  for (const auto& spec : forward_specs) {
    auto f = demo::parse_forward(spec);
    if (!f) {
      std::cerr << "wgnet-demo-peer: error: " << f.error().message << "\n";
      return kExitUsage;
    }
    forwards.push_back(*f);
  }
  if (port == 0) port = pick_loopback_port();
  if (port <= 0) {
    std::cerr << "wgnet-demo-peer: error: no free UDP port on 127.0.0.1\n";
    return kExitFailure;
  }
  auto keys = demo::make_keys();
  std::string peer_path = dir + "/peer.conf";
  std::string client_path = dir + "/client.conf";
  if (!write_private_file(peer_path, demo::peer_config_text(keys, static_cast<uint16_t>(port))) ||
      !write_private_file(client_path,
                          demo::client_config_text(keys, static_cast<uint16_t>(port)))) {
    std::cerr << "wgnet-demo-peer: error: cannot write configs in " << dir << ": "
              << std::strerror(errno) << "\n";
    return kExitFailure;
  }

  auto config = wgnet::parse_config(demo::peer_config_text(keys, static_cast<uint16_t>(port)),
                                    peer_path);
  if (!config) {
    std::cerr << "wgnet-demo-peer: error: " << config.error().message << "\n";
    return kExitFailure;
  }

  // Signals are taken synchronously by the main thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  wgnet::TunnelOptions options;
  options.listen_address = "127.0.0.1";
  auto log = [verbose](const std::string& line) {
    if (verbose) std::cerr << "wgnet-demo-peer: " << line << "\n";
  };
  options.log = [log](wgnet::LogLevel level, const std::string& line) {
    if (level != wgnet::LogLevel::kDebug) log(line);
  };
  auto tunnel = wgnet::Tunnel::open(*config, options);
  if (!tunnel) {
    std::cerr << "wgnet-demo-peer: error: " << tunnel.error().message << "\n";
    return kExitFailure;
  }
  demo::Services services(**tunnel);
  if (auto started = services.start(log, forwards); !started) {
    std::cerr << "wgnet-demo-peer: error: " << started.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "ready 127.0.0.1:" << port << " client-config " << client_path << std::endl;

  timespec wait{timeout, 0};
  int sig = timeout > 0 ? sigtimedwait(&signals, nullptr, &wait) : sigwaitinfo(&signals, nullptr);
  log(sig > 0 ? std::string("stopping on ") + strsignal(sig) : "stopping: --timeout reached");
  services.stop();
  return 0;
}
