// -L [bind_address:]port:host:hostport: listening sockets on this machine (the OS loopback by
// default, as OpenSSH's GatewayPorts=no), each accepted connection carried over its own
// direct-tcpip channel, any number at once. Channel opens go one at a time (libssh2 keeps a
// single open in progress per session); the connections themselves run side by side.
#pragma once

#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "channel_pump.hpp"
#include "ssh_options.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

struct ForwardLog {
  std::function<void(const std::string&)> debug;    // -v lines; may be empty
  std::function<void(const std::string&)> warning;  // shown unless -q; may be empty
};

class LocalForwarder {
 public:
  // Binds every spec. A spec none of whose addresses can be bound is an error with
  // exit_on_failure (ExitOnForwardFailure), otherwise a warning ("Could not request local
  // forwarding."), as OpenSSH.
  static Result<std::unique_ptr<LocalForwarder>> listen(const std::vector<ForwardSpec>& specs,
                                                        bool exit_on_failure, ForwardLog log);

  void register_fds(PollSet& set);
  void on_fd_events(const PollSet& set);
  // Advances the pending channel open and every connection; drops finished ones.
  bool pump(SshSession& session);
  bool wants_network() const;

  void stop_listening();
  size_t connections() const { return connections_.size() + pending_.size(); }
  // "#N 127.0.0.1:40000 -> host:port" lines for ~#.
  std::vector<std::string> describe() const;
  // Local addresses actually bound ("127.0.0.1:8080"), for -v and tests.
  std::vector<std::string> bound() const;

 private:
  struct Listener {
    Fd fd;
    size_t spec = 0;
    std::string local;
    int slot = -1;
  };
  struct Pending {
    Fd sock;
    size_t spec = 0;
    std::string origin_host;
    int origin_port = 0;
  };
  struct Connection {
    Fd sock;  // declared first: outlives the pump that polls it
    std::unique_ptr<ChannelPump> pump;
    std::string label;
    uint64_t id = 0;
    bool closing = false;
  };

  explicit LocalForwarder(std::vector<ForwardSpec> specs, ForwardLog log)
      : specs_(std::move(specs)), log_(std::move(log)) {}
  void accept_from(Listener& listener);
  bool advance_open(SshSession& session);
  void debug(const std::string& line) const {
    if (log_.debug) log_.debug(line);
  }
  void warn(const std::string& line) const {
    if (log_.warning) log_.warning(line);
  }

  std::vector<ForwardSpec> specs_;
  ForwardLog log_;
  std::vector<Listener> listeners_;
  std::deque<Pending> pending_;
  std::list<Connection> connections_;
  uint64_t next_id_ = 0;
};

}  // namespace wgnet::ssh
