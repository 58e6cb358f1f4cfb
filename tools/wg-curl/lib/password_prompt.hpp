// curl's answer to `-u NAME` without a password: before any transfer it asks
// "Enter host password for user 'NAME':" on stderr and reads the answer from the terminal with
// echo off, or from stdin when there is no terminal (so `printf 'pw\n' | wg-curl -u NAME URL`
// works in a script, as it does with curl).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wgnet::curl {

// The question curl would ask for this -u value; nullopt when it already holds a password
// (a ':') or names none to ask for (starts with ';', options only).
std::optional<std::string> password_question(std::string_view user);

// The -u value with the typed password added, "NAME[;OPTIONS]:PASSWORD", as curl builds it.
std::string with_password(std::string_view user, std::string_view password);

// Asks on the terminal (or stdin) when password_question() says so, and completes `user`.
void ask_missing_password(std::optional<std::string>& user);

}  // namespace wgnet::curl
