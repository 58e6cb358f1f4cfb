// The four forwards, each in a file of its own: -L and -R, TCP and UDP. bind_forward (forward.hpp)
// picks one by the spec; each binds its listener here and serves on Forward::serve.
#pragma once

#include <memory>

#include "forward.hpp"

namespace wgnet::forward {

// An OS listener on this machine; each connection dialled through the tunnel to host:hostport.
Result<std::unique_ptr<Forward>> bind_tcp_local(const ForwardSpec& spec, const ForwardContext& ctx);
// An OS UDP socket; one tunnel UDP session per local client address.
Result<std::unique_ptr<Forward>> bind_udp_local(const ForwardSpec& spec, const ForwardContext& ctx);
// A tunnel listener; each connection carried to host:hostport on this machine.
Result<std::unique_ptr<Forward>> bind_tcp_remote(const ForwardSpec& spec,
                                                 const ForwardContext& ctx);
// An OS listener on this machine speaking SOCKS5 (-D): each client's CONNECT or UDP ASSOCIATE
// carried through the tunnel by serve_socks5.
Result<std::unique_ptr<Forward>> bind_socks_local(const ForwardSpec& spec,
                                                  const ForwardContext& ctx);
// A tunnel UDP socket; one OS UDP socket to host:hostport per remote tunnel endpoint.
Result<std::unique_ptr<Forward>> bind_udp_remote(const ForwardSpec& spec,
                                                 const ForwardContext& ctx);

}  // namespace wgnet::forward
