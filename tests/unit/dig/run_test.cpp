// wg-dig's query runner against the DNS tests' fake server over loopback (tests/unit/dns):
// server choice, exit statuses, TCP after truncation, +search, what reaches stdout.
#include <gtest/gtest.h>

#include <chrono>

#include "diagnostics.hpp"
#include "dig_run.hpp"
#include "dns/dns_lab.hpp"

namespace wgnet::dig {
namespace {

using dns::test::ip;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The runner uses query_dns (here the DNS engine over loopback to the fake servers) and
// resolve() (for an @server given by name); the rest must not be used.
class NameOnlyTunnel final : public Tunnel {
 public:
  explicit NameOnlyTunnel(dns::test::LoopbackTransport& transport) : transport_(transport) {}
  Result<DnsReply> query_dns(const Endpoint& server, std::span<const uint8_t> query,
                             const DnsQueryOptions& options) override {
    dns::ResolverConfig config;
    config.port = server.port;
    dns::test::LoopbackResolver engine(config, transport_);
    return engine.query_wire(server, query, options);
  }
  Result<void> wait_handshake() override { return {}; }
  Result<Connection> dial_tcp(const std::string&, uint16_t, const DialOptions&) override {
    return unused();
  }
  Result<Connection> dial_udp(const std::string&, uint16_t, const DialOptions&) override {
    return unused();
  }
  Result<std::unique_ptr<TcpListener>> listen_tcp(const std::string&, uint16_t) override {
    return unused();
  }
  Result<Connection> listen_udp_first(const std::string&, uint16_t, milliseconds) override {
    return unused();
  }
  Result<std::unique_ptr<UdpSocket>> bind_udp(const std::string&, uint16_t) override {
    return unused();
  }
  Result<std::vector<IpAddress>> resolve(const std::string& name, AddressFamily,
                                         milliseconds = milliseconds{0}) override {
    if (name == "ns.test") return std::vector<IpAddress>{ip("10.64.0.54")};
    if (name == "both.test") return std::vector<IpAddress>{ip("10.64.0.53"), ip("10.64.0.54")};
    return make_error(ErrorCode::kResolve, "name '" + name + "' not found (NXDOMAIN)");
  }
  Result<std::unique_ptr<Pinger>> open_pinger(const IpAddress&) override {
    return make_error(ErrorCode::kInternal, "no pinging in this test");
  }
  std::vector<IpPrefix> addresses() const override { return {}; }
  TunnelStats stats() const override { return {}; }

 private:
  dns::test::LoopbackTransport& transport_;
  static Error unused() { return make_error(ErrorCode::kInternal, "not used by the runner"); }
};

class RunTest : public dns::test::DnsLab {
 protected:
  RunTest() {
    config_.interface.dns_servers = {server1_};
    config_.interface.dns_search = {"lab.test"};
  }

  int run(const std::vector<std::string>& args) {
    auto command = parse_command_line(args);
    EXPECT_TRUE(command) << command.error().message;
    if (!command) return -1;
    tools::Diagnostics diag("wg-dig", 1,
                            [this](std::string_view l) { err_ += std::string(l) + "\n"; });
    RunContext ctx{config_,
                   tunnel_,
                   diag,
                   [this](std::string_view t) { out_ += t; },
                   [] { return std::time_t{0}; },
                   command->args_text};
    return run_queries(ctx, command->queries);
  }

  Config config_;
  NameOnlyTunnel tunnel_{transport_};
  std::string out_;
  std::string err_;
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(RunTest, AnswerFromTheFirstDnsServerOfTheConfig) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  EXPECT_EQ(run({"echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(out_, "\n; <<>> wg-dig ")) << out_;
  EXPECT_TRUE(has(out_, "status: NOERROR")) << out_;
  EXPECT_TRUE(has(out_, "echo.lab.test.\t\t300\tIN\tA\t192.0.2.1\n")) << out_;
  EXPECT_TRUE(has(out_, ";; SERVER: 10.64.0.53#53(10.64.0.53) (UDP)\n")) << out_;
  EXPECT_FALSE(has(out_, "server found")) << out_;  // only with @server, as dig
  EXPECT_TRUE(has(err_, "query echo.lab.test A IN to 10.64.0.53#53 over UDP")) << err_;
}

TEST_F(RunTest, VerboseNamesThePeerWhoseAllowedIpsCarryTheQuery) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  PeerConfig wide;
  wide.public_key.fill(1);
  wide.allowed_ips = {*IpPrefix::parse("10.0.0.0/8")};
  PeerConfig narrow;
  narrow.public_key.fill(2);
  narrow.allowed_ips = {*IpPrefix::parse("10.64.0.0/24")};
  narrow.endpoint = EndpointSpec{"198.18.0.1", 51820};
  config_.peers = {wide, narrow};
  EXPECT_EQ(run({"+short", "echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(
      has(err_, "over UDP via peer " + key_to_base64(narrow.public_key) + " (198.18.0.1:51820)\n"))
      << err_;
  config_.peers = {};
  err_.clear();
  EXPECT_EQ(run({"+short", "echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(err_, "via no peer (no AllowedIPs= covers it)")) << err_;
}

TEST_F(RunTest, BannerOnceForSeveralQueries) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  EXPECT_EQ(run({"echo.lab.test", "echo.lab.test", "+nostats"}), EXIT_OK);
  EXPECT_EQ(out_.find("; <<>> wg-dig"), out_.rfind("; <<>> wg-dig")) << out_;
  EXPECT_NE(out_.find(";; Got answer:"), out_.rfind(";; Got answer:")) << out_;
}

TEST_F(RunTest, ShortAnswersOfSeveralQueries) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  dns1_.add("echo.lab.test. 300 IN AAAA 2001:db8::1");
  dns1_.add("lab.test. 300 IN MX 10 mail.lab.test.");
  EXPECT_EQ(run({"+short", "echo.lab.test", "echo.lab.test", "AAAA", "lab.test", "MX"}), EXIT_OK);
  EXPECT_EQ(out_, "192.0.2.1\n2001:db8::1\n10 mail.lab.test.\n");
}

TEST_F(RunTest, NxdomainIsAnAnswer) {
  EXPECT_EQ(run({"missing.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(out_, "status: NXDOMAIN")) << out_;
}

TEST_F(RunTest, SilenceGivesExit9WithinTimeTimesTries) {
  dns1_.set_silent(true);
  auto t0 = Clock::now();
  EXPECT_EQ(run({"+time=1", "+tries=2", "+short", "echo.lab.test"}), EXIT_NO_REPLY);
  auto took = Clock::now() - t0;
  EXPECT_GE(took, milliseconds(1900));
  EXPECT_LT(took, milliseconds(3500));
  EXPECT_EQ(out_,
            ";; communications error to 10.64.0.53#53: timed out\n"
            ";; communications error to 10.64.0.53#53: timed out\n"
            ";; no servers could be reached\n");
  EXPECT_EQ(dns1_.seen().size(), 2u);
}

TEST_F(RunTest, LaterQueriesStillRunAfterOneGetsNoReply) {
  dns2_.add("echo.lab.test. 300 IN A 192.0.2.1");
  dns1_.set_silent(true);
  EXPECT_EQ(run({"+short", "+time=1", "+tries=1", "echo.lab.test", "echo.lab.test", "@10.64.0.54"}),
            EXIT_NO_REPLY);
  EXPECT_TRUE(has(out_, "192.0.2.1\n")) << out_;
}

TEST_F(RunTest, TruncatedReplyIsAskedAgainOverTcp) {
  for (int i = 0; i < 6; ++i) {
    dns1_.add("big.lab.test. 60 IN TXT \"t" + std::to_string(i) + "-" + std::string(200, 'x') +
              "\"");
  }
  EXPECT_EQ(run({"+noedns", "big.lab.test", "TXT"}), EXIT_OK);
  EXPECT_EQ(out_.rfind(";; Truncated, retrying in TCP mode.\n\n; <<>> wg-dig", 0), 0u) << out_;
  EXPECT_TRUE(has(out_, "(TCP)\n")) << out_;
  EXPECT_TRUE(has(out_, "ANSWER: 6,")) << out_;
  ASSERT_EQ(dns1_.seen().size(), 2u);
  EXPECT_FALSE(dns1_.seen()[0].tcp);
  EXPECT_TRUE(dns1_.seen()[1].tcp);
}

TEST_F(RunTest, IgnoreKeepsTheTruncatedReply) {
  for (int i = 0; i < 6; ++i) {
    dns1_.add("big.lab.test. 60 IN TXT \"t" + std::to_string(i) + "-" + std::string(200, 'x') +
              "\"");
  }
  EXPECT_EQ(run({"+noedns", "+ignore", "big.lab.test", "TXT"}), EXIT_OK);
  EXPECT_FALSE(has(out_, "Truncated")) << out_;
  EXPECT_TRUE(has(out_, ";; flags: qr aa tc rd")) << out_;
  EXPECT_TRUE(has(out_, "(UDP)\n")) << out_;
  EXPECT_EQ(dns1_.seen().size(), 1u);
}

TEST_F(RunTest, TcpOnly) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  EXPECT_EQ(run({"+tcp", "+noall", "+stats", "echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(out_, "(TCP)\n")) << out_;
  ASSERT_EQ(dns1_.seen().size(), 1u);
  EXPECT_TRUE(dns1_.seen()[0].tcp);
}

TEST_F(RunTest, AnyGoesOverTcpUnlessNotcpIsGiven) {
  dns1_.add("lab.test. 300 IN MX 10 mail.lab.test.");
  EXPECT_EQ(run({"+short", "lab.test", "ANY", "lab.test", "ANY", "+notcp"}), EXIT_OK);
  ASSERT_EQ(dns1_.seen().size(), 2u);
  EXPECT_TRUE(dns1_.seen()[0].tcp);
  EXPECT_FALSE(dns1_.seen()[1].tcp);
  out_.clear();
  EXPECT_EQ(run({"+noall", "+stats", "lab.test", "ANY"}), EXIT_OK);
  EXPECT_EQ(out_.find("Truncated"), std::string::npos) << out_;  // TCP by choice, not by TC
  EXPECT_TRUE(has(out_, "(TCP)\n")) << out_;
  EXPECT_TRUE(has(err_, "query lab.test ANY IN to 10.64.0.53#53 over TCP")) << err_;
}

TEST_F(RunTest, EdnsSizeAndNoEdns) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  EXPECT_EQ(run({"+short", "echo.lab.test", "echo.lab.test", "+bufsize=4096", "echo.lab.test",
                 "+noedns"}),
            EXIT_OK);
  ASSERT_EQ(dns1_.seen().size(), 3u);
  EXPECT_EQ(dns1_.seen()[0].edns_size, 1232);
  EXPECT_EQ(dns1_.seen()[1].edns_size, 4096);
  EXPECT_EQ(dns1_.seen()[2].edns_size, 0);
}

// The resolver's search-list rules, now dig's too: a domain written with a leading dot or a
// second time is asked once, under its plain name, and the root adds nothing.
TEST_F(RunTest, SearchAsksEachDomainOnceWhateverItsDots) {
  config_.interface.dns_search = {".lab.test", "lab.test.", "."};
  EXPECT_EQ(run({"+search", "missing"}), EXIT_OK);
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"missing.lab.test.", "missing."}));
}

TEST_F(RunTest, SearchTriesTheDomainsFromDnsThenTheNameItself) {
  dns1_.add("echo.lab.test. 300 IN A 192.0.2.1");
  EXPECT_EQ(run({"+search", "+short", "echo"}), EXIT_OK);
  EXPECT_EQ(out_, "192.0.2.1\n");
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"echo.lab.test."}));
  out_.clear();
  EXPECT_EQ(run({"+search", "missing"}), EXIT_OK);
  EXPECT_EQ(qnames(dns1_),
            (std::vector<std::string>{"echo.lab.test.", "missing.lab.test.", "missing."}));
  EXPECT_TRUE(has(out_, ";missing.\t")) << out_;  // the last name tried is the one shown
  out_.clear();
  EXPECT_EQ(run({"+short", "echo"}), EXIT_OK);  // +nosearch (the default): as typed
  EXPECT_EQ(qnames(dns1_).back(), "echo.");
}

TEST_F(RunTest, ServerByNameResolvedThroughTheTunnel) {
  dns2_.add("echo.lab.test. 300 IN A 192.0.2.2");
  EXPECT_EQ(run({"@ns.test", "echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(out_, "; (1 server found)\n")) << out_;
  EXPECT_TRUE(has(out_, ";; SERVER: 10.64.0.54#53(ns.test) (UDP)\n")) << out_;
  EXPECT_TRUE(dns1_.seen().empty());
}

TEST_F(RunTest, ServerNameWithTwoAddressesFallsThroughToTheOneThatAnswers) {
  dns1_.set_silent(true);
  dns2_.add("echo.lab.test. 300 IN A 192.0.2.2");
  EXPECT_EQ(run({"@both.test", "+time=1", "+tries=1", "+nostats", "echo.lab.test"}), EXIT_OK);
  EXPECT_TRUE(has(out_, "; (2 servers found)\n")) << out_;
  EXPECT_EQ(out_.rfind(";; communications error to 10.64.0.53#53: timed out\n", 0), 0u) << out_;
  EXPECT_TRUE(has(out_, "192.0.2.2\n")) << out_;
}

TEST_F(RunTest, UnresolvableServerNameIsExit10) {
  EXPECT_EQ(run({"@nowhere.test", "echo.lab.test"}), EXIT_INTERNAL);
  EXPECT_TRUE(has(err_, "wg-dig: error: couldn't get address for 'nowhere.test'")) << err_;
  EXPECT_TRUE(out_.empty()) << out_;
}

TEST_F(RunTest, NoDnsInConfigAndNoServerIsAUsageError) {
  config_.interface.dns_servers.clear();
  EXPECT_EQ(run({"echo.lab.test"}), EXIT_USAGE);
  EXPECT_TRUE(has(err_, "no DNS= and no @server")) << err_;
}

TEST_F(RunTest, FamilyFilterOnAServerLiteral) {
  EXPECT_EQ(run({"-6", "@10.64.0.53", "echo.lab.test"}), EXIT_USAGE);
  EXPECT_TRUE(has(err_, "has no IPv6 address")) << err_;
}

TEST_F(RunTest, IllegalNameIsExit10) {
  EXPECT_EQ(run({std::string(64, 'a') + ".test"}), EXIT_INTERNAL);
  EXPECT_TRUE(has(err_, "is not a legal name")) << err_;
}

}  // namespace
}  // namespace wgnet::dig
