// The Device implementation, split over device.cpp (configuration, public API),
// device_receive.cpp (datagrams in), device_send.cpp (packets and handshakes out) and
// device_timers.cpp (deadline expiry). Tests include this header for their hooks.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/allowed_ips.hpp"
#include "core/cookie.hpp"
#include "core/device.hpp"
#include "core/handshake_load.hpp"
#include "core/noise.hpp"
#include "core/peer.hpp"
#include "core/ratelimiter.hpp"
#include "core/tai64n.hpp"

namespace wgnet::core {

class DeviceImpl final : public Device {
 public:
  explicit DeviceImpl(Environment& env);
  ~DeviceImpl() override;

  bool configure(const DeviceConfig& config, std::string* error);

  void start(Time now, DeviceSink& sink) override;
  void receive_datagram(std::span<uint8_t> datagram, const Endpoint& from, Time now,
                        DeviceSink& sink) override;
  void send_ip(std::span<const uint8_t> ip_packet, Time now, DeviceSink& sink) override;
  Time next_deadline() const override;
  void on_deadline(Time now, DeviceSink& sink) override;
  void set_endpoints(PeerIndex peer, std::vector<Endpoint> endpoints) override;
  std::vector<PeerStatus> peers() const override;
  void set_private_key(const Key32& private_key, Time now, DeviceSink& sink) override;

  // ---- test hooks ----
  void force_under_load(bool on) { load_.force(on); }
  bool under_load(Time now) const { return load_.under_load(now); }
  size_t index_table_size() const { return index_.size(); }
  Peer& peer(PeerIndex i) { return *peers_.at(i); }
  const StaticIdentity& identity() const { return identity_; }

 private:
  struct IndexEntry {
    PeerIndex peer;
    bool is_keypair;
  };

  // device.cpp
  Peer* peer_by_static(const Key& remote_static);
  uint32_t register_index(PeerIndex peer, bool is_keypair);
  void unregister_handshake_index(Peer& peer);
  Keypairs::OnDiscard keypair_discarder();
  Key new_ephemeral();
  Time jitter();
  RandomFn random_fn();
  void emit(DeviceSink& sink, EventKind kind, const Peer* peer, std::string detail);
  void drop(DeviceSink& sink, const Peer* peer, const char* reason);
  void set_endpoint(Peer& peer, const Endpoint& from, DeviceSink& sink);
  void install_session(Peer& peer, Time now);
  std::unique_ptr<Keypair> derive_keypair(Handshake& hs, Time now);

  // device_receive.cpp
  bool handshake_precheck(std::span<const uint8_t> msg, uint32_t sender_index,
                          const Endpoint& from, Time now, DeviceSink& sink);
  void receive_initiation(std::span<uint8_t> d, const Endpoint& from, Time now, DeviceSink& sink);
  void receive_response(std::span<uint8_t> d, const Endpoint& from, Time now, DeviceSink& sink);
  void receive_cookie(std::span<uint8_t> d, Time now, DeviceSink& sink);
  void receive_data(std::span<uint8_t> d, const Endpoint& from, Time now, DeviceSink& sink);
  void deliver_inner(Peer& peer, std::span<uint8_t> plain, Time now, DeviceSink& sink);

  // device_send.cpp
  void send_initiation(Peer& peer, Time now, DeviceSink& sink, bool is_retry);
  void do_send_initiation(Peer& peer, Time now, DeviceSink& sink);
  void resend_initiation(Peer& peer, Time now, DeviceSink& sink);
  void send_keepalive(Peer& peer, Time now, DeviceSink& sink);
  void send_staged(Peer& peer, Time now, DeviceSink& sink);
  bool encrypt_and_send(Peer& peer, Keypair& kp, std::span<const uint8_t> packet, Time now,
                        DeviceSink& sink);
  void keep_key_fresh_send(Peer& peer, Time now, DeviceSink& sink);
  void keep_key_fresh_receive(Peer& peer, Time now, DeviceSink& sink);
  void send_to_peer(Peer& peer, std::span<const uint8_t> datagram, DeviceSink& sink);

  // device_in_flight.cpp
  struct InFlight {
    Handshake* handshake;
    Time sent_at;
    bool newest;    // peer.handshake itself, not a superseded one
    bool outdated;  // a newer initiation's response already made the session
  };
  void supersede_initiation(Peer& peer, Time now);
  void prune_superseded(Peer& peer, Time now);
  std::optional<InFlight> find_in_flight(Peer& peer, uint32_t index);
  void forget_older_initiations(Peer& peer, Time sent_at);
  std::optional<Time> newest_in_flight_after(const Peer& peer, Time sent_at, Time now) const;
  void forget_initiations_in_flight(Peer& peer);
  void discard_held_session(Peer& peer);
  void response_consumed(Peer& peer, const InFlight& in_flight, Time now, DeviceSink& sink);
  void complete_as_initiator(Peer& peer, std::unique_ptr<Keypair> kp, Time now, DeviceSink& sink);
  void expired_settle_session(Peer& peer, Time now, DeviceSink& sink);

  // device_timers.cpp
  void expired_retransmit_handshake(Peer& peer, Time now, DeviceSink& sink);
  void expired_send_keepalive(Peer& peer, Time now, DeviceSink& sink);
  void expired_new_handshake(Peer& peer, Time now, DeviceSink& sink);
  void expired_zero_key_material(Peer& peer, Time now, DeviceSink& sink);
  void expired_send_persistent_keepalive(Peer& peer, Time now, DeviceSink& sink);
  void expired_startup_retry(Peer& peer, Time now, DeviceSink& sink);
  void expired_settle_handshake(Peer& peer, Time now, DeviceSink& sink);

  Environment& env_;
  StaticIdentity identity_;
  uint16_t mtu_ = 1420;
  uint64_t jitter_state_ = 0;
  Time last_now_{0};  // the latest `now` any call brought
  CookieChecker cookie_checker_;
  Ratelimiter ratelimiter_;
  HandshakeLoad load_;
  Tai64nClock clock_;
  AllowedIps allowed_ips_;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::map<Key, PeerIndex> peer_by_key_;
  std::unordered_map<uint32_t, IndexEntry> index_;  // filled at handshake time only
  std::vector<uint8_t> scratch_;                    // reused for every outgoing data packet
};

}  // namespace wgnet::core
