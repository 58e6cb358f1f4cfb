// The text files wg-ssh reads (ssh_config, known_hosts, identity files): read whole, walked a line
// at a time, the same way everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace wgnet::ssh {

// The file's bytes as they are; nullopt when it cannot be opened (missing, unreadable).
std::optional<std::string> read_text_file(const std::string& path);

// Calls visit(line, line_no) for each line of `text` (split at '\n', which is not part of the
// line; a last line without one counts; line_no from 1). A visitor returning bool stops the walk
// by returning false.
template <class Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    std::string_view line = text.substr(start, end - start);
    if constexpr (std::is_same_v<std::invoke_result_t<Visit&, std::string_view, int>, bool>) {
      if (!visit(line, line_no)) return;
    } else {
      visit(line, line_no);
    }
    start = end + 1;
  }
}

}  // namespace wgnet::ssh
