// Name resolution for libcurl without libcurl's resolver: before each request the transfer
// resolves the URL's host through the tunnel's DNS and hands the answer to libcurl as a
// CURLOPT_RESOLVE entry, so libcurl finds it in its DNS cache and never calls getaddrinfo().
// The pure parts live here (URL host and port, entries, --resolve/--connect-to matching).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "curl_options.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::curl {

struct UrlHost {
  std::string url;     // the URL as libcurl gets it: with a scheme (guessed when none)
  std::string scheme;  // lower case: "http", "https", "file", ...
  std::string host;    // without the [] of an IPv6 literal
  uint16_t port = 0;   // the URL's port or the scheme's default
  bool ip_literal = false;
  bool has_credentials = false;  // user[:password]@ in the URL
};

// Parses a URL as libcurl does. A URL without a scheme gets one guessed from the host name as
// libcurl guesses it: "http://" unless the name starts with a protocol's ("ftp.", "dict.", ...). Schemes libcurl does not speak
// (file, scp, gopher...) parse too, so that a redirect to one can be refused by name.
// kInvalidArgument with libcurl's words ("Bad URL", "Port number was not a decimal number
// between 0 and 65535") otherwise.
Result<UrlHost> parse_url_host(const std::string& url);

// "host:port:addr1,[v6addr]" for CURLOPT_RESOLVE (IPv6 in brackets, as libcurl wants them).
std::string resolve_entry(const std::string& host, uint16_t port,
                          const std::vector<IpAddress>& addresses);

// The last --resolve entry for host:port (libcurl's cache keeps the last one), or null; a
// "-host:port" removal that comes later cancels the entries before it.
const ResolveEntry* user_resolve_for(const std::vector<ResolveEntry>& entries,
                                     const std::string& host, uint16_t port);

// --connect-to HOST1:PORT1:HOST2:PORT2 (either side may be empty): where a request to
// host:port really connects, from the first entry that matches, as libcurl picks it.
// HOST2 may be an IPv6 literal in brackets; it is returned without them.
std::optional<std::pair<std::string, uint16_t>> connect_to_target(
    const std::vector<std::string>& entries, const std::string& host, uint16_t port);

}  // namespace wgnet::curl
