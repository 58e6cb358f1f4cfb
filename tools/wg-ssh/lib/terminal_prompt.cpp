#include "terminal_prompt.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wgnet/fd.hpp"

namespace wgnet::ssh {
namespace {

Fd open_tty() {
  return Fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
}

}  // namespace

bool tell_terminal(std::string_view text) {
  Fd tty = open_tty();
  return tty && tools::write_all(tty.get(), text);
}

Result<std::string> ask_terminal(std::string_view prompt, Echo echo) {
  Fd tty = open_tty();
  if (!tty) {
    return make_error(ErrorCode::kIo, std::string("no terminal to ask on (/dev/tty: ") +
                                          std::strerror(errno) + ")");
  }
  tools::TypedLine typed = tools::read_typed_line(tty.get(), tty.get(), prompt, echo);
  if (typed.interrupted) return make_error(ErrorCode::kClosed, "interrupted");
  if (typed.end_of_input)
    return make_error(ErrorCode::kClosed, "no answer (end of input on the terminal)");
  return std::move(typed.text);
}

}  // namespace wgnet::ssh
