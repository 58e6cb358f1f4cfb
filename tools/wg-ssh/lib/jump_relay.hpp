// -J / ProxyJump: an authenticated jump host's session carries the connection to the next host.
// A direct-tcpip channel of the jump session to the next host's port is bridged to one end of a
// socketpair by a thread of its own; the other end is the next libssh2 session's transport, just
// as the tunnel's socket is for the first hop. From start() on, only that thread uses the jump
// session (a libssh2 session is not shared between threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "channel_pump.hpp"
#include "session_connection.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

class JumpRelay {
 public:
  struct Link {
    std::unique_ptr<JumpRelay> relay;
    Fd transport;  // the next session's end of the socketpair
  };
  // Opens the channel to host:port through `session` (waiting at most `server_wait` for the
  // jump host's answer), then starts relaying.
  static Result<Link> start(std::unique_ptr<SshSession> session, const std::string& host,
                            uint16_t port, std::chrono::milliseconds server_wait);

  // Call after the next session has closed its end: the relay then passes the EOF on and ends
  // when the jump host closes the channel; it is stopped if that takes longer than a moment.
  ~JumpRelay();
  JumpRelay(const JumpRelay&) = delete;
  JumpRelay& operator=(const JumpRelay&) = delete;

 private:
  JumpRelay() = default;
  void run();

  std::unique_ptr<SshSession> session_;
  std::unique_ptr<ChannelPump> pump_;
  Fd near_;                    // our end of the socketpair
  Fd stop_read_, stop_write_;  // the destructor's "stop now"
  Fd done_read_, done_write_;  // the thread's "finished"
  std::thread thread_;
};

}  // namespace wgnet::ssh
