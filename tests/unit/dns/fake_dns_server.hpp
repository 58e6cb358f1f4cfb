// A small authoritative DNS server for tests, on 127.0.0.1 (UDP and TCP, kernel-chosen ports),
// answering from a zone of RR strings in its own thread. It can misbehave on command: bad
// replies (carrying a poisoned address) before the real one, silence, a forced RCODE, a
// case-changed question. Replies over UDP larger than 512 bytes (or the EDNS size asked for)
// are truncated (TC=1), as a real server does; TCP gets the whole answer.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dns/ldns_handles.hpp"
#include "wgnet/fd.hpp"

namespace wgnet::dns::test {

// The addresses bad replies carry: a resolver that accepts one returns it.
inline constexpr const char* POISON_V4 = "198.51.100.66";
inline constexpr const char* POISON_V6 = "2001:db8::bad";

enum class BadReply {
  kWrongId,
  kNotAResponse,  // QR=0
  kTwoQuestions,
  kWrongQname,
  kWrongQtype,
  kWrongQclass,
  kFromOtherPort,  // right in every field, but sent from another socket
  kGarbage,        // right ID, then bytes that do not parse
};

class FakeDnsServer {
 public:
  struct Seen {
    uint16_t id = 0;
    std::string qname;  // presentation form, as received
    uint16_t qtype = 0;
    bool tcp = false;
    uint16_t edns_size = 0;  // 0 without an OPT record
  };

  FakeDnsServer();
  ~FakeDnsServer();
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  uint16_t udp_port() const { return udp_port_; }
  uint16_t tcp_port() const { return tcp_port_; }

  // Adds a record in zone-file syntax: "www.example.com. 300 IN A 192.0.2.1".
  void add(const std::string& rr_text);

  void set_bad_replies_first(std::vector<BadReply> bad);  // for every UDP query
  void set_silent(bool silent);                           // no reply at all over UDP
  void set_real_reply(bool send);                         // false: only the bad replies
  void set_case_flip(bool flip);                          // echo the qname with case swapped
  // Answers with `rcode` (e.g. 2 = SERVFAIL) instead, for queries of `only_qtype` (0: all).
  void set_rcode(std::optional<uint8_t> rcode, uint16_t only_qtype = 0);

  std::vector<Seen> seen() const;

 private:
  void run();
  void handle_udp();
  void handle_tcp();
  // The reply to `query` (nullptr when the query does not parse), plus its wire form.
  std::vector<uint8_t> answer(const ldns_pkt& query, bool tcp);
  std::vector<uint8_t> bad_reply(const ldns_pkt& query, BadReply kind);
  PktPtr reply_skeleton(const ldns_pkt& query, bool flip_case);
  void add_answer(ldns_pkt& reply, const ldns_rdf& qname, uint16_t qtype, bool& exists);

  Fd udp_;
  Fd udp_other_;  // the wrong source for kFromOtherPort
  Fd tcp_;
  Fd wake_;  // eventfd that stops the thread
  uint16_t udp_port_ = 0;
  uint16_t tcp_port_ = 0;

  mutable std::mutex mu_;
  std::vector<RrPtr> zone_;
  std::vector<BadReply> bad_first_;
  bool silent_ = false;
  bool real_reply_ = true;
  bool case_flip_ = false;
  std::optional<uint8_t> rcode_;
  uint16_t rcode_qtype_ = 0;
  std::vector<Seen> seen_;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wgnet::dns::test
