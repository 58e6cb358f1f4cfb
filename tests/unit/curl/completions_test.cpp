// The shell completions and the man page offer only options the parser takes, and the bash
// completion completes what it should (run in a real bash; zsh and fish files are checked
// for syntax when those shells are installed).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "curl_test_support.hpp"
#include "shell_test_support.hpp"

namespace wgnet::curl::test {
namespace {

namespace fs = std::filesystem;

using wgnet::test::repo_root;
std::string read(const fs::path& p) {
  return wgnet::test::read_file(p);
}
std::string run(const std::string& command, int* status = nullptr) {
  return wgnet::test::run_shell(command, status);
}

std::set<std::string> matches(const std::string& text, const std::regex& re, int group = 1) {
  std::set<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    found.insert((*it)[group].str());
  }
  return found;
}

// The parser knows `option` and wg-curl supports it.
void expect_supported(const std::string& option, const std::string& where) {
  auto r = parse({option, "1", "http://h/"});
  if (r.ok()) return;
  const std::string& m = r.error().message;
  EXPECT_EQ(m.find("is unknown"), std::string::npos) << where << ": " << m;
  EXPECT_EQ(m.find("not supported"), std::string::npos) << where << ": " << m;
  EXPECT_EQ(m.find("is ambiguous"), std::string::npos) << where << ": " << m;
}

TEST(CurlCompletions, BashOffersOnlyOptionsTheParserTakes) {
  std::string text = read(repo_root() / "completions/wg-curl.bash");
  ASSERT_FALSE(text.empty());
  size_t start = text.find("compgen -W '-0");
  ASSERT_NE(start, std::string::npos);
  start = text.find('\'', start) + 1;
  std::string list = text.substr(start, text.find('\'', start) - start);
  auto options = matches(list, std::regex(R"((--?[A-Za-z0-9#][A-Za-z0-9.\-]*))"));
  EXPECT_GT(options.size(), 100u);
  for (const auto& o : options) expect_supported(o, "wg-curl.bash");
}

TEST(CurlCompletions, ZshAndFishOfferOnlyOptionsTheParserTakes) {
  std::string zsh = read(repo_root() / "completions/_wg-curl");
  auto zsh_options =
      matches(zsh, std::regex(R"((?:['}{,)]|^\s*')(--?[A-Za-z0-9#][A-Za-z0-9.\-]*)[+=\[,}])"));
  EXPECT_GT(zsh_options.size(), 90u);
  for (const auto& o : zsh_options) expect_supported(o, "_wg-curl");
  std::string fish = read(repo_root() / "completions/wg-curl.fish");
  auto shorts = matches(fish, std::regex(R"( -s '?([A-Za-z0-9#])'?)"));
  auto longs = matches(fish, std::regex(R"( -l ([A-Za-z0-9.\-]+))"));
  EXPECT_GT(shorts.size() + longs.size(), 100u);
  for (const auto& o : shorts) expect_supported("-" + o, "wg-curl.fish");
  for (const auto& o : longs) expect_supported("--" + o, "wg-curl.fish");
}

TEST(CurlCompletions, ManPageDocumentsOnlyOptionsTheParserTakes) {
  std::string man = read(repo_root() / "man/wg-curl.1");
  size_t begin = man.find(".SH OPTIONS");
  size_t end = man.find("Options of\n.B curl\nthat would leave");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string options = man.substr(begin, end - begin);
  // Tag lines after .TP / .TQ name the options.
  auto tags = matches(options, std::regex(R"(\.T[PQ]\n([^\n]*))"));
  std::set<std::string> names;
  for (const auto& tag : tags) {
    std::string plain = std::regex_replace(tag, std::regex(R"(\\-)"), "-");
    for (const auto& n :
         matches(plain, std::regex(R"((?:^|[ "])(--?[A-Za-z0-9#][A-Za-z0-9.\-]*))"))) {
      names.insert(n);
    }
  }
  EXPECT_GT(names.size(), 80u);
  for (const auto& n : names) expect_supported(n, "wg-curl.1");
  EXPECT_NE(names.count("--cookie-jar"), 0u);
}

TEST(CurlCompletions, BashCompletesOptionsMethodsAndWriteOutVariables) {
  std::string file = (repo_root() / "completions/wg-curl.bash").string();
  auto complete = [&](const std::string& words, int cword) {
    return run("bash --norc -c 'source \"" + file + "\"; COMP_WORDS=(" + words + "); COMP_CWORD=" +
               std::to_string(cword) + "; _wg_curl; printf \"%s\\n\" \"${COMPREPLY[@]}\"' 2>&1");
  };
  EXPECT_EQ(complete("wg-curl --cookie", 1), "--cookie\n--cookie-jar\n");
  EXPECT_EQ(complete("wg-curl -X pa", 2), "PATCH\n");
  EXPECT_EQ(complete("wg-curl -w %{time_t", 2), "%{time_total}\n");
  EXPECT_EQ(complete("wg-curl --tls-max 1.", 2), "1.0\n1.1\n1.2\n1.3\n");
  EXPECT_EQ(complete("wg-curl -m \"\"", 2), "\n") << "a number: nothing offered";
}

TEST(CurlCompletions, ZshAndFishFilesParse) {
  // scripts/setup.sh installs both shells; without them this test reports a skip, not a pass.
  for (const char* shell : {"zsh", "fish"}) {
    if (run(std::string("command -v ") + shell).empty())
      GTEST_SKIP() << shell << " is not installed";
  }
  for (const auto& [shell, file] :
       {std::pair{"zsh", "completions/_wg-curl"}, std::pair{"fish", "completions/wg-curl.fish"}}) {
    int status = -1;
    std::string out =
        run(std::string(shell) + " -n '" + (repo_root() / file).string() + "' 2>&1", &status);
    EXPECT_EQ(status, 0) << file << ": " << out;
  }
  int status = -1;
  std::string out = run("fish -c 'source \"" + (repo_root() / "completions/wg-curl.fish").string() +
                            "\"; complete -C \"wg-curl --cookie-\"' 2>&1",
                        &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "--cookie-jar\tWrite cookies to this file (not -c)\n");
}

}  // namespace
}  // namespace wgnet::curl::test
