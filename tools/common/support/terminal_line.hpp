// One line typed at a prompt, as ssh's read_passphrase() and curl's getpass_r() read it: the
// prompt goes out on one fd, the answer comes in on another, with echo off for secrets. The
// terminal is put back also when a signal arrives mid-question; the signal is then delivered
// again with its previous handler, so ^C at a password prompt ends the tool as it would end
// ssh or curl, not with the terminal left silent.
#pragma once

#include <string>
#include <string_view>

#include "write_all.hpp"

namespace wgnet::tools {

enum class Echo { kOn, kOff };

struct TypedLine {
  std::string text;           // without its newline
  bool end_of_input = false;  // nothing typed before EOF (^D, closed pipe)
  bool interrupted = false;   // a signal came (and did not end the process)
};

// Writes `prompt` to prompt_fd, then reads up to a newline (or EOF) from input_fd. With
// Echo::kOff and a terminal on input_fd, what is typed is not shown, and a newline is written to
// prompt_fd afterwards in place of the unechoed Enter.
TypedLine read_typed_line(int input_fd, int prompt_fd, std::string_view prompt, Echo echo);

// Overwrites a secret in place before it is released.
void wipe(std::string& secret);

}  // namespace wgnet::tools
