#include "forward_local.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "session_error.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::ssh {
namespace {

std::string endpoint_text(const std::string& host, int port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

// The addresses one spec listens on: loopback by default (both families), "*" = all.
std::vector<std::string> bind_hosts(const std::string& bind_address) {
  if (bind_address.empty() || bind_address == "localhost") return {"127.0.0.1", "::1"};
  if (bind_address == "*") return {"0.0.0.0", "::"};
  return {bind_address};
}

Result<Fd> bind_one(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return make_error(ErrorCode::kResolve, "bind address " + host + ": " + ::gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) {
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), 64) != 0) {
      why = std::strerror(errno);
      continue;
    }
    ::freeaddrinfo(found);
    return fd;
  }
  ::freeaddrinfo(found);
  return make_error(ErrorCode::kIo, "bind " + endpoint_text(host, port) + ": " + why);
}

}  // namespace

Result<std::unique_ptr<LocalForwarder>> LocalForwarder::listen(
    const std::vector<ForwardSpec>& specs, bool exit_on_failure, ForwardLog log) {
  std::unique_ptr<LocalForwarder> forwarder(new LocalForwarder(specs, std::move(log)));
  for (size_t i = 0; i < specs.size(); ++i) {
    const ForwardSpec& spec = specs[i];
    std::string last_error;
    bool any = false;
    for (const auto& host : bind_hosts(spec.bind_address)) {
      auto fd = bind_one(host, spec.listen_port);
      if (!fd) {
        last_error = fd.error().message;
        continue;
      }
      any = true;
      std::string local = endpoint_text(host, spec.listen_port);
      forwarder->debug("Local connections to " + local + " forwarded to remote address " +
                       endpoint_text(spec.connect_host, spec.connect_port));
      forwarder->listeners_.push_back({std::move(*fd), i, local, -1});
    }
    if (!any) {
      if (exit_on_failure) {
        return make_error(ErrorCode::kIo, last_error + "; Could not request local forwarding.");
      }
      forwarder->warn(last_error);
      forwarder->warn("Warning: Could not request local forwarding.");
    }
  }
  return forwarder;
}

void LocalForwarder::register_fds(PollSet& set) {
  for (auto& listener : listeners_) listener.slot = set.add(listener.fd.get(), POLLIN);
  for (auto& connection : connections_) {
    if (!connection.closing) connection.pump->register_fds(set);
  }
}

void LocalForwarder::on_fd_events(const PollSet& set) {
  for (auto& listener : listeners_) {
    if (set.revents(listener.slot) != 0) accept_from(listener);
  }
  for (auto& connection : connections_) {
    if (!connection.closing) connection.pump->on_fd_events(set);
  }
}

void LocalForwarder::accept_from(Listener& listener) {
  for (int i = 0; i < 16; ++i) {  // a burst at once, but never starve the rest of the loop
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    Fd sock(::accept4(listener.fd.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                      SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!sock) return;
    Pending pending;
    // The originator libssh2 reports to the server (OpenSSH logs it).
    if (auto origin = from_sockaddr(reinterpret_cast<const sockaddr*>(&peer), length)) {
      pending.origin_host = origin->ip.to_string();
      pending.origin_port = origin->port;
    } else {
      pending.origin_host = "?";
    }
    pending.sock = std::move(sock);
    pending.spec = listener.spec;
    debug("Connection to port " + std::to_string(specs_[listener.spec].listen_port) +
          " forwarding to " + specs_[listener.spec].connect_host + " port " +
          std::to_string(specs_[listener.spec].connect_port) + " requested.");
    pending_.push_back(std::move(pending));
  }
}

bool LocalForwarder::advance_open(SshSession& session) {
  if (pending_.empty()) return false;
  Pending& front = pending_.front();
  const ForwardSpec& spec = specs_[front.spec];
  LIBSSH2_CHANNEL* channel =
      libssh2_channel_direct_tcpip_ex(session.get(), spec.connect_host.c_str(), spec.connect_port,
                                      front.origin_host.c_str(), front.origin_port);
  if (channel == nullptr) {
    int rc = libssh2_session_last_errno(session.get());
    if (rc == LIBSSH2_ERROR_EAGAIN) return false;
    warn("channel open for " + endpoint_text(spec.connect_host, spec.connect_port) +
         " failed: " + session_error(session.get(), rc, "direct-tcpip").message);
    pending_.pop_front();  // closing the socket tells the local client
    return true;
  }
  Connection connection;
  connection.id = next_id_++;
  connection.label = endpoint_text(front.origin_host, front.origin_port) + " -> " +
                     endpoint_text(spec.connect_host, spec.connect_port);
  connection.sock = std::move(front.sock);
  int fd = connection.sock.get();
  connection.pump =
      std::make_unique<ChannelPump>(session, session.adopt(channel), PumpEnds{fd, fd, -1, true});
  pending_.pop_front();
  debug("forwarded connection #" + std::to_string(connection.id) + " open: " + connection.label);
  connections_.push_back(std::move(connection));
  return true;
}

bool LocalForwarder::pump(SshSession& session) {
  bool progress = advance_open(session);
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& c = *it;
    if (!c.closing) {
      progress |= c.pump->pump();
      if (c.pump->failed()) {
        debug("forwarded connection #" + std::to_string(c.id) + ": " + c.pump->error());
        c.closing = true;  // tell the server, then wait for its close without blocking
      }
    }
    if (c.closing) {
      int rc = libssh2_channel_close(c.pump->channel());
      if (rc == LIBSSH2_ERROR_EAGAIN) {
        ++it;
        continue;
      }
    } else if (!c.pump->finished()) {
      ++it;
      continue;
    }
    debug("forwarded connection #" + std::to_string(c.id) + " closed (" +
          std::to_string(c.pump->bytes_in()) + " bytes out, " +
          std::to_string(c.pump->bytes_out()) + " bytes in)");
    it = connections_.erase(it);
    progress = true;
  }
  return progress;
}

bool LocalForwarder::wants_network() const {
  if (!pending_.empty()) return true;
  for (const auto& c : connections_) {
    if (c.closing || c.pump->wants_network()) return true;
  }
  return false;
}

void LocalForwarder::stop_listening() {
  listeners_.clear();
}

std::vector<std::string> LocalForwarder::describe() const {
  std::vector<std::string> lines;
  for (const auto& c : connections_) {
    lines.push_back("  #" + std::to_string(c.id) + " direct-tcpip: " + c.label);
  }
  for (const auto& p : pending_) {
    lines.push_back("  (opening) " + endpoint_text(p.origin_host, p.origin_port) + " -> " +
                    endpoint_text(specs_[p.spec].connect_host, specs_[p.spec].connect_port));
  }
  return lines;
}

std::vector<std::string> LocalForwarder::bound() const {
  std::vector<std::string> out;
  for (const auto& l : listeners_) out.push_back(l.local);
  return out;
}

}  // namespace wgnet::ssh
