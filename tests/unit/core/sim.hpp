// Deterministic simulator for the sans-I/O Device: N devices, a fake CLOCK_BOOTTIME-like clock,
// and an in-memory datagram link that can cut, heal, delay, duplicate, reorder and filter.
// Everything (keys, ephemerals, indices, jitter) comes from seeded PRNGs, so a run is a pure
// function of its seed; an hour of protocol time takes milliseconds.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/device_impl.hpp"
#include "core/messages.hpp"
#include "core/noise.hpp"

namespace wgnet::core::sim {

using namespace std::chrono_literals;

// Seeded randomness, a settable wall clock that advances with simulated time, and a counter of
// calls (so tests can see the device asking for randomness).
class FakeEnv : public Environment {
 public:
  FakeEnv(uint64_t seed, const Time* now) : rng_(seed), now_(now) {}
  void random_bytes(std::span<uint8_t> out) override {
    ++random_calls;
    for (auto& b : out) b = static_cast<uint8_t>(rng_());
  }
  std::chrono::nanoseconds wall_clock() override { return wall_base + *now_ + wall_offset; }

  std::chrono::nanoseconds wall_base = std::chrono::seconds(1'700'000'000);
  std::chrono::nanoseconds wall_offset{0};  // step the wall clock without moving protocol time
  uint64_t random_calls = 0;

 private:
  std::mt19937_64 rng_;
  const Time* now_;
};

inline Key key_from_seed(uint64_t seed) {
  std::mt19937_64 r(seed);
  Key k{};
  for (auto& b : k) b = static_cast<uint8_t>(r());
  clamp_private_key(k);
  return k;
}

inline Key public_of(const Key& priv) {
  Key pub{};
  crypto::x25519_public(pub, priv);
  return pub;
}

struct Sent {
  Time at;
  size_t from_node;
  Endpoint src;
  Endpoint to;
  std::vector<uint8_t> bytes;
  uint8_t type() const { return bytes.empty() ? 0 : bytes[0]; }
};

class Sim;

class NodeSink : public DeviceSink {
 public:
  NodeSink(Sim* sim, size_t node) : sim_(sim), node_(node) {}
  void send_datagram(const Endpoint& to, std::span<const uint8_t> datagram) override;
  void deliver_ip(std::span<const uint8_t> ip_packet) override {
    delivered.emplace_back(ip_packet.begin(), ip_packet.end());
  }
  void on_event(const Event& ev) override { events.push_back(ev); }

  std::vector<std::vector<uint8_t>> delivered;
  std::vector<Event> events;

 private:
  Sim* sim_;
  size_t node_;
};

struct Node {
  Key private_key{};
  Key public_key{};
  Endpoint v4;  // outer addresses (198.18.0.0/15 and a ULA; nothing leaves the process)
  Endpoint v6;
  IpAddress inner4;
  IpAddress inner6;
  std::unique_ptr<FakeEnv> env;
  std::unique_ptr<NodeSink> sink;
  std::unique_ptr<Device> dev;
  uint64_t wakeups = 0;  // on_deadline calls
  DeviceImpl& impl() { return static_cast<DeviceImpl&>(*dev); }
  size_t count_events(EventKind k) const {
    return static_cast<size_t>(std::count_if(sink->events.begin(), sink->events.end(),
                                             [&](const Event& e) { return e.kind == k; }));
  }
  bool saw_drop(const std::string& reason) const {
    return std::any_of(sink->events.begin(), sink->events.end(), [&](const Event& e) {
      return e.kind == EventKind::kPacketDropped && e.detail == reason;
    });
  }
};

inline IpAddress v6addr(uint8_t prefix_hi, uint8_t last) {
  std::array<uint8_t, 16> b{};
  b[0] = 0xfd;
  b[1] = prefix_hi;
  b[15] = last;
  return IpAddress::from_bytes(b);
}

// An IPv4 packet (header + payload of `len` bytes of 0xab) from src to dst.
inline std::vector<uint8_t> ipv4_packet(const IpAddress& src, const IpAddress& dst, size_t len) {
  std::vector<uint8_t> p(20 + len, 0xab);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<uint8_t>((20 + len) >> 8);
  p[3] = static_cast<uint8_t>(20 + len);
  p[8] = 64;
  p[9] = 17;
  std::copy(src.bytes.begin(), src.bytes.begin() + 4, p.begin() + 12);
  std::copy(dst.bytes.begin(), dst.bytes.begin() + 4, p.begin() + 16);
  return p;
}

inline std::vector<uint8_t> ipv6_packet(const IpAddress& src, const IpAddress& dst, size_t len) {
  std::vector<uint8_t> p(40 + len, 0xcd);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  p[4] = static_cast<uint8_t>(len >> 8);
  p[5] = static_cast<uint8_t>(len);
  p[6] = 17;
  p[7] = 64;
  std::copy(src.bytes.begin(), src.bytes.end(), p.begin() + 8);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p.begin() + 24);
  return p;
}

class Sim {
 public:
  // `n` nodes, each a peer of every other with its inner /32 and /128 and its outer v4 endpoint.
  explicit Sim(size_t n = 2, uint64_t seed = 1) : seed_(seed), rng_(seed * 7919 + 13) {
    for (size_t i = 0; i < n; ++i) {
      Node node;
      node.private_key = key_from_seed(seed * 1000 + i);
      node.public_key = public_of(node.private_key);
      const auto host = static_cast<uint8_t>(i + 1);
      node.v4 = Endpoint{IpAddress::v4(198, 18, 0, host), 51820};
      node.v6 = Endpoint{v6addr(0x18, host), 51820};
      node.inner4 = IpAddress::v4(10, 0, 0, host);
      node.inner6 = v6addr(0x00, host);
      node.env = std::make_unique<FakeEnv>(seed * 31 + i, &now);
      nodes.push_back(std::move(node));
    }
    for (size_t i = 0; i < n; ++i) nodes[i].sink = std::make_unique<NodeSink>(this, i);
  }

  // The default config of node i (peers: every other node). Tests may edit before create().
  DeviceConfig config(size_t i, bool v6_endpoints = false) const {
    DeviceConfig c;
    c.private_key = nodes[i].private_key;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (j == i) continue;
      DeviceConfig::Peer p;
      p.public_key = nodes[j].public_key;
      p.endpoints = {v6_endpoints ? nodes[j].v6 : nodes[j].v4};
      p.allowed_ips = {IpPrefix{nodes[j].inner4, 32}, IpPrefix{nodes[j].inner6, 128}};
      c.peers.push_back(p);
    }
    return c;
  }

  void create(size_t i, const DeviceConfig& c) {
    std::string err;
    nodes[i].dev = Device::create(c, *nodes[i].env, &err);
    ASSERT_TRUE(nodes[i].dev) << err;
  }
  void create_all(bool v6_endpoints = false) {
    for (size_t i = 0; i < nodes.size(); ++i) create(i, config(i, v6_endpoints));
  }

  // Index of node j in node i's peer list (the default config's order).
  static PeerIndex peer_of(size_t i, size_t j) { return static_cast<PeerIndex>(j < i ? j : j - 1); }

  void start(size_t i) { nodes[i].dev->start(now, *nodes[i].sink); }

  void send_ip(size_t from, size_t to, size_t len = 100, bool v6 = false) {
    auto p = v6 ? ipv6_packet(nodes[from].inner6, nodes[to].inner6, len)
                : ipv4_packet(nodes[from].inner4, nodes[to].inner4, len);
    nodes[from].dev->send_ip(p, now, *nodes[from].sink);
  }

  // Delivers a datagram to node i as if it came from `from` (bypassing the link).
  void inject(size_t i, std::vector<uint8_t> bytes, const Endpoint& from) {
    nodes[i].dev->receive_datagram(bytes, from, now, *nodes[i].sink);
  }

  // Advances simulated time, delivering datagrams and firing deadlines in order.
  void run_until(Time t) {
    for (uint64_t guard = 0;; ++guard) {
      ASSERT_LT(guard, 50'000'000u) << "simulation does not converge";
      Time next = Time::max();
      if (!inflight_.empty()) next = inflight_.top().at;
      size_t timer_node = SIZE_MAX;
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (!nodes[i].dev) continue;
        const Time d = nodes[i].dev->next_deadline();
        if (d < next) {
          next = d;
          timer_node = i;
        }
      }
      if (next > t) break;
      now = std::max(now, next);
      if (timer_node != SIZE_MAX) {
        ++nodes[timer_node].wakeups;
        nodes[timer_node].dev->on_deadline(now, *nodes[timer_node].sink);
        continue;
      }
      Flight f = inflight_.top();
      inflight_.pop();
      deliver(f);
    }
    now = std::max(now, t);
  }
  void run_for(Time d) { run_until(now + d); }
  // Suspend: protocol time (CLOCK_BOOTTIME) moves on while nothing runs.
  void jump(Time d) { now += d; }

  // Sent datagrams of a type, optionally only from one node.
  std::vector<const Sent*> sent_of(uint8_t type, size_t from = SIZE_MAX) const {
    std::vector<const Sent*> out;
    for (const auto& s : log)
      if (s.type() == type && (from == SIZE_MAX || s.from_node == from)) out.push_back(&s);
    return out;
  }
  size_t count(uint8_t type, size_t from = SIZE_MAX, Time since = Time::min()) const {
    size_t n = 0;
    for (const auto& s : log)
      if (s.type() == type && (from == SIZE_MAX || s.from_node == from) && s.at >= since) ++n;
    return n;
  }
  size_t keepalives(size_t from, Time since = Time::min()) const {
    size_t n = 0;
    for (const auto& s : log)
      if (s.type() == MESSAGE_DATA && s.bytes.size() == MESSAGE_KEEPALIVE_LEN &&
          s.from_node == from && s.at >= since)
        ++n;
    return n;
  }

  void on_send(size_t from, const Endpoint& to, std::span<const uint8_t> bytes) {
    Sent s{now, from, to.ip.is_v6() ? nodes[from].v6 : nodes[from].v4, to,
           std::vector<uint8_t>(bytes.begin(), bytes.end())};
    log.push_back(s);
    if (cut || (drop_if && drop_if(s))) return;
    Time at = now + delay;
    if (reorder_jitter.count() > 0) {
      at += Time(static_cast<int64_t>(rng_() % static_cast<uint64_t>(reorder_jitter.count())));
    }
    inflight_.push(Flight{at, seq_++, s});
    if (duplicate) inflight_.push(Flight{at + 1ms, seq_++, s});
  }

  Time now{0};
  std::vector<Node> nodes;
  std::vector<Sent> log;
  bool cut = false;
  bool duplicate = false;
  Time delay = 10ms;
  Time reorder_jitter{0};
  std::function<bool(const Sent&)> drop_if;  // returns true to drop a datagram on the link

 private:
  struct Flight {
    Time at;
    uint64_t seq;
    Sent s;
    bool operator>(const Flight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void deliver(Flight& f) {
    for (auto& node : nodes) {
      if (!node.dev || (node.v4 != f.s.to && node.v6 != f.s.to)) continue;
      node.dev->receive_datagram(f.s.bytes, f.s.src, now, *node.sink);
      return;
    }
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
  std::priority_queue<Flight, std::vector<Flight>, std::greater<Flight>> inflight_;
};

inline void NodeSink::send_datagram(const Endpoint& to, std::span<const uint8_t> datagram) {
  sim_->on_send(node_, to, datagram);
}

}  // namespace wgnet::core::sim
