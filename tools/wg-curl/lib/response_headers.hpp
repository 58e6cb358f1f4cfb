// The response being received, from libcurl's header callback (one line per call, status lines
// of 1xx/401/3xx responses included): its status, whether it has a Location (so -L will follow
// it and its body is not written), and its headers for -w's %{header{...}}.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wgnet::curl {

class ResponseHeaders {
 public:
  // One header callback line, with its CRLF. A status line starts a new response.
  void on_line(std::string_view line);

  long status() const { return status_; }
  bool has_location() const { return has_location_; }
  // A redirect that -L follows: 3xx with a Location header.
  bool is_redirect() const { return status_ >= 300 && status_ <= 399 && has_location_; }
  // The current (last) response's headers, in order, values trimmed.
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  void reset();

 private:
  long status_ = 0;
  bool has_location_ = false;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace wgnet::curl
