// -D [bind_address:]port: a SOCKS5 listener here, as ssh's dynamic forward; each accepted client
// is served by serve_socks5 (wgnet/socks5.hpp) on a thread of its own, so that any program that
// speaks SOCKS (curl, git, Python, ssh through a SOCKS-capable nc) uses the tunnel unchanged.
#include "forward_kinds.hpp"
#include "local_listener_forward.hpp"
#include "wgnet/socks5.hpp"

namespace wgnet::forward {
namespace {

class SocksLocalForward : public LocalListenerForward {
 public:
  SocksLocalForward(const ForwardSpec& spec, const ForwardContext& ctx, Fd listener,
                    ConnectionThreads threads)
      : LocalListenerForward(spec, ctx, std::move(listener), std::move(threads)) {
    socks_.credentials = ctx.options.socks_credentials;
    socks_.dial_timeout = ctx.options.connect_timeout;
    socks_.log = [this](LogLevel level, const std::string& text) {
      if (level == LogLevel::kInfo || level == LogLevel::kDebug) {
        ctx_.diag.info(spec_.name() + ": " + text);
      } else {
        ctx_.diag.warning(spec_.name() + ": " + text);
      }
    };
  }

 private:
  void handle(Fd client, const Endpoint&) override {
    serve_socks5(ctx_.tunnel, std::move(client), socks_, ctx_.stop_fd);
  }

  Socks5Options socks_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_socks_local(const ForwardSpec& spec,
                                                  const ForwardContext& ctx) {
  return bind_local_listener_forward<SocksLocalForward>(spec, ctx);
}

}  // namespace wgnet::forward
