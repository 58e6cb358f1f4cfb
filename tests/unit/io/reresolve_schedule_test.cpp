// When a peer's Endpoint= host name is looked up again (io/peer_endpoints' ReresolveSchedule):
// every sixth unanswered initiation, never for IP literals or peers without an endpoint, and
// from zero again after a handshake. No threads, no lookups.
#include <gtest/gtest.h>

#include "io/peer_endpoints.hpp"

namespace wgnet::io {
namespace {

PeerConfig peer_at(std::optional<std::string> host) {
  PeerConfig p;
  if (host) p.endpoint = EndpointSpec{*host, 51820};
  return p;
}

// The initiations (1-based) at which `peer` was due, out of `count`.
std::vector<int> due_at(ReresolveSchedule& s, size_t peer, int count) {
  std::vector<int> out;
  for (int i = 1; i <= count; ++i)
    if (s.on_initiation(peer)) out.push_back(i);
  return out;
}

TEST(ReresolveSchedule, HostNameIsDueEverySixthUnansweredInitiation) {
  ReresolveSchedule s({peer_at("vpn.example")});
  EXPECT_EQ(due_at(s, 0, 13), (std::vector<int>{6, 12}));
}

TEST(ReresolveSchedule, HandshakeStartsTheCountAgain) {
  ReresolveSchedule s({peer_at("vpn.example")});
  EXPECT_TRUE(due_at(s, 0, 5).empty());
  s.on_handshake(0);
  EXPECT_EQ(due_at(s, 0, 6), (std::vector<int>{6}));
}

TEST(ReresolveSchedule, LiteralsAndMissingEndpointsAreNeverDue) {
  ReresolveSchedule s(
      {peer_at("198.18.0.1"), peer_at("fd00::1"), peer_at(std::nullopt), peer_at("vpn.example")});
  for (size_t peer = 0; peer < 3; ++peer) EXPECT_TRUE(due_at(s, peer, 12).empty()) << peer;
  EXPECT_EQ(due_at(s, 3, 6), (std::vector<int>{6}));  // each peer counts on its own
  EXPECT_FALSE(s.on_initiation(99));                  // an unknown peer: nothing to do
}

}  // namespace
}  // namespace wgnet::io
