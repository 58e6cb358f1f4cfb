#include "dns/fake_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace wgnet::dns::test {
namespace {

constexpr size_t PLAIN_UDP_LIMIT = 512;  // RFC 1035 without EDNS
constexpr int MAX_CHAIN = 8;

Fd bound_socket(int type, uint16_t& port) {
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    throw std::runtime_error("fake DNS server: cannot bind on 127.0.0.1");
  }
  port = ntohs(sa.sin_port);
  return fd;
}

std::vector<uint8_t> to_wire(const ldns_pkt& pkt) {
  uint8_t* raw = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&raw, &pkt, &size) != LDNS_STATUS_OK) {
    throw std::runtime_error("fake DNS server: cannot encode a reply");
  }
  WirePtr owned(raw);
  return {raw, raw + size};
}

std::string name_text(const ldns_rdf* name) {
  CStrPtr text(ldns_rdf2str(name));
  return text ? text.get() : "";
}

bool same_name(const ldns_rdf* a, const ldns_rdf* b) {
  return ldns_dname_compare(a, b) == 0;
}

RrPtr rr_from(const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
    throw std::runtime_error("fake DNS server: bad record '" + text + "'");
  }
  return RrPtr(rr);
}

void set_owner(ldns_rr& rr, const std::string& name) {
  ldns_rdf* old = ldns_rr_owner(&rr);
  ldns_rr_set_owner(&rr, ldns_dname_new_frm_str(name.c_str()));
  ldns_rdf_deep_free(old);
}

const ldns_rr* question_of(const ldns_pkt& pkt) {
  const ldns_rr_list* q = ldns_pkt_question(&pkt);
  return q && ldns_rr_list_rr_count(q) == 1 ? ldns_rr_list_rr(q, 0) : nullptr;
}

// Reads exactly buf.size() bytes from a stream, giving up after one second of silence.
bool read_exact(int fd, uint8_t* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 1000) <= 0) return false;
    ssize_t r = ::recv(fd, buf + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

FakeDnsServer::FakeDnsServer() {
  udp_ = bound_socket(SOCK_DGRAM, udp_port_);
  uint16_t other_port = 0;
  udp_other_ = bound_socket(SOCK_DGRAM, other_port);
  tcp_ = bound_socket(SOCK_STREAM, tcp_port_);
  if (::listen(tcp_.get(), 8) != 0) throw std::runtime_error("fake DNS server: listen failed");
  wake_.reset(::eventfd(0, EFD_CLOEXEC));
  thread_ = std::thread([this] { run(); });
}

FakeDnsServer::~FakeDnsServer() {
  stop_ = true;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
  thread_.join();
}

void FakeDnsServer::add(const std::string& rr_text) {
  RrPtr rr = rr_from(rr_text);
  std::lock_guard lock(mu_);
  zone_.push_back(std::move(rr));
}

void FakeDnsServer::set_bad_replies_first(std::vector<BadReply> bad) {
  std::lock_guard lock(mu_);
  bad_first_ = std::move(bad);
}

void FakeDnsServer::set_silent(bool silent) {
  std::lock_guard lock(mu_);
  silent_ = silent;
}

void FakeDnsServer::set_real_reply(bool send) {
  std::lock_guard lock(mu_);
  real_reply_ = send;
}

void FakeDnsServer::set_case_flip(bool flip) {
  std::lock_guard lock(mu_);
  case_flip_ = flip;
}

void FakeDnsServer::set_rcode(std::optional<uint8_t> rcode, uint16_t only_qtype) {
  std::lock_guard lock(mu_);
  rcode_ = rcode;
  rcode_qtype_ = only_qtype;
}

std::vector<FakeDnsServer::Seen> FakeDnsServer::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void FakeDnsServer::run() {
  while (!stop_) {
    pollfd fds[3] = {{udp_.get(), POLLIN, 0}, {tcp_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 3, 500) <= 0) continue;
    if (fds[2].revents) break;
    if (fds[0].revents & POLLIN) handle_udp();
    if (fds[1].revents & POLLIN) handle_tcp();
  }
}

namespace {

PktPtr parse_query(const uint8_t* data, size_t len, FakeDnsServer::Seen& seen) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, len) != LDNS_STATUS_OK) return nullptr;
  PktPtr pkt(raw);
  const ldns_rr* q = question_of(*pkt);
  if (!q) return nullptr;
  seen.id = ldns_pkt_id(pkt.get());
  seen.qname = name_text(ldns_rr_owner(q));
  seen.qtype = static_cast<uint16_t>(ldns_rr_get_type(q));
  seen.edns_size = ldns_pkt_edns_udp_size(pkt.get());
  return pkt;
}

}  // namespace

void FakeDnsServer::handle_udp() {
  uint8_t buf[65536];
  sockaddr_in from{};
  socklen_t from_len = sizeof from;
  ssize_t n = ::recvfrom(udp_.get(), buf, sizeof buf, MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&from), &from_len);
  if (n <= 0) return;
  Seen seen;
  PktPtr query = parse_query(buf, static_cast<size_t>(n), seen);
  if (!query) return;
  std::vector<BadReply> bad;
  bool silent = false;
  bool real_reply = true;
  {
    std::lock_guard lock(mu_);
    seen_.push_back(seen);
    bad = bad_first_;
    silent = silent_;
    real_reply = real_reply_;
  }
  if (silent) return;
  auto send = [&](const Fd& via, const std::vector<uint8_t>& wire) {
    ::sendto(via.get(), wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
  };
  for (BadReply kind : bad) {
    send(kind == BadReply::kFromOtherPort ? udp_other_ : udp_, bad_reply(*query, kind));
  }
  if (real_reply) send(udp_, answer(*query, false));
}

void FakeDnsServer::handle_tcp() {
  Fd conn(::accept4(tcp_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return;
  uint8_t len_bytes[2];
  if (!read_exact(conn.get(), len_bytes, 2)) return;
  std::vector<uint8_t> msg(static_cast<size_t>(len_bytes[0] << 8 | len_bytes[1]));
  if (!read_exact(conn.get(), msg.data(), msg.size())) return;
  Seen seen;
  seen.tcp = true;
  PktPtr query = parse_query(msg.data(), msg.size(), seen);
  if (!query) return;
  {
    std::lock_guard lock(mu_);
    seen_.push_back(seen);
  }
  std::vector<uint8_t> wire = answer(*query, true);
  std::vector<uint8_t> framed = {static_cast<uint8_t>(wire.size() >> 8),
                                 static_cast<uint8_t>(wire.size() & 0xff)};
  framed.insert(framed.end(), wire.begin(), wire.end());
  ::send(conn.get(), framed.data(), framed.size(), MSG_NOSIGNAL);
}

PktPtr FakeDnsServer::reply_skeleton(const ldns_pkt& query, bool flip_case) {
  PktPtr reply(ldns_pkt_new());
  ldns_pkt_set_id(reply.get(), ldns_pkt_id(&query));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_aa(reply.get(), true);
  ldns_pkt_set_rd(reply.get(), ldns_pkt_rd(&query));
  ldns_pkt_set_opcode(reply.get(), LDNS_PACKET_QUERY);
  RrPtr question(ldns_rr_clone(question_of(query)));
  if (flip_case) {
    std::string name = name_text(ldns_rr_owner(question.get()));
    for (char& c : name) {
      c = std::isupper(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c))
                                                      : static_cast<char>(std::toupper(c));
    }
    set_owner(*question, name);
  }
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, question.release());
  return reply;
}

// Authoritative answer from the zone, following CNAMEs inside it.
void FakeDnsServer::add_answer(ldns_pkt& reply, const ldns_rdf& qname, uint16_t qtype,
                               bool& exists) {
  exists = std::any_of(zone_.begin(), zone_.end(),
                       [&](const RrPtr& rr) { return same_name(ldns_rr_owner(rr.get()), &qname); });
  const ldns_rdf* current = &qname;
  for (int link = 0; link < MAX_CHAIN; ++link) {
    bool matched = false;
    const ldns_rr* alias = nullptr;
    for (const RrPtr& rr : zone_) {
      if (!same_name(ldns_rr_owner(rr.get()), current)) continue;
      if (ldns_rr_get_type(rr.get()) == qtype) {
        ldns_pkt_push_rr(&reply, LDNS_SECTION_ANSWER, ldns_rr_clone(rr.get()));
        matched = true;
      } else if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_CNAME) {
        alias = rr.get();
      }
    }
    if (matched || !alias) return;
    ldns_pkt_push_rr(&reply, LDNS_SECTION_ANSWER, ldns_rr_clone(alias));
    current = ldns_rr_rdf(alias, 0);
  }
}

std::vector<uint8_t> FakeDnsServer::answer(const ldns_pkt& query, bool tcp) {
  std::lock_guard lock(mu_);
  const ldns_rr* q = question_of(query);
  PktPtr reply = reply_skeleton(query, case_flip_);
  bool exists = false;
  add_answer(*reply, *ldns_rr_owner(q), static_cast<uint16_t>(ldns_rr_get_type(q)), exists);
  uint8_t rcode =
      ldns_pkt_ancount(reply.get()) > 0 || exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN;
  if (rcode_ && (rcode_qtype_ == 0 || rcode_qtype_ == ldns_rr_get_type(q))) {
    reply = reply_skeleton(query, case_flip_);
    rcode = *rcode_;
  }
  ldns_pkt_set_rcode(reply.get(), rcode);
  std::vector<uint8_t> wire = to_wire(*reply);
  size_t limit = std::max<size_t>(PLAIN_UDP_LIMIT, ldns_pkt_edns_udp_size(&query));
  if (!tcp && wire.size() > limit) {
    PktPtr truncated = reply_skeleton(query, case_flip_);
    ldns_pkt_set_tc(truncated.get(), true);
    wire = to_wire(*truncated);
  }
  return wire;
}

std::vector<uint8_t> FakeDnsServer::bad_reply(const ldns_pkt& query, BadReply kind) {
  PktPtr reply = reply_skeleton(query, false);
  const ldns_rr* q = question_of(query);
  std::string qname = name_text(ldns_rr_owner(q));
  uint16_t qtype = static_cast<uint16_t>(ldns_rr_get_type(q));
  std::string poison = qtype == LDNS_RR_TYPE_AAAA ? std::string("AAAA ") + POISON_V6
                       : qtype == LDNS_RR_TYPE_A  ? std::string("A ") + POISON_V4
                                                  : std::string("TXT \"poison\"");
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr_from(qname + " 60 IN " + poison).release());
  ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0);
  switch (kind) {
    case BadReply::kWrongId:
      ldns_pkt_set_id(reply.get(), static_cast<uint16_t>(ldns_pkt_id(&query) + 1));
      break;
    case BadReply::kNotAResponse:
      ldns_pkt_set_qr(reply.get(), false);
      break;
    case BadReply::kTwoQuestions:
      ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(question));
      break;
    case BadReply::kWrongQname:
      set_owner(*question, "poison." + qname);
      break;
    case BadReply::kWrongQtype:
      ldns_rr_set_type(question, qtype == LDNS_RR_TYPE_TXT ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_TXT);
      break;
    case BadReply::kWrongQclass:
      ldns_rr_set_class(question, LDNS_RR_CLASS_CH);
      break;
    case BadReply::kFromOtherPort:
      break;
    case BadReply::kGarbage: {
      std::vector<uint8_t> wire = to_wire(*reply);
      wire.resize(12);
      wire.insert(wire.end(), {0xc0, 0x0c, 0xc0, 0x0c, 0xff});  // a pointer loop, cut short
      return wire;
    }
  }
  return to_wire(*reply);
}

}  // namespace wgnet::dns::test
