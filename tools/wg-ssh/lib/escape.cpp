// ssh(1)'s escape sequences, after OpenSSH clientloop.c process_escapes(): the escape character is
// held back at line start, and the byte after it decides.
#include "escape.hpp"

namespace wgnet::ssh {

EscapeFilter::EscapeFilter(std::optional<char> escape_char) : escape_char_(escape_char) {}

void EscapeFilter::send(std::vector<EscapeAction>& out, char c) const {
  if (out.empty() || out.back().kind != EscapeActionKind::kSend) {
    out.push_back({EscapeActionKind::kSend, {}, {}});
  }
  out.back().bytes += c;
}

std::vector<EscapeAction> EscapeFilter::feed(std::string_view input) {
  std::vector<EscapeAction> out;
  if (disconnected_) return out;
  for (char c : input) {
    if (!escape_char_) {
      send(out, c);
      continue;
    }
    const char e = *escape_char_;
    const std::string shown = escape_char_display(e);
    if (pending_) {
      pending_ = false;
      switch (c) {
        case '.':
          out.push_back({EscapeActionKind::kDisconnect, {}, shown + ".\r\n"});
          disconnected_ = true;
          return out;
        case '?':
          out.push_back({EscapeActionKind::kHelp, {}, shown + "?\r\n" + escape_help_text(e)});
          continue;  // still at line start
        case 'Z' - 64:  // ^Z
          out.push_back({EscapeActionKind::kSuspend, {}, shown + "^Z [suspend ssh]\r\n"});
          continue;
        case '#':
          out.push_back({EscapeActionKind::kStatus, {}, shown + "#\r\n"});
          continue;
        case '&':
          out.push_back({EscapeActionKind::kBackground, {}, shown + "&\r\n"});
          continue;
        case 'V':
          out.push_back({EscapeActionKind::kLessVerbose, {}, shown + "V\r\n"});
          continue;
        case 'v':
          out.push_back({EscapeActionKind::kMoreVerbose, {}, shown + "v\r\n"});
          continue;
        default:
          // "~~" sends one escape character; "~x" sends both. Either way the byte then counts
          // as an ordinary one.
          if (c != e) send(out, e);
          break;
      }
    } else if (at_line_start_ && c == e) {
      pending_ = true;
      continue;
    }
    send(out, c);
    at_line_start_ = c == '\r' || c == '\n';
  }
  return out;
}

std::string escape_char_display(char escape_char) {
  unsigned char u = static_cast<unsigned char>(escape_char);
  if (u < 32) return std::string("^") + static_cast<char>(u + 64);
  if (u == 127) return "^?";
  return std::string(1, escape_char);
}

std::string escape_help_text(char escape_char) {
  const std::string e = escape_char_display(escape_char);
  const std::string pad(e.size() > 1 ? 0 : 1, ' ');  // "^]" is one column wider than "~"
  return "Supported escape sequences:\r\n" +
         (" " + e + ".  " + pad + "- terminate connection\r\n") +
         (" " + e + "^Z " + pad + "- suspend ssh\r\n") +
         (" " + e + "#  " + pad + "- list forwarded connections\r\n") +
         (" " + e + "?  " + pad + "- this message\r\n") +
         (" " + e + e + std::string(pad.size() + 2, ' ') +
          "- send the escape character by typing it twice\r\n") +
         "(Note that escapes are only recognized immediately after newline.)\r\n";
}

}  // namespace wgnet::ssh
