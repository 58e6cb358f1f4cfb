// Shared by the wg-curl unit tests: running the parser on a vector of arguments, and a
// scratch directory with the files the recorded curl fixtures read.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "curl_options.hpp"

namespace wgnet::curl::test {

// Must match TEXT_FILE and BIN_FILE in fixtures/record_curl_fixtures.py.
inline const std::string kTextFile = "line1\r\nline2\n\nlast";
inline const std::string kBinFile = std::string("a\0b\r\nc d&e=f\n", 13);

inline Result<CurlCommand> parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"wg-curl"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_curl_command_line(static_cast<int>(argv.size()), argv.data());
}

// A temporary directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wgcurl-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    EXPECT_FALSE(path_.empty());
    write("text.txt", kTextFile);
    write("bin.bin", kBinFile);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
  }

 private:
  std::string path_;
};

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace wgnet::curl::test
