#include "session_error.hpp"

namespace wgnet::ssh {

std::string_view libssh2_error_name(int rc) {
  switch (rc) {
    case LIBSSH2_ERROR_SOCKET_NONE: return "LIBSSH2_ERROR_SOCKET_NONE";
    case LIBSSH2_ERROR_BANNER_RECV: return "LIBSSH2_ERROR_BANNER_RECV";
    case LIBSSH2_ERROR_BANNER_SEND: return "LIBSSH2_ERROR_BANNER_SEND";
    case LIBSSH2_ERROR_INVALID_MAC: return "LIBSSH2_ERROR_INVALID_MAC";
    case LIBSSH2_ERROR_KEX_FAILURE: return "LIBSSH2_ERROR_KEX_FAILURE";
    case LIBSSH2_ERROR_ALLOC: return "LIBSSH2_ERROR_ALLOC";
    case LIBSSH2_ERROR_SOCKET_SEND: return "LIBSSH2_ERROR_SOCKET_SEND";
    case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE: return "LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE";
    case LIBSSH2_ERROR_TIMEOUT: return "LIBSSH2_ERROR_TIMEOUT";
    case LIBSSH2_ERROR_HOSTKEY_INIT: return "LIBSSH2_ERROR_HOSTKEY_INIT";
    case LIBSSH2_ERROR_HOSTKEY_SIGN: return "LIBSSH2_ERROR_HOSTKEY_SIGN";
    case LIBSSH2_ERROR_DECRYPT: return "LIBSSH2_ERROR_DECRYPT";
    case LIBSSH2_ERROR_SOCKET_DISCONNECT: return "LIBSSH2_ERROR_SOCKET_DISCONNECT";
    case LIBSSH2_ERROR_PROTO: return "LIBSSH2_ERROR_PROTO";
    case LIBSSH2_ERROR_PASSWORD_EXPIRED: return "LIBSSH2_ERROR_PASSWORD_EXPIRED";
    case LIBSSH2_ERROR_FILE: return "LIBSSH2_ERROR_FILE";
    case LIBSSH2_ERROR_METHOD_NONE: return "LIBSSH2_ERROR_METHOD_NONE";
    case LIBSSH2_ERROR_AUTHENTICATION_FAILED: return "LIBSSH2_ERROR_AUTHENTICATION_FAILED";
    case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED: return "LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED";
    case LIBSSH2_ERROR_CHANNEL_FAILURE: return "LIBSSH2_ERROR_CHANNEL_FAILURE";
    case LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED: return "LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED";
    case LIBSSH2_ERROR_CHANNEL_CLOSED: return "LIBSSH2_ERROR_CHANNEL_CLOSED";
    case LIBSSH2_ERROR_CHANNEL_EOF_SENT: return "LIBSSH2_ERROR_CHANNEL_EOF_SENT";
    case LIBSSH2_ERROR_SOCKET_TIMEOUT: return "LIBSSH2_ERROR_SOCKET_TIMEOUT";
    case LIBSSH2_ERROR_REQUEST_DENIED: return "LIBSSH2_ERROR_REQUEST_DENIED";
    case LIBSSH2_ERROR_METHOD_NOT_SUPPORTED: return "LIBSSH2_ERROR_METHOD_NOT_SUPPORTED";
    case LIBSSH2_ERROR_INVAL: return "LIBSSH2_ERROR_INVAL";
    case LIBSSH2_ERROR_EAGAIN: return "LIBSSH2_ERROR_EAGAIN";
    case LIBSSH2_ERROR_BAD_USE: return "LIBSSH2_ERROR_BAD_USE";
    case LIBSSH2_ERROR_AGENT_PROTOCOL: return "LIBSSH2_ERROR_AGENT_PROTOCOL";
    case LIBSSH2_ERROR_SOCKET_RECV: return "LIBSSH2_ERROR_SOCKET_RECV";
    case LIBSSH2_ERROR_KEYFILE_AUTH_FAILED: return "LIBSSH2_ERROR_KEYFILE_AUTH_FAILED";
    default: return "LIBSSH2_ERROR";
  }
}

namespace {

ErrorCode code_for(int rc) {
  switch (rc) {
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
      return ErrorCode::kTimeout;
    case LIBSSH2_ERROR_SOCKET_NONE:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_BANNER_SEND:
      return ErrorCode::kNetwork;
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_CHANNEL_CLOSED:
      return ErrorCode::kClosed;
    case LIBSSH2_ERROR_FILE:
    case LIBSSH2_ERROR_INVAL:
    case LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
      return ErrorCode::kInvalidArgument;
    case LIBSSH2_ERROR_ALLOC:
    case LIBSSH2_ERROR_BAD_USE:
      return ErrorCode::kInternal;
    default:
      return ErrorCode::kNetwork;
  }
}

}  // namespace

Error session_error(LIBSSH2_SESSION* session, int rc, std::string_view doing) {
  std::string detail;
  if (session != nullptr) {
    char* message = nullptr;
    int length = 0;
    libssh2_session_last_error(session, &message, &length, 0);
    if (message != nullptr && length > 0) detail.assign(message, static_cast<size_t>(length));
  }
  if (detail.empty()) detail = std::string(libssh2_error_name(rc));
  std::string text(doing);
  text += ": ";
  text += detail;
  return make_error(code_for(rc), std::move(text));
}

}  // namespace wgnet::ssh
