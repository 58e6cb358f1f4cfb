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
// libcurl's CURLINFO_*_TIME_T (microseconds from its start; 0 when the phase did not happen).
struct HopMeasure {
  int64_t before_us = 0;
  int64_t namelookup_us = 0;
  int64_t connect_us = 0;
  int64_t appconnect_us = 0;
  int64_t pretransfer_us = 0;
  int64_t starttransfer_us = 0;
  int64_t total_us = 0;
  long header_size = 0;
  long request_size = 0;
  long num_connects = 0;
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
  int64_t total_us_ = 0;     // all hops so far
  int64_t redirect_us_ = 0;  // all hops before the last
  int64_t namelookup_us_ = 0, connect_us_ = 0, appconnect_us_ = 0, pretransfer_us_ = 0,
          starttransfer_us_ = 0;
  long header_size_ = 0, request_size_ = 0, num_connects_ = 0;
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
