// What one request of a transfer sends, decided from the options without libcurl: the URL
// (with -G data, --url-query, -T's file name), the kind of request, and the -H lines that may
// go to the request's origin.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "curl_options.hpp"
#include "redirect.hpp"

namespace wgnet::curl {

// The first request's kind: -T PUT, -I HEAD, -F multipart POST, -d POST (GET with -G), GET.
RequestKind initial_kind(const CurlOptions& options, const UrlTarget& target);

// The URL of a command line's URL as requested: with a scheme guessed as parse_url_host does,
// -G's data and --url-query appended to the query with '&', and with -T the
// upload file's base name appended when the URL's path is empty or ends in '/' (curl's rule).
// The URL is returned unchanged when it does not parse (libcurl then reports it).
std::string request_url(const std::string& url, const CurlOptions& options,
                        const std::optional<std::string>& upload);

// The -H lines for a request, in order: without Authorization:/Cookie: when credentials may not
// go to this origin, without Host: on another host, plus --json's Content-Type/Accept unless
// given. Header names compare without case, as curl's.
std::vector<std::string> request_headers(const CurlOptions& options, bool credentials_ok,
                                         bool custom_host_ok);

// The -A value libcurl gets: the option's (even "", which sends none), else ours.
std::string user_agent(const CurlOptions& options);

}  // namespace wgnet::curl
