// -w / --write-out: curl 7.88's format language over what one transfer measured.
//   %{variable}         a value, printed as curl 7.88 prints it: times in seconds with six
//                       decimals ("0.012345"), sizes and speeds as integers (bytes, bytes/s),
//                       http_code/response_code with three digits ("000" when none)
//   %header{name}       the first value of response header `name` (case-insensitive; nothing
//                       if absent). Note curl's syntax: "%{header{name}}" is an unknown
//                       variable "header{name" followed by "}", in curl and here.
//   %{json}             every variable as one JSON object; %{header_json} the response headers
//   %{stdout} %{stderr} send what follows to that stream
//   %{onerror}          output nothing more unless the transfer failed (exitcode != 0)
//   %%                  a '%';  \n \r \t  newline, carriage return, tab (any other "\x" as is)
// An unknown %{name} prints nothing and gives a stderr segment, as curl does:
// "wg-curl: unknown --write-out variable: 'name'\n".
// %{json} and %{header_json} are curl's, except that strings are escaped as valid JSON (curl
// 7.88 writes control bytes as "u001f" without the backslash and mangles bytes >= 0x80).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wgnet::curl {

// libcurl's phase timers (CURLINFO_*_TIME_T: microseconds since the transfer's start, 0 when the
// phase did not happen) and the counts that add up over a redirect chain. One hop's values as
// libcurl reports them, or a whole chain's as -w shows them (see ChainMeasure).
struct TransferMeasure {
  int64_t namelookup_us = 0;
  int64_t connect_us = 0;
  int64_t appconnect_us = 0;
  int64_t pretransfer_us = 0;
  int64_t starttransfer_us = 0;
  int64_t total_us = 0;
  long header_size = 0;              // CURLINFO_HEADER_SIZE: all response headers received
  long request_size = 0;             // CURLINFO_REQUEST_SIZE
  long num_connects = 0;             // CURLINFO_NUM_CONNECTS
  int64_t redirect_us = 0;           // the hops before the last (0 for a single hop)
};

// What libcurl's curl_easy_getinfo reports after one transfer (times in seconds since its
// start, as CURLINFO_*_TIME_T microseconds), plus what the tool knows.
struct TransferInfo {
  long http_code = 0;                // CURLINFO_RESPONSE_CODE (also %{response_code})
  long http_connect = 0;             // CURLINFO_HTTP_CONNECTCODE (no proxies: 0)
  int64_t size_download = 0;         // body bytes received
  int64_t size_upload = 0;           // body bytes sent
  int64_t speed_download = 0;        // bytes/s
  int64_t speed_upload = 0;          // bytes/s
  // %{time_*}, %{size_header}, %{size_request}, %{num_connects}
  TransferMeasure measure;
  std::string url;                   // %{url}: the URL as given on the command line
  std::string url_effective;         // CURLINFO_EFFECTIVE_URL
  std::optional<std::string> redirect_url;  // CURLINFO_REDIRECT_URL (unset: none)
  std::optional<std::string> referer;       // CURLINFO_REFERER (unset: none sent)
  long num_redirects = 0;
  long num_headers = 0;              // headers in the last response
  std::optional<std::string> content_type;  // unset: no Content-Type
  std::string remote_ip;             // CURLINFO_PRIMARY_IP ("" before a connection)
  long remote_port = 0;
  std::string local_ip;
  long local_port = 0;
  long http_version = 0;             // CURLINFO_HTTP_VERSION: CURL_HTTP_VERSION_1_0/1_1/2_0/3
                                     // (1, 2, 3, 30); 0 = none
  std::string scheme;                // CURLINFO_SCHEME as libcurl gives it ("HTTP", "HTTPS")
  std::string method;                // CURLINFO_EFFECTIVE_METHOD ("GET")
  int exitcode = 0;                  // the transfer's curl exit code
  std::string errormsg;              // the error buffer text ("" on success)
  std::optional<std::string> filename_effective;  // where the body went (-o/-O); unset: stdout
  long ssl_verify_result = 0;
  long proxy_ssl_verify_result = 0;
  long urlnum = 0;                   // 0-based index of the URL on the command line
  // %{certs}: CURLINFO_CERTINFO text; libcurl gives an empty list unless asked (curl: "")
  std::optional<std::string> certs = std::string();
  long num_certs = 0;
  // The last response's headers in order received (name as sent, value without leading and
  // trailing blanks), for %header{name} and %{header_json}.
  std::vector<std::pair<std::string, std::string>> headers;

  // The first value of header `name` (ASCII case-insensitive), as curl_easy_header gives it.
  std::optional<std::string> header(std::string_view name) const;
};

enum class WriteOutStream { kStdout, kStderr };

// A run of output for one stream; a format yields several when it switches with %{stderr}.
struct WriteOutSegment {
  WriteOutStream stream = WriteOutStream::kStdout;
  std::string text;
};

// The segments in order, for the caller to write (adjacent text for the same stream merged).
std::vector<WriteOutSegment> format_write_out(std::string_view format, const TransferInfo& info);

// Convenience: the concatenated text of the segments that go to `stream`.
std::string write_out_text(const std::vector<WriteOutSegment>& segments,
                           WriteOutStream stream = WriteOutStream::kStdout);

}  // namespace wgnet::curl
