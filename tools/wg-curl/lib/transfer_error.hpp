// From what went wrong (a CURLcode, or a tunnel Error before libcurl ran) to curl's exit code
// and the line curl prints, "curl: (7) Failed to connect ...", here with "wg-curl:".
// The one place that translates libwgnet's ErrorCode into CURLcode numbers.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wgnet/result.hpp"

namespace wgnet::curl {

// curl's numbers for the codes the transfer produces itself.
inline constexpr int kCurlUnsupportedProtocol = 1;
inline constexpr int kCurlFailedInit = 2;
inline constexpr int kCurlUrlMalformat = 3;
inline constexpr int kCurlCouldntResolveHost = 6;
inline constexpr int kCurlCouldntConnect = 7;
inline constexpr int kCurlHttpReturnedError = 22;
inline constexpr int kCurlWriteError = 23;
inline constexpr int kCurlReadError = 26;
inline constexpr int kCurlOperationTimedOut = 28;
inline constexpr int kCurlTooManyRedirects = 47;
inline constexpr int kCurlSendFailRewind = 65;

struct TransferFailure {
  int code = 0;
  std::string message;  // without the "wg-curl: (N) " prefix
};

// The exit code for a tunnel error outside a transfer (opening the tunnel, loading the
// config): a handshake that never completed is kExitHandshakeFailed (100); a bad config or an
// OS failure while setting up is curl's "failed to initialize" (2); the rest as for a dial.
int exit_code_for_tunnel_error(const Error& error);

// A name the tunnel's DNS could not resolve: 6 "Could not resolve host: NAME" (the tunnel's
// reason is for -v); a handshake failure is 100; a lookup that -m or --connect-timeout cut
// short (kTimeout) is curl's 28 "Resolving timed out after N milliseconds", N = `elapsed`.
TransferFailure resolve_failure(const std::string& host, const Error& error,
                                std::chrono::milliseconds elapsed = {});

// libcurl's result for a transfer, with the tunnel's own reason when the connection could not
// be made (libcurl only knows that the socket callback said no):
//   dial timed out           -> 28 "Connection timed out after N milliseconds"
//   handshake never finished -> 100
//   other dial failures      -> 7 with libcurl's line and the tunnel's reason appended
// `errbuf` is libcurl's CURLOPT_ERRORBUFFER text (may be empty); `elapsed` the transfer's time.
TransferFailure describe_curl_result(int curl_code, const std::string& errbuf,
                                     const std::optional<Error>& dial_error,
                                     std::chrono::milliseconds elapsed);

// "wg-curl: (N) message"
std::string error_line(const TransferFailure& failure);

}  // namespace wgnet::curl
