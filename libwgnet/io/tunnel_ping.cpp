// Tunnel::open_pinger and Tunnel::ping: the caller's side of ICMP echo. The raw pcb lives on the
// event loop (netstack_icmp.cpp); replies cross to the caller through a bounded queue.
#include <random>

#include "io/handoff_queue.hpp"
#include "io/loop_call.hpp"
#include "io/netstack_icmp.hpp"
#include "io/tunnel_impl.hpp"
#include "io/tunnel_link.hpp"

namespace wgnet {

Result<PingReply> Tunnel::ping(const IpAddress& to, const PingOptions& options) {
  auto pinger = open_pinger(to);
  if (!pinger) return pinger.error();
  if (auto sent = (*pinger)->send(options.sequence, options.payload_size); !sent)
    return sent.error();
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) break;
    auto reply = (*pinger)->receive(left);
    if (!reply) return reply.error();
    if (reply->sequence == options.sequence) return reply;  // older ones are not this request's
  }
  return make_error(ErrorCode::kTimeout, "no echo reply from " + to.to_string() + " in time");
}

}  // namespace wgnet

namespace wgnet::io {
namespace {

// Replies a caller has not taken yet; beyond this many they are dropped, as a full socket
// buffer would drop them.
constexpr size_t kReplyQueueLimit = 1024;

using ReplyQueue = HandoffQueue<PingReply>;

// Holds the tunnel's link, not the tunnel: a pinger may outlive its Tunnel and then answers
// kClosed (its queue is watched by the link, so a blocked receive wakes up).
class TunnelPinger final : public Pinger {
 public:
  TunnelPinger(std::shared_ptr<TunnelLink> link, std::unique_ptr<IcmpEchoPcb> pcb, IpAddress target,
               uint16_t identifier, std::shared_ptr<ReplyQueue> replies)
      : link_(std::move(link)),
        pcb_(std::move(pcb)),
        target_(target),
        identifier_(identifier),
        replies_(std::move(replies)) {}
  ~TunnelPinger() override {
    replies_->close();
    // The pcb belongs to lwIP's lists: freed on the loop while the tunnel runs. After the tunnel
    // closed, lwIP and its lists are gone with it and the pcb must not be touched.
    auto freed = link_->on_stack([this](NetstackHost&) -> Result<void> {
      pcb_.reset();
      return {};
    });
    if (!freed) pcb_->forget_stack();
  }
  IpAddress target() const override { return target_; }
  uint16_t identifier() const override { return identifier_; }
  Result<void> send(uint16_t sequence, size_t payload_size) override {
    // Checked before the trip to the loop too: a size that cannot fit costs no round trip.
    if (auto fits = IcmpEchoPcb::check_payload(target_, payload_size); !fits) return fits;
    return link_->on_stack(
        [&](NetstackHost&) -> Result<void> { return pcb_->send(sequence, payload_size); });
  }
  Result<PingReply> receive(std::chrono::milliseconds timeout) override {
    if (link_->on_loop_thread()) return called_on_loop_thread("Pinger::receive");
    PingReply reply;
    switch (replies_->pop(timeout, reply)) {
      case ReplyQueue::Status::kItem:
        return reply;
      case ReplyQueue::Status::kTimeout:
        return make_error(ErrorCode::kTimeout, "no echo reply from " + target_.to_string());
      case ReplyQueue::Status::kClosed:
        break;
    }
    return TunnelLink::closed_error();
  }

 private:
  std::shared_ptr<TunnelLink> link_;
  std::unique_ptr<IcmpEchoPcb> pcb_;  // touched on the loop only
  IpAddress target_;
  uint16_t identifier_;
  std::shared_ptr<ReplyQueue> replies_;
};

uint16_t random_identifier() {
  std::random_device random;
  return static_cast<uint16_t>(random());
}

}  // namespace

Result<std::unique_ptr<Pinger>> TunnelImpl::open_pinger(const IpAddress& to) {
  if (auto ready = wait_handshake(); !ready) return ready.error();
  if (!routable(to))
    return make_error(ErrorCode::kNetwork,
                      "no route to " + to.to_string() + ": no peer's AllowedIPs covers it");
  bool have_family = false;
  for (const auto& prefix : config_.interface.addresses)
    have_family |= prefix.addr.is_v4() == to.is_v4();
  if (!have_family)
    return make_error(ErrorCode::kNetwork, "no route to " + to.to_string() +
                                               ": the tunnel has no IPv" +
                                               (to.is_v4() ? "4" : "6") +
                                               " address (see Address= in " + config_.source + ")");
  auto replies = std::make_shared<ReplyQueue>(kReplyQueueLimit);
  link_->watch(replies);
  uint16_t identifier = random_identifier();
  auto pcb = link_->on_stack([&](NetstackHost&) {
    return IcmpEchoPcb::open(to, identifier,
                             [replies](const PingReply& reply) { replies->push(reply); });
  });
  if (!pcb) return pcb.error();
  return std::unique_ptr<Pinger>(
      std::make_unique<TunnelPinger>(link_, std::move(*pcb), to, identifier, replies));
}

}  // namespace wgnet::io
