// UDP ASSOCIATE (RFC 1928 section 7): a UDP relay socket on the local machine for the client's
// datagrams, one tunnel UDP socket for their destinations. Runs until the client's TCP control
// connection closes or the cancel fd becomes readable.
#pragma once

#include "io/socks5_client_io.hpp"
#include "io/socks5_codec.hpp"
#include "wgnet/socks5.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::io::socks5 {

// Binds both sockets, sends the reply (success with the relay's address, or the failure), then
// relays. Returns the session's log line.
std::string serve_udp_associate(Tunnel& tunnel, int client, ClientIo& io, const Request& request,
                                const Socks5Options& options, int cancel_fd);

}  // namespace wgnet::io::socks5
