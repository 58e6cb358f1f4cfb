// The services the demo peer offers inside its tunnel: TCP and UDP echo on port 7, a small web
// page on port 80, DNS on port 53 for a few names under demo.wgnet, and any --forward ports.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "forward.hpp"
#include "wgnet/tunnel.hpp"

namespace demo {

class Services {
 public:
  explicit Services(wgnet::Tunnel& tunnel);
  ~Services() { stop(); }
  wgnet::Result<void> start(const std::function<void(const std::string&)>& log,
                            const std::vector<Forward>& forwards = {});
  // Closes the listeners and sockets (which wakes their accept/recv_from), tells connections to
  // end, and waits for every thread.
  void stop();

 private:
  void serve_tcp(std::unique_ptr<wgnet::TcpListener> listener,
                 std::function<void(wgnet::Connection)> handle);
  void serve_udp(std::unique_ptr<wgnet::UdpSocket> socket,
                 std::function<std::vector<uint8_t>(std::span<const uint8_t>)> answer);
  void spawn(std::function<void()> fn);

  wgnet::Tunnel& tunnel_;
  // An eventfd, readable once stop() is called: what connection handlers poll besides their
  // socket.
  wgnet::Fd stop_fd_;
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<wgnet::TcpListener>> listeners_;
  std::vector<std::shared_ptr<wgnet::UdpSocket>> sockets_;
  std::function<void(const std::string&)> log_;
};

// Builds the DNS reply for one query (exposed for the demo's own checks).
std::vector<uint8_t> answer_dns_query(std::span<const uint8_t> query);

}  // namespace demo
