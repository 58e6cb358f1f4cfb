// Questions to the person at the controlling terminal (/dev/tty), as OpenSSH's
// read_passphrase(): never through stdin, which carries the session's data. Passwords are read
// with echo off (tools/common/support/terminal_line.hpp, which also restores the terminal when a
// signal interrupts the question).
#pragma once

#include <string>
#include <string_view>

#include "terminal_line.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

using tools::Echo;
using tools::wipe;

// Writes `prompt` to /dev/tty and reads one line (without its newline). kIo when there is no
// terminal ("no terminal to ask on"), kClosed on EOF (^D).
Result<std::string> ask_terminal(std::string_view prompt, Echo echo);

// Writes text to /dev/tty (e.g. the unknown-host text before its question); false if none.
bool tell_terminal(std::string_view text);

}  // namespace wgnet::ssh
