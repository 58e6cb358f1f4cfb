// The libcurl options that stay the same for every request of a run: TLS, protocols, no
// proxies, HTTP version, compression, rate limits, authentication method, the cookie engine.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>
#include <utility>

#include "curl_options.hpp"
#include "transfer_error.hpp"

namespace wgnet::curl {

// Applies them to `easy`; a failure is what libcurl refused, as curl would report it.
std::optional<TransferFailure> apply_session_options(CURL* easy, const CurlOptions& options);

// "--proto"-style list for CURLOPT_PROTOCOLS_STR from the two schemes wg-curl speaks.
std::string protocol_list(bool http, bool https);

// curl's --cert "FILE[:PASSWORD]" ("\:" is a colon in the file name): file and password.
std::pair<std::string, std::optional<std::string>> split_cert_parameter(const std::string& value);

// Loads the -b cookie files into the handle's cookie engine once (libcurl would read them again
// before every request of a redirect chain, undoing cookies the chain's responses changed) and
// turns the engine on when -b FILE or --cookie-jar asks for it.
std::optional<TransferFailure> load_cookie_files(CURL* easy, const CurlOptions& options);

}  // namespace wgnet::curl
