// bind_forward (forward.hpp): the spec's direction and protocol pick the forward; its bind error
// is prefixed with the spec's name so that the user knows which of several -L/-R failed.
#include "forward.hpp"
#include "forward_kinds.hpp"

namespace wgnet::forward {

Result<std::unique_ptr<Forward>> bind_forward(const ForwardSpec& spec, const ForwardContext& ctx) {
  bool local = spec.direction == Direction::kLocal;
  bool udp = spec.protocol == Protocol::kUdp;
  auto forward = spec.direction == Direction::kDynamic ? bind_socks_local(spec, ctx)
                 : local ? (udp ? bind_udp_local(spec, ctx) : bind_tcp_local(spec, ctx))
                         : (udp ? bind_udp_remote(spec, ctx) : bind_tcp_remote(spec, ctx));
  if (!forward)
    return make_error(forward.error().code, spec.name() + ": " + forward.error().message);
  return forward;
}

}  // namespace wgnet::forward
