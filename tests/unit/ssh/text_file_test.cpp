// The shared line walker and file reader of the ssh_config, known_hosts and identity readers.
#include "text_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace wgnet::ssh {
namespace {

using Lines = std::vector<std::pair<std::string, int>>;

Lines lines_of(std::string_view text) {
  Lines out;
  for_each_line(text, [&](std::string_view line, int no) { out.emplace_back(line, no); });
  return out;
}

TEST(TextFile, LinesWithAndWithoutTheLastNewline) {
  EXPECT_EQ(lines_of("a\nb\n"), (Lines{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(lines_of("a\n\nc"), (Lines{{"a", 1}, {"", 2}, {"c", 3}}));
  EXPECT_EQ(lines_of("a\r\n"), (Lines{{"a\r", 1}}));  // only '\n' splits; readers trim the rest
  EXPECT_TRUE(lines_of("").empty());
}

TEST(TextFile, VisitorReturningFalseStopsTheWalk) {
  Lines seen;
  for_each_line("a\nbad\nc\n", [&](std::string_view line, int no) {
    seen.emplace_back(line, no);
    return line != "bad";
  });
  EXPECT_EQ(seen, (Lines{{"a", 1}, {"bad", 2}}));
}

TEST(TextFile, ReadsBytesAsTheyAreOrNothing) {
  std::string path = ::testing::TempDir() + "text_file_test.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string("x\0y\n", 4);
  }
  EXPECT_EQ(read_text_file(path), std::string("x\0y\n", 4));
  std::remove(path.c_str());
  EXPECT_EQ(read_text_file(path), std::nullopt);
}

}  // namespace
}  // namespace wgnet::ssh
