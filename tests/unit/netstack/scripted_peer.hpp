// A scripted TCP peer for side B of run_pair: the test writes the peer's segments by hand
// (10.0.0.1:40000 -> 10.0.0.2:7000) and reads what B's lwIP sends off B's output tap. B's output
// never reaches side A (drop_output), so A's stack cannot reset the scripted connection. Used by
// the SACK tests: receiver side (sack_test.cpp) and sender side (sack_sender_test.cpp).
// Peer data segments are kSegLen bytes: "segment k" covers [kBase + kSegLen k, +kSegLen).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <vector>

#include "netstack/two_stacks.hpp"

struct tcp_pcb;

namespace wgnet::testing {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t kPeerPort = 40000;
constexpr uint16_t kListenPort = 7000;
constexpr uint32_t kPeerIss = 1000;
constexpr uint32_t kBase = kPeerIss + 1;  // first data byte from the peer
constexpr uint32_t kSegLen = 100;
constexpr uint8_t kSyn = 0x02, kAck = 0x10;

struct Block {
  uint32_t left, right;
  bool operator==(const Block&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Block& b);

// An IPv4 TCP segment from the scripted peer to B (window 65535, no scaling). Checksums stay
// zero: lwIP does not check them here (WireGuard authenticated the packet).
Bytes segment(uint8_t flags, uint32_t seq, uint32_t ack, const Bytes& options, size_t payload);
// A SACK option (two NOPs, kind 5) listing `blocks`.
Bytes sack_option(const std::vector<Block>& blocks);
// SYN options: MSS 1380, SACK-permitted, window scale (a NOP, kind 3) with `shift`.
extern const Bytes kMssOption;
extern const Bytes kSackPermittedOption;
Bytes window_scale_option(uint8_t shift);

// One TCP segment B sent to the peer, decoded.
struct Sent {
  uint8_t flags = 0;
  uint32_t seq = 0, ack = 0;
  size_t payload = 0;
  bool sack_permitted = false;
  uint16_t window = 0;                         // the header's field, unscaled
  std::optional<std::vector<Block>> sack;      // set when a SACK option is present
  std::chrono::steady_clock::time_point at{};  // when B sent it (set by the capture)
};
std::optional<Sent> decode(std::span<const uint8_t> pkt);

// B's side of the scripted connection: captures what B sends and injects what the peer sends.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(Side& b);
  // The tap refers to this object; the app fd closing (app_) still makes B send.
  ~ScriptedPeer();
  ScriptedPeer(const ScriptedPeer&) = delete;
  ScriptedPeer& operator=(const ScriptedPeer&) = delete;

  void inject(const Bytes& pkt);
  // Waits for the next segment B sends after `from` (an index into the capture).
  std::optional<Sent> next(size_t& from,
                           std::chrono::milliseconds timeout = std::chrono::seconds(2));
  size_t captured();
  // Every segment captured from index `from` on.
  std::vector<Sent> since(size_t from);

  // Handshake with or without SACK-permitted in the SYN; returns the SYN-ACK.
  Sent connect(bool offer_sack);
  // Handshake with exactly these SYN options (see kMssOption); returns the SYN-ACK.
  Sent connect_with_options(const Bytes& syn_options);
  // Before connect(): B's connection uses lwIP's Reno window (initial 3 segments, doubling per
  // round, halved on recovery) and no pacing, instead of the model (lwipopts.h LWIP_TCP_BBR),
  // for tests whose expectations are that arithmetic. SACK recovery and RACK are the same.
  void use_reno_window();
  // The pacing rate (bytes/s) B's model has set for the scripted connection; 0: none yet.
  uint32_t pacing_rate();
  // Runs fn on B's loop thread with the scripted connection's pcb (white-box tests of states
  // the peer's packets alone cannot set up in time).
  void with_pcb(const std::function<void(tcp_pcb*)>& fn);
  // Sends data segment k (see the file comment) and returns B's first pure ACK in response.
  Sent send_seg(uint32_t k);
  // A pure ACK from the peer for B's data up to `ack`, with SACK blocks when not empty.
  void ack(uint32_t ack, const std::vector<Block>& blocks = {});

  // B's end of the accepted connection (write to it to make B send data).
  Connection& app() { return app_; }
  // B's first data byte (its ISN + 1).
  uint32_t server_base() const { return server_base_; }

 private:
  Side& b_;
  std::mutex mu_;
  std::vector<Sent> sent_;
  uint32_t server_base_ = 0;
  Connection app_;
};

// Runs `script` on side B against the scripted peer; side A only waits for B to finish.
void with_scripted_peer(const std::function<void(ScriptedPeer&)>& script);

}  // namespace wgnet::testing
