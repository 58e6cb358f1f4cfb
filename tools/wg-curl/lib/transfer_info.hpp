// -w's numbers for a redirect chain that wg-curl followed itself, made to read as libcurl's do
// when it follows (CURLOPT_FOLLOWLOCATION): each phase timer is the sum over the hops (each
// measured from its hop's start, the tunnel DNS lookup before the hop included), time_total
// and time_redirect run from the chain's start, header and request sizes add up, the body
// sizes are the last hop's. Also the readers of a libcurl handle that fill them.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <string>

#include "write_out.hpp"

namespace wgnet::curl {

// What one hop measured: the time spent before libcurl started (the tunnel's DNS lookup), then
// libcurl's own values (redirect_us stays 0: wg-curl follows redirects itself).
struct HopMeasure {
  int64_t before_us = 0;
  TransferMeasure curl;
};

class ChainMeasure {
 public:
  // Adds the next hop; the last one added is the final transaction.
  void add_hop(const HopMeasure& hop);

  // Fills the timers, header/request sizes, connection count and speeds of `info`
  // (size_download and size_upload must be set already: the speeds derive from them).
  void fill(TransferInfo& info) const;

  int hops() const { return hops_; }

 private:
  int hops_ = 0;
  TransferMeasure sum_;  // total_us: all hops so far; redirect_us: all hops before the last
};

// One CURLINFO value of `easy` (nullopt/0 when libcurl has none).
std::optional<std::string> info_string(CURL* easy, CURLINFO what);
long info_long(CURL* easy, CURLINFO what);

// What the perform that just ended measured; `before_us` is the time spent before it started.
HopMeasure measure_hop(CURL* easy, int64_t before_us);

// The last performed request's values (status, sizes, URLs, content type, HTTP version,
// scheme, method, TLS verification result, libcurl's view of the addresses) into `info`.
void read_transfer_info(CURL* easy, TransferInfo& info);

}  // namespace wgnet::curl
