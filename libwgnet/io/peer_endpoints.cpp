#include "io/peer_endpoints.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "wgnet/sockaddr.hpp"

namespace wgnet::io {

namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};

std::vector<Endpoint> interleave(const std::vector<Endpoint>& all) {
  std::vector<Endpoint> v4, v6, out;
  for (const auto& ep : all) (ep.ip.is_v4() ? v4 : v6).push_back(ep);
  // Keep the family the resolver preferred first.
  bool v6_first = !all.empty() && all.front().ip.is_v6();
  auto& first = v6_first ? v6 : v4;
  auto& second = v6_first ? v4 : v6;
  for (size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
    if (i < first.size()) out.push_back(first[i]);
    if (i < second.size()) out.push_back(second[i]);
  }
  return out;
}

}  // namespace

Result<std::vector<Endpoint>> resolve_peer_endpoint(const EndpointSpec& spec, int tries) {
  if (auto ip = IpAddress::parse(spec.host)) return std::vector<Endpoint>{Endpoint{*ip, spec.port}};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG;
  int rc = 0;
  for (int attempt = 0; attempt < std::max(tries, 1); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
    addrinfo* raw = nullptr;
    rc = getaddrinfo(spec.host.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
    if (rc == 0) {
      std::vector<Endpoint> found;
      for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        auto ep = from_sockaddr(ai->ai_addr, ai->ai_addrlen);
        if (!ep) continue;
        ep->port = spec.port;
        if (std::find(found.begin(), found.end(), *ep) == found.end()) found.push_back(*ep);
      }
      if (!found.empty()) return interleave(found);
    }
    if (rc != EAI_AGAIN) break;
  }
  return make_error(ErrorCode::kResolve,
                    "cannot resolve peer endpoint " + spec.to_string() + ": " + gai_strerror(rc));
}

ReresolveSchedule::ReresolveSchedule(const std::vector<PeerConfig>& peers)
    : attempts_(peers.size(), 0) {
  for (const auto& peer : peers) {
    named_.push_back(peer.endpoint && !IpAddress::parse(peer.endpoint->host));
  }
}

bool ReresolveSchedule::on_initiation(size_t peer) {
  if (peer >= attempts_.size()) return false;
  return ++attempts_[peer] % kEveryAttempts == 0 && named_[peer];
}

void ReresolveSchedule::on_handshake(size_t peer) {
  if (peer < attempts_.size()) attempts_[peer] = 0;
}

EndpointReresolver::EndpointReresolver(const std::vector<PeerConfig>& peers, EventLoop& loop,
                                       Apply apply)
    : schedule_(peers), loop_(loop), apply_(std::move(apply)) {
  for (const auto& peer : peers) specs_.push_back(peer.endpoint);
}

EndpointReresolver::~EndpointReresolver() {
  if (thread_.joinable()) thread_.join();
}

void EndpointReresolver::on_initiation(size_t peer) {
  if (!schedule_.on_initiation(peer)) return;
  if (busy_.exchange(true)) return;  // one lookup at a time
  if (thread_.joinable()) thread_.join();
  thread_ = std::thread([this, peer, spec = *specs_[peer]] {
    auto resolved = resolve_peer_endpoint(spec, 1);
    if (resolved) {
      loop_.post([this, peer, endpoints = std::move(*resolved)]() mutable {
        apply_(peer, std::move(endpoints));
      });
    }
    busy_ = false;
  });
}

}  // namespace wgnet::io
