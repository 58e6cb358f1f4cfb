#include "dig_format.hpp"

#include <ldns/ldns.h>

#include <cctype>
#include <cstdio>
#include <memory>

#include "dig_names.hpp"

#ifndef WGNET_DIG_VERSION
#define WGNET_DIG_VERSION "0"
#endif

namespace wgnet::dig {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;

struct Header {
  uint16_t id = 0;
  uint8_t flags_hi = 0;
  uint8_t flags_lo = 0;
  uint16_t counts[4] = {};
  unsigned opcode() const { return (flags_hi >> 3) & 0xf; }
  unsigned rcode() const { return flags_lo & 0xf; }
};

Header read_header(std::span<const uint8_t> w) {
  Header h;
  h.id = static_cast<uint16_t>(w[0] << 8 | w[1]);
  h.flags_hi = w[2];
  h.flags_lo = w[3];
  for (int i = 0; i < 4; ++i) h.counts[i] = static_cast<uint16_t>(w[4 + 2 * i] << 8 | w[5 + 2 * i]);
  return h;
}

std::string opcode_name(unsigned opcode) {
  static const char* const kNames[] = {"QUERY",     "IQUERY", "STATUS",
                                       "RESERVED3", "NOTIFY", "UPDATE"};
  if (opcode < 6) return kNames[opcode];
  return "RESERVED" + std::to_string(opcode);
}

std::string status_name(unsigned rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode < 11) return kNames[rcode];
  if (rcode < 16) return "RESERVED" + std::to_string(rcode);
  if (rcode == 16) return "BADVERS";
  return std::to_string(rcode);
}

// BIND's indent: tabs up to the column when short of it, one space when already there or past.
void indent_to(std::string& line, size_t& column, size_t target) {
  if (column >= target) {
    line += ' ';
    ++column;
    return;
  }
  while (column < target) {
    line += '\t';
    column = (column / 8 + 1) * 8;
  }
}

std::string owned(char* text) {
  std::string s = text ? text : "";
  free(text);
  return s;
}

// dig writes the key, signature and digest that end some records in chunks of 56 characters
// (digests in upper-case hex); ldns writes them in one piece. How many fields come first:
struct BlobLayout {
  uint16_t type;
  int leading_fields;
  bool hex;
};
constexpr BlobLayout kBlobLayouts[] = {
    {24, 8, false},  // SIG
    {25, 3, false},  // KEY
    {43, 3, true},   // DS
    {44, 2, true},   // SSHFP
    {46, 8, false},  // RRSIG
    {48, 3, false},  // DNSKEY
    {52, 3, true},   // TLSA
    {53, 3, true},   // SMIMEA
    {59, 3, true},   // CDS
    {60, 3, false},  // CDNSKEY
    {61, 0, false},  // OPENPGPKEY
};
constexpr size_t kBlobChunk = 56;

std::string split_blob(uint16_t type, const std::string& rdata) {
  const BlobLayout* layout = nullptr;
  for (const auto& l : kBlobLayouts) {
    if (l.type == type) layout = &l;
  }
  if (!layout || rdata.rfind("\\# ", 0) == 0) return rdata;
  size_t pos = 0;
  for (int i = 0; i < layout->leading_fields; ++i) {
    pos = rdata.find(' ', pos);
    if (pos == std::string::npos) return rdata;
    ++pos;
  }
  std::string blob;
  for (char c : rdata.substr(pos)) {
    if (c != ' ')
      blob += layout->hex ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
  }
  std::string out = rdata.substr(0, pos);
  for (size_t i = 0; i < blob.size(); i += kBlobChunk) {
    if (i > 0) out += ' ';
    out += blob.substr(i, kBlobChunk);
  }
  return out;
}

// Where ldns's text differs from dig's: dig escapes every control character inside strings
// (ldns leaves a tab as it is) and writes unknown-type data (RFC 3597 "\\# len hex") in upper case.
std::string dig_style_rdata(const std::string& text) {
  std::string out;
  bool unknown = text.rfind("\\# ", 0) == 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", u);
      out += buf;
    } else {
      out += unknown ? static_cast<char>(std::toupper(u)) : c;
    }
  }
  return out;
}

// The data part of ldns's zone-file line for the record (after owner, TTL, class and type).
std::string rdata_text(const ldns_rr* rr) {
  std::string line = owned(ldns_rr2str_fmt(ldns_output_format_nocomments, rr));
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = line.find('\t', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return split_blob(ldns_rr_get_type(rr), dig_style_rdata(line.substr(pos)));
}

std::string record_line(const ldns_rr* rr) {
  return format_record_fields(owned(ldns_rdf2str(ldns_rr_owner(rr))),
                              std::to_string(ldns_rr_ttl(rr)), class_name(ldns_rr_get_class(rr)),
                              type_name(ldns_rr_get_type(rr)), rdata_text(rr));
}

std::string question_line(const ldns_rr* rr) {
  // dig measures the columns without the ';' and skips the TTL column.
  std::string line = owned(ldns_rdf2str(ldns_rr_owner(rr)));
  size_t column = line.size();
  std::string klass = class_name(ldns_rr_get_class(rr));
  indent_to(line, column, 32);
  line += klass;
  column += klass.size();
  indent_to(line, column, 40);
  return ";" + line + type_name(ldns_rr_get_type(rr));
}

std::string hex(std::span<const uint8_t> bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 0xf];
  }
  return s;
}

// ";; OPT PSEUDOSECTION:" with the EDNS version, flags, UDP size and options.
std::string opt_section(const ldns_pkt* pkt) {
  std::string out =
      ";; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(ldns_pkt_edns_version(pkt)) +
      ", flags:";
  if (ldns_pkt_edns_do(pkt)) out += " do";
  out += "; udp: " + std::to_string(ldns_pkt_edns_udp_size(pkt)) + "\n";
  const ldns_rdf* data = ldns_pkt_edns_data(pkt);
  if (!data) return out;
  std::span<const uint8_t> opts(ldns_rdf_data(data), ldns_rdf_size(data));
  while (opts.size() >= 4) {
    unsigned code = opts[0] << 8 | opts[1];
    size_t len = std::min<size_t>(opts[2] << 8 | opts[3], opts.size() - 4);
    auto value = opts.subspan(4, len);
    if (code == 10) {
      out += "; COOKIE: " + hex(value, false) + "\n";
    } else {
      out += "; " + std::string(code == 3 ? "NSID" : "OPT=" + std::to_string(code)) + ": " +
             hex(value, true) + "\n";
    }
    opts = opts.subspan(4 + len);
  }
  return out;
}

void append_section(std::string& out, const char* title, const ldns_rr_list* list, bool question,
                    const QuerySettings& s) {
  if (!list || ldns_rr_list_rr_count(list) == 0) return;
  if (s.comments) out += std::string(";; ") + title + " SECTION:\n";
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    out += (question ? question_line(rr) : record_line(rr)) + "\n";
  }
  if (s.comments) out += "\n";
}

std::string header_block(const Header& h, const ldns_pkt* pkt) {
  std::string out =
      ";; ->>HEADER<<- opcode: " + opcode_name(h.opcode()) + ", status: " +
      status_name(ldns_pkt_edns(pkt) ? (ldns_pkt_edns_extended_rcode(pkt) << 4 | h.rcode())
                                     : h.rcode()) +
      ", id: " + std::to_string(h.id) + "\n;; flags:";
  struct Flag {
    const char* name;
    uint8_t mask;
    bool hi;
  };
  static constexpr Flag kFlags[] = {{"qr", 0x80, true}, {"aa", 0x04, true},  {"tc", 0x02, true},
                                    {"rd", 0x01, true}, {"ra", 0x80, false}, {"ad", 0x20, false},
                                    {"cd", 0x10, false}};
  for (const auto& f : kFlags) {
    if ((f.hi ? h.flags_hi : h.flags_lo) & f.mask) out += std::string(" ") + f.name;
  }
  out += "; QUERY: " + std::to_string(h.counts[0]) + ", ANSWER: " + std::to_string(h.counts[1]) +
         ", AUTHORITY: " + std::to_string(h.counts[2]) +
         ", ADDITIONAL: " + std::to_string(h.counts[3]) + "\n";
  if ((h.flags_hi & 0x01) && !(h.flags_lo & 0x80)) {
    out += ";; WARNING: recursion requested but not available\n";
  }
  return out + "\n";
}

std::string stats_block(const ReplyInfo& r) {
  char when[128] = "";
  std::tm tm{};
  localtime_r(&r.when, &tm);
  std::strftime(when, sizeof when, "%a %b %d %H:%M:%S %Z %Y", &tm);
  std::string address = r.server_address;
  return ";; Query time: " + std::to_string(r.rtt.count() / 1000) + " msec\n;; SERVER: " + address +
         "#" + std::to_string(r.port) + "(" + r.server_label + ") (" + (r.via_tcp ? "TCP" : "UDP") +
         ")\n;; WHEN: " + when + "\n;; MSG SIZE  rcvd: " + std::to_string(r.wire.size()) + "\n\n";
}

}  // namespace

std::string format_record_fields(const std::string& owner, const std::string& ttl,
                                 const std::string& klass, const std::string& type,
                                 const std::string& rdata) {
  std::string line = owner;
  size_t column = owner.size();
  indent_to(line, column, 24);
  line += ttl;
  column += ttl.size();
  indent_to(line, column, 32);
  line += klass;
  column += klass.size();
  indent_to(line, column, 40);
  line += type;
  column += type.size();
  if (!rdata.empty()) {
    indent_to(line, column, 48);
    line += rdata;
  }
  return line;
}

std::string format_banner(std::string_view args_text, int servers_found, bool first) {
  std::string out = "\n; <<>> wg-dig " WGNET_DIG_VERSION " <<>> " + std::string(args_text) + "\n";
  if (servers_found > 0) {
    out += "; (" + std::to_string(servers_found) + (servers_found == 1 ? " server" : " servers") +
           " found)\n";
  }
  if (first) out += ";; global options: +cmd\n";
  return out;
}

Result<std::string> format_reply(const ReplyInfo& reply, const QuerySettings& s) {
  ldns_pkt* raw = nullptr;
  if (reply.wire.size() < 12 ||
      ldns_wire2pkt(&raw, reply.wire.data(), reply.wire.size()) != LDNS_STATUS_OK) {
    return make_error(ErrorCode::kInvalidArgument, "the reply is not a well-formed DNS message");
  }
  Pkt pkt(raw);
  if (s.short_form) {
    std::string out;
    const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
    for (size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
      out += rdata_text(ldns_rr_list_rr(answer, i)) + "\n";
    }
    return out;
  }
  Header h = read_header(reply.wire);
  std::string out;
  if (s.comments) {
    out += ";; Got answer:\n" + header_block(h, pkt.get());
    // ldns takes the OPT record out of the additional section; the header still counts it.
    const ldns_rr_list* additional = ldns_pkt_additional(pkt.get());
    size_t listed = additional ? ldns_rr_list_rr_count(additional) : 0;
    if (h.counts[3] > listed) out += opt_section(pkt.get());
  }
  if (s.question) append_section(out, "QUESTION", ldns_pkt_question(pkt.get()), true, s);
  if (s.answer) append_section(out, "ANSWER", ldns_pkt_answer(pkt.get()), false, s);
  if (s.authority) append_section(out, "AUTHORITY", ldns_pkt_authority(pkt.get()), false, s);
  if (s.additional) append_section(out, "ADDITIONAL", ldns_pkt_additional(pkt.get()), false, s);
  if (s.stats) out += stats_block(reply);
  return out;
}

}  // namespace wgnet::dig
