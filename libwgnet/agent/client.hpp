// The client's side: a Tunnel whose calls run in the agent. Each blocking call opens its own
// short connection (so calls from several threads run at once); the attachment connection stays
// open for the Tunnel's life (the agent counts it as a client and its idle timer waits).
#pragma once

#include <memory>
#include <string>

#include "agent/wire.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::agent {

struct AgentHello {
  Fd conn;
  std::string fingerprint;  // the agent's
  int pid = 0;
};

// connect() to the socket, the magic and HELLO. `absent` is set when nothing listens there
// (no socket file, or a dead agent's: ENOENT / ECONNREFUSED) or it closed before answering (on
// its way out): the cue to wait for the lock and start one.
Result<AgentHello> connect_agent(const std::string& socket_path, const std::string& fingerprint,
                                 bool* absent = nullptr);

// One request on an open connection: its OK reply, or the ERROR it carried as an Error.
Result<Frame> exchange(int conn, uint8_t op, const Writer& request);

std::unique_ptr<Tunnel> make_agent_tunnel(AgentHello attachment, const Config& config,
                                          std::string socket_path);

}  // namespace wgnet::agent
