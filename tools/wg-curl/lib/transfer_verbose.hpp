// -v: libcurl's debug callback data as the lines curl -v prints ("* " for libcurl's own text,
// "> " for request headers, "< " for response headers; one line per header, CR removed;
// nothing for bodies and TLS records).
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <vector>

namespace wgnet::curl {

std::vector<std::string> verbose_lines(curl_infotype type, std::string_view data);

}  // namespace wgnet::curl
