// Questions to the person at the controlling terminal (/dev/tty), as OpenSSH's
// read_passphrase(): never through stdin, which carries the session's data. Passwords are read
// with echo off; the terminal is restored also when a signal interrupts the question (the
// signal is then re-raised, so ^C at a password prompt ends wg-ssh as it ends ssh).
#pragma once

#include <string>
#include <string_view>

#include "wgnet/result.hpp"

namespace wgnet::ssh {

enum class Echo { kOn, kOff };

// Writes `prompt` to /dev/tty and reads one line (without its newline). kIo when there is no
// terminal ("no terminal to ask on"), kClosed on EOF (^D).
Result<std::string> ask_terminal(std::string_view prompt, Echo echo);

// Writes text to /dev/tty (e.g. the unknown-host text before its question); false if none.
bool tell_terminal(std::string_view text);

// Overwrites a secret in place before it is released.
void wipe(std::string& secret);

}  // namespace wgnet::ssh
