// From a wgnet::Error to the one line a user reads and the exit status a script tests.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diagnostics.hpp"
#include "wgnet/result.hpp"

namespace wgnet::tools {

// Each tool's table: the status its namesake uses for a class of failure. wg-nc uses the
// default (1 for everything, as nc does); curl-like tools list their own codes.
class ExitStatusMap {
 public:
  explicit ExitStatusMap(int fallback = 1,
                         std::initializer_list<std::pair<ErrorCode, int>> overrides = {})
      : fallback_(fallback), overrides_(overrides) {}
  int status_for(ErrorCode code) const;

 private:
  int fallback_;
  std::vector<std::pair<ErrorCode, int>> overrides_;
};

// Short name of a code for debug output ("handshake-timeout").
std::string_view error_code_name(ErrorCode code);

// The error's message as the library wrote it (it names the input and what to check); for an
// empty message, the code's meaning, with what to check for a handshake timeout.
std::string describe_error(const Error& error);

// Prints "tool: error: <describe_error>" and returns the status from `map`.
int report_error(const Diagnostics& diag, const Error& error,
                 const ExitStatusMap& map = ExitStatusMap{});

}  // namespace wgnet::tools
