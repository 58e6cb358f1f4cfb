#include "transfer_error.hpp"

#include <curl/curl.h>

#include "curl_options.hpp"

namespace wgnet::curl {

int exit_code_for_tunnel_error(const Error& error) {
  switch (error.code) {
    case ErrorCode::kHandshakeTimeout:
      return kExitHandshakeFailed;
    case ErrorCode::kResolve:
      return kCurlCouldntResolveHost;
    case ErrorCode::kTimeout:
      return kCurlOperationTimedOut;
    case ErrorCode::kConnectRefused:
    case ErrorCode::kNetwork:
    case ErrorCode::kClosed:
      return kCurlCouldntConnect;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kConfig:
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      break;
  }
  return kCurlFailedInit;
}

TransferFailure resolve_failure(const std::string& host, const Error& error,
                                std::chrono::milliseconds elapsed) {
  if (error.code == ErrorCode::kHandshakeTimeout) return {kExitHandshakeFailed, error.message};
  if (error.code == ErrorCode::kTimeout) {
    return {kCurlOperationTimedOut,
            "Resolving timed out after " + std::to_string(elapsed.count()) + " milliseconds"};
  }
  return {kCurlCouldntResolveHost, "Could not resolve host: " + host};
}

TransferFailure describe_curl_result(int curl_code, const std::string& errbuf,
                                     const std::optional<Error>& dial_error,
                                     std::chrono::milliseconds elapsed) {
  std::string message =
      errbuf.empty() ? curl_easy_strerror(static_cast<CURLcode>(curl_code)) : errbuf;
  if (curl_code == kCurlCouldntConnect && dial_error) {
    switch (dial_error->code) {
      case ErrorCode::kTimeout:
        return {kCurlOperationTimedOut,
                "Connection timed out after " + std::to_string(elapsed.count()) + " milliseconds"};
      case ErrorCode::kHandshakeTimeout:
        return {kExitHandshakeFailed, dial_error->message};
      default:
        return {kCurlCouldntConnect, message + " (" + dial_error->message + ")"};
    }
  }
  return {curl_code, message};
}

std::string error_line(const TransferFailure& failure) {
  return "wg-curl: (" + std::to_string(failure.code) + ") " + failure.message;
}

}  // namespace wgnet::curl
