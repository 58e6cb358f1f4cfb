#include "password_prompt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "terminal_line.hpp"
#include "wgnet/fd.hpp"

namespace wgnet::curl {

std::optional<std::string> password_question(std::string_view user) {
  if (user.find(':') != std::string_view::npos || user.starts_with(';')) return std::nullopt;
  std::string_view name = user.substr(0, user.find(';'));  // ";OPTIONS" is not shown
  return "Enter host password for user '" + std::string(name) + "':";
}

std::string with_password(std::string_view user, std::string_view password) {
  std::string joined(user);
  joined += ':';
  joined += password;
  return joined;
}

void ask_missing_password(std::optional<std::string>& user) {
  if (!user) return;
  std::optional<std::string> question = password_question(*user);
  if (!question) return;
  // As curl: the terminal when there is one, otherwise stdin; the question on stderr.
  Fd tty(::open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC));
  int input = tty ? tty.get() : STDIN_FILENO;
  tools::TypedLine typed =
      tools::read_typed_line(input, STDERR_FILENO, *question, tools::Echo::kOff);
  // Nothing typed (EOF) is an empty password, as with curl.
  *user = with_password(*user, typed.text);
  tools::wipe(typed.text);
}

}  // namespace wgnet::curl
