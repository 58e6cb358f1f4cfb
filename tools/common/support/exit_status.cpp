#include "exit_status.hpp"

namespace wgnet::tools {

int ExitStatusMap::status_for(ErrorCode code) const {
  for (const auto& [c, status] : overrides_) {
    if (c == code) return status;
  }
  return fallback_;
}

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kHandshakeTimeout:
      return "handshake-timeout";
    case ErrorCode::kResolve:
      return "resolve";
    case ErrorCode::kConnectRefused:
      return "connect-refused";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kNetwork:
      return "network";
    case ErrorCode::kClosed:
      return "closed";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string describe_error(const Error& error) {
  // The library's messages already name the input and what to check; only an empty one needs
  // words from here.
  if (!error.message.empty()) return error.message;
  if (error.code == ErrorCode::kHandshakeTimeout) {
    return "no WireGuard handshake completed (check the peer's Endpoint= and PublicKey=, that "
           "the peer has our public key, and that UDP to the endpoint is not blocked)";
  }
  return std::string(error_code_name(error.code));
}

int report_error(const Diagnostics& diag, const Error& error, const ExitStatusMap& map) {
  diag.error(describe_error(error));
  return map.status_for(error.code);
}

}  // namespace wgnet::tools
