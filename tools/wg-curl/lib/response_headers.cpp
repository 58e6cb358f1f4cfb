#include "response_headers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wgnet::curl {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

void ResponseHeaders::reset() {
  status_ = 0;
  has_location_ = false;
  headers_.clear();
}

void ResponseHeaders::on_line(std::string_view line) {
  if (line.substr(0, 5) == "HTTP/") {
    reset();
    // "HTTP/1.1 200 OK" / "HTTP/2 200"
    size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      std::string_view code = line.substr(space + 1, 3);
      long value = 0;
      if (std::from_chars(code.data(), code.data() + code.size(), value).ec == std::errc())
        status_ = value;
    }
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;  // the blank line, continuations
  std::string_view name = line.substr(0, colon);
  if (iequals(name, "Location")) has_location_ = true;
  headers_.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
}

}  // namespace wgnet::curl
