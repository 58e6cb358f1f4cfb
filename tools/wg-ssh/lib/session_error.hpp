// libssh2's error codes and messages, translated to wgnet::Error in this one place.
#pragma once

#include <libssh2.h>

#include <string>
#include <string_view>

#include "wgnet/result.hpp"

namespace wgnet::ssh {

// "DOING: <libssh2's last message>" with an ErrorCode from the libssh2 code `rc`.
// `session` may be null (then only the code is named).
Error session_error(LIBSSH2_SESSION* session, int rc, std::string_view doing);

// The symbolic name of a libssh2 error code for -v lines ("LIBSSH2_ERROR_KEX_FAILURE").
std::string_view libssh2_error_name(int rc);

}  // namespace wgnet::ssh
