// The SOCKS5 wire format without sockets: every message whole, every prefix of it (must ask for
// more, never misparse), and each way it can be malformed.
#include "io/socks5_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using namespace wgnet::io::socks5;
using Bytes = std::vector<uint8_t>;

template <class T, class Parse>
void expect_every_prefix_needs_more(const Bytes& whole, Parse parse) {
  for (size_t n = 0; n < whole.size(); ++n) {
    Parsed<T> p = parse(std::span<const uint8_t>(whole.data(), n));
    EXPECT_EQ(p.status, ParseStatus::kNeedMore) << "prefix of " << n << " bytes";
  }
}

// ---- greeting ----

TEST(Socks5Greeting, ParsesTheOfferedMethodsAndLeavesWhatFollows) {
  Bytes in{0x05, 0x02, 0x00, 0x02, 0xAA};
  auto p = parse_greeting(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.methods, (Bytes{0x00, 0x02}));
  EXPECT_EQ(p.consumed, 4u);
}

TEST(Socks5Greeting, EveryPrefixAsksForMore) {
  expect_every_prefix_needs_more<Greeting>(Bytes{0x05, 0x03, 0x00, 0x01, 0x02}, parse_greeting);
}

TEST(Socks5Greeting, OtherVersionIsMalformedFromItsFirstByte) {
  EXPECT_EQ(parse_greeting(Bytes{0x04}).status, ParseStatus::kMalformed);
  EXPECT_EQ(parse_greeting(Bytes{0x04, 0x01, 0x00}).status, ParseStatus::kMalformed);
  // An HTTP request sent to the SOCKS port by mistake.
  EXPECT_EQ(parse_greeting(Bytes{'G', 'E', 'T'}).status, ParseStatus::kMalformed);
}

TEST(Socks5Greeting, NoMethodsParsesAndNothingIsAcceptable) {
  auto p = parse_greeting(Bytes{0x05, 0x00});
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(choose_method(p.value, false), kMethodNoAcceptable);
  EXPECT_EQ(choose_method(p.value, true), kMethodNoAcceptable);
}

TEST(Socks5Greeting, PasswordRequiredNeverFallsBackToNoAuth) {
  Greeting both{{0x00, 0x02}}, no_auth{{0x00}}, password{{0x02}};
  EXPECT_EQ(choose_method(both, true), kMethodUserPass);
  EXPECT_EQ(choose_method(no_auth, true), kMethodNoAcceptable);
  EXPECT_EQ(choose_method(both, false), kMethodNoAuth);
  EXPECT_EQ(choose_method(password, false), kMethodNoAcceptable);
  EXPECT_EQ(build_method_reply(kMethodNoAcceptable), (std::array<uint8_t, 2>{0x05, 0xFF}));
}

// ---- RFC 1929 ----

TEST(Socks5UserPass, ParsesNameAndPassword) {
  Bytes in{0x01, 3, 'b', 'o', 'b', 2, 'p', 'w'};
  auto p = parse_user_pass(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.user, "bob");
  EXPECT_EQ(p.value.password, "pw");
  EXPECT_EQ(p.consumed, in.size());
  expect_every_prefix_needs_more<wgnet::Socks5Credentials>(in, parse_user_pass);
}

TEST(Socks5UserPass, EmptyFieldsParse) {
  auto p = parse_user_pass(Bytes{0x01, 0, 0});
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.user, "");
  EXPECT_EQ(p.value.password, "");
}

TEST(Socks5UserPass, WrongSubnegotiationVersionIsMalformed) {
  // 0x05: a client that skipped authentication and sent its request.
  EXPECT_EQ(parse_user_pass(Bytes{0x05, 0x01, 0x00}).status, ParseStatus::kMalformed);
  EXPECT_EQ(parse_user_pass(Bytes{0x00}).status, ParseStatus::kMalformed);
}

TEST(Socks5UserPass, CredentialsMatchOnlyWhenBothFieldsAreEqual) {
  wgnet::Socks5Credentials expected{"alice", "s3cret"};
  EXPECT_TRUE(credentials_match({"alice", "s3cret"}, expected));
  EXPECT_FALSE(credentials_match({"alice", "s3creT"}, expected));
  EXPECT_FALSE(credentials_match({"alice", "s3cret-and-more"}, expected));
  EXPECT_FALSE(credentials_match({"alice", "s3cre"}, expected));
  EXPECT_FALSE(credentials_match({"alice", ""}, expected));
  EXPECT_FALSE(credentials_match({"bob", "s3cret"}, expected));
  EXPECT_FALSE(credentials_match({"alicealice", "s3cret"}, expected));
  // A prefix padded with NULs must not pass for the shorter expected value.
  EXPECT_FALSE(credentials_match({"alice", std::string("s3cret\0", 7)}, expected));
  EXPECT_EQ(build_user_pass_reply(true), (std::array<uint8_t, 2>{0x01, 0x00}));
  EXPECT_EQ(build_user_pass_reply(false), (std::array<uint8_t, 2>{0x01, 0x01}));
}

// ---- request ----

TEST(Socks5Request, ConnectToIpv4) {
  Bytes in{0x05, 0x01, 0x00, 0x01, 10, 0, 0, 2, 0x1F, 0x90, 'x'};
  auto p = parse_request(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.command, kCommandConnect);
  ASSERT_TRUE(p.value.destination.ip);
  EXPECT_EQ(*p.value.destination.ip, wgnet::IpAddress::v4(10, 0, 0, 2));
  EXPECT_EQ(p.value.destination.port, 8080);
  EXPECT_EQ(p.consumed, 10u);
  EXPECT_EQ(p.value.destination.to_string(), "10.0.0.2:8080");
  expect_every_prefix_needs_more<Request>(Bytes(in.begin(), in.begin() + 10), parse_request);
}

TEST(Socks5Request, ConnectToIpv6) {
  Bytes in{0x05, 0x01, 0x00, 0x04, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22};
  auto p = parse_request(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.destination.host_text(), "fd00::1");
  EXPECT_EQ(p.value.destination.to_string(), "[fd00::1]:22");
  EXPECT_EQ(p.consumed, in.size());
  expect_every_prefix_needs_more<Request>(in, parse_request);
}

TEST(Socks5Request, ConnectToDomainName) {
  Bytes in{0x05, 0x01, 0x00, 0x03, 11,  'e', 'x', 'a', 'm',
           'p',  'l',  'e',  '.',  'c', 'o', 'm', 0,   80};
  auto p = parse_request(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_FALSE(p.value.destination.ip);
  EXPECT_EQ(p.value.destination.host, "example.com");
  EXPECT_EQ(p.value.destination.host_text(), "example.com");
  EXPECT_EQ(p.value.destination.port, 80);
  expect_every_prefix_needs_more<Request>(in, parse_request);
}

TEST(Socks5Request, LongestDomainNameParses) {
  Bytes in{0x05, 0x01, 0x00, 0x03, 255};
  in.insert(in.end(), 255, 'a');
  in.insert(in.end(), {0x01, 0xBB});
  auto p = parse_request(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.destination.host.size(), 255u);
  EXPECT_EQ(p.value.destination.port, 443);
}

TEST(Socks5Request, UnknownCommandsParseForTheSessionToRefuse) {
  auto bind = parse_request(Bytes{0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0, 80});
  ASSERT_EQ(bind.status, ParseStatus::kOk);
  EXPECT_EQ(bind.value.command, kCommandBind);
  auto odd = parse_request(Bytes{0x05, 0x09, 0x00, 0x01, 127, 0, 0, 1, 0, 80});
  ASSERT_EQ(odd.status, ParseStatus::kOk);
  EXPECT_EQ(odd.value.command, 0x09);
}

TEST(Socks5Request, UnknownAddressTypeIsReportedAsSuch) {
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x00, 0x02}).status, ParseStatus::kBadAddressType);
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x00, 0x00, 1, 2}).status,
            ParseStatus::kBadAddressType);
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x00, 0xFF}).status, ParseStatus::kBadAddressType);
}

TEST(Socks5Request, MalformedRequests) {
  EXPECT_EQ(parse_request(Bytes{0x04, 0x01, 0x00, 0x01}).status, ParseStatus::kMalformed);
  // A name of length 0: nothing to look up.
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x00, 0x03, 0, 0, 80}).status, ParseStatus::kMalformed);
  // A NUL inside the name.
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x00, 0x03, 3, 'a', 0, 'b', 0, 80}).status,
            ParseStatus::kMalformed);
}

TEST(Socks5Request, NonzeroReservedByteIsTolerated) {
  EXPECT_EQ(parse_request(Bytes{0x05, 0x01, 0x7F, 0x01, 127, 0, 0, 1, 0, 80}).status,
            ParseStatus::kOk);
}

// ---- reply ----

TEST(Socks5Reply, CarriesTheBoundAddressInItsFamily) {
  auto v4 = build_reply(Reply::kSucceeded, *wgnet::Endpoint::parse("10.0.0.3:40000"));
  EXPECT_EQ(v4, (Bytes{0x05, 0x00, 0x00, 0x01, 10, 0, 0, 3, 0x9C, 0x40}));
  auto v6 = build_reply(Reply::kConnectionRefused, *wgnet::Endpoint::parse("[fd00::3]:1"));
  ASSERT_EQ(v6.size(), 22u);
  EXPECT_EQ(v6[1], 0x05);
  EXPECT_EQ(v6[3], kAtypIpv6);
  EXPECT_EQ(v6[4], 0xfd);
  EXPECT_EQ(v6[19], 3);
  EXPECT_EQ(v6[21], 1);
}

TEST(Socks5Reply, EachDialErrorHasItsCode) {
  using wgnet::ErrorCode;
  EXPECT_EQ(reply_for(ErrorCode::kNetwork), Reply::kNetworkUnreachable);
  EXPECT_EQ(reply_for(ErrorCode::kResolve), Reply::kHostUnreachable);
  EXPECT_EQ(reply_for(ErrorCode::kHandshakeTimeout), Reply::kHostUnreachable);
  EXPECT_EQ(reply_for(ErrorCode::kConnectRefused), Reply::kConnectionRefused);
  EXPECT_EQ(reply_for(ErrorCode::kTimeout), Reply::kTtlExpired);
  EXPECT_EQ(reply_for(ErrorCode::kInternal), Reply::kGeneralFailure);
  EXPECT_EQ(reply_for(ErrorCode::kClosed), Reply::kGeneralFailure);
  EXPECT_EQ(reply_for(ErrorCode::kInvalidArgument), Reply::kGeneralFailure);
}

// ---- UDP datagram header ----

TEST(Socks5UdpHeader, ParsesDestinationAndPointsAtThePayload) {
  Bytes in{0, 0, 0, 0x01, 10, 0, 0, 2, 0, 53, 'q', 'u', 'e', 'r', 'y'};
  auto p = parse_udp_header(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.fragment, 0);
  EXPECT_EQ(p.value.destination.to_string(), "10.0.0.2:53");
  EXPECT_EQ(p.consumed, 10u);
}

TEST(Socks5UdpHeader, DomainDestinationAndFragmentNumber) {
  Bytes in{0, 0, 3, 0x03, 4, 'h', 'o', 's', 't', 0x30, 0x39};
  auto p = parse_udp_header(in);
  ASSERT_EQ(p.status, ParseStatus::kOk);
  EXPECT_EQ(p.value.fragment, 3);
  EXPECT_EQ(p.value.destination.to_string(), "host:12345");
  EXPECT_EQ(p.consumed, in.size());  // an empty payload is a datagram too
}

TEST(Socks5UdpHeader, TruncatedAndMalformedHeaders) {
  Bytes whole{0, 0, 0, 0x04, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 53};
  expect_every_prefix_needs_more<UdpHeader>(whole, parse_udp_header);
  EXPECT_EQ(parse_udp_header(Bytes{0, 0, 0, 0x07, 1}).status, ParseStatus::kBadAddressType);
  EXPECT_EQ(parse_udp_header(Bytes{0, 0, 0, 0x03, 0, 0, 53}).status, ParseStatus::kMalformed);
}

TEST(Socks5UdpHeader, BuiltHeaderParsesBack) {
  for (const char* text : {"10.9.8.7:53", "[fd00::1234]:65535"}) {
    auto ep = *wgnet::Endpoint::parse(text);
    Bytes header = build_udp_header(ep);
    header.push_back('z');
    auto p = parse_udp_header(header);
    ASSERT_EQ(p.status, ParseStatus::kOk) << text;
    EXPECT_EQ(p.value.destination.to_string(), text);
    EXPECT_EQ(p.consumed, header.size() - 1);
  }
}

}  // namespace
