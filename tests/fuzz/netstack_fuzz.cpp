// libFuzzer harness for the stack's input path (TESTPLAN H10): every input is one decrypted inner
// IP packet handed to NetstackHost::input(), as the tunnel does. The stack has addresses
// 10.0.0.2/24 and fd00::2/64, a TCP listener on port 80 (accepted connections are closed at
// once, which runs the close paths) and a UDP binding on 53 that answers every datagram; the
// event loop turns once per input so lwIP's timers and the bridges run too. Checksums are not
// verified (WireGuard authenticated the packet), so every mutated header reaches lwIP's parsers.
// The seed corpus holds the TCP option over-read regression input (option kind as last byte).
//   ./build-fuzz/tests/fuzz/netstack_fuzz -max_total_time=60 tests/fuzz/corpus/netstack
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "io/event_loop.hpp"
#include "io/netstack_host.hpp"

namespace {

struct Stack {
  std::unique_ptr<wgnet::io::EventLoop> loop;
  std::unique_ptr<wgnet::io::NetstackHost> host;
  uint32_t udp_id = 0;
};

wgnet::Endpoint any(uint16_t port) { return {*wgnet::IpAddress::parse("::"), port}; }

Stack& stack() {
  static Stack* s = [] {
    auto* st = new Stack;  // lives for the whole fuzzing process
    auto loop = wgnet::io::EventLoop::create();
    if (!loop.ok()) std::abort();
    st->loop = std::move(*loop);
    wgnet::io::NetstackConfig config;
    config.addresses = {*wgnet::IpPrefix::parse("10.0.0.2/24"), *wgnet::IpPrefix::parse("fd00::2/64")};
    auto host = wgnet::io::NetstackHost::create(*st->loop, config, [](std::span<const uint8_t>) {});
    if (!host.ok()) std::abort();
    st->host = std::move(*host);
    if (!st->host->listen_tcp(any(80), [](wgnet::Connection) {}).ok()) std::abort();
    auto udp = st->host->bind_udp(any(53), [st](const wgnet::Endpoint& from, std::span<const uint8_t> data) {
      (void)st->host->udp_send_to(st->udp_id, from, data);
    });
    if (!udp.ok()) std::abort();
    st->udp_id = *udp;
    return st;
  }();
  return *s;
}

}  // namespace

// lwIP's IPv6 reassembly keeps the pointer to the next fragment in a packed (unaligned) helper
// struct inside the previous fragment: LeakSanitizer must scan unaligned words too, or every
// fragment waiting for reassembly is reported as a leak.
extern "C" const char* __lsan_default_options() { return "use_unaligned=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Stack& s = stack();
  s.host->input({data, size});
  // One loop iteration: posted work (accepted connections), fd events, due lwIP timers.
  s.loop->post([&s] { s.loop->stop(); });
  s.loop->run();
  return 0;
}
