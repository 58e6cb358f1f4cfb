// What the completion and man page tests (test_curl, test_ping) share: the repository's files
// and a bounded shell command's output.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wgnet::test {

// The source tree's root, from CMake (tests/CMakeLists.txt), not from __FILE__: a compiler
// cache with a base directory (ccache's CCACHE_BASEDIR) makes __FILE__ relative.
inline std::filesystem::path repo_root() {
  return std::filesystem::path(WGNET_SOURCE_DIR);
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Output of a shell command; the callers' commands only source a file and print.
inline std::string run_shell(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int st = ::pclose(f);
  if (status) *status = st;
  return out;
}

}  // namespace wgnet::test
