// What the tools' command-line tests (test_tools, test_curl, test_ssh) check of a parse error.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "wgnet/result.hpp"

namespace wgnet::test {

// The message of a parse that must fail; a tool prints it as one line ("wg-x: error: ..."), so a
// newline in it fails the test. "" (and a failure) when the parse succeeded.
template <class T>
std::string one_line_error(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << "errors are one line";
  return r.error().message;
}

}  // namespace wgnet::test
