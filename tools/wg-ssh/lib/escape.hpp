// The interactive session's escape sequences (ssh(1) ESCAPE CHARACTERS, clientloop.c
// process_escapes) as a sans-I/O filter: feed the bytes read from the local terminal, get back
// in order the bytes to send to the remote side and the actions to take.
//
// The escape character (default '~') is only special right after a newline (\r or \n) or at the
// start of the session. Recognised: ~. disconnect, ~? help, ~~ one literal ~, ~^Z suspend,
// ~# list forwarded connections, ~& background and ~V/~v log level (reported as actions; the
// help text lists only what wg-ssh's session does with them).
// Any other character after the escape character sends both (as OpenSSH; so do ~B ~C ~R, which
// wg-ssh does not implement). A pending escape character at the end of a feed stays pending
// until the next byte. After a command other than ~. the next byte still counts as line start
// (OpenSSH: "~?~." disconnects).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wgnet::ssh {

enum class EscapeActionKind {
  kSend,        // bytes: send them to the remote side
  kDisconnect,  // ~. : close the connection now ("Connection to HOST closed.")
  kHelp,        // ~? : print escape_help_text() on the local terminal
  kSuspend,     // ~^Z: restore the terminal, raise SIGTSTP, set raw mode again when resumed
  kStatus,      // ~# : print the list of forwarded connections
  kBackground,  // ~& : OpenSSH backgrounds at logout; wg-ssh prints that it is not supported
  kMoreVerbose, // ~v : one step more log output
  kLessVerbose, // ~V : one step less
};

struct EscapeAction {
  EscapeActionKind kind = EscapeActionKind::kSend;
  std::string bytes;  // kSend only
  // Other kinds: what OpenSSH echoes on the local terminal (stderr) for the sequence, "\r\n"
  // line ends: "~.\r\n", "~?\r\n" + escape_help_text(), "~^Z [suspend ssh]\r\n", "~#\r\n",
  // "~V\r\n"... (clientloop.c process_escapes). The caller prints it before acting.
  std::string echo;
};

class EscapeFilter {
 public:
  // nullopt: no escape character ("none"): every byte passes through.
  explicit EscapeFilter(std::optional<char> escape_char = '~');

  // Processes `input`; consecutive bytes to send are merged into one kSend action. After
  // kDisconnect the rest of the input (and any later feed) is dropped.
  std::vector<EscapeAction> feed(std::string_view input);

  bool disconnected() const { return disconnected_; }
  // True when an escape character was read at line start and its command has not come yet.
  bool escape_pending() const { return pending_; }

 private:
  void send(std::vector<EscapeAction>& out, char c) const;
  std::optional<char> escape_char_;
  bool at_line_start_ = true;
  bool pending_ = false;
  bool disconnected_ = false;
};

// OpenSSH's ~? text for `escape_char` (shown as "~" or "^]"), lines ending "\r\n" because the
// terminal is in raw mode.
std::string escape_help_text(char escape_char);

// How OpenSSH shows an escape character: printable as is, control characters as "^X".
std::string escape_char_display(char escape_char);

}  // namespace wgnet::ssh
