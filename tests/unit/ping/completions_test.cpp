// wg-ping's bash, zsh and fish completions and its man page offer exactly the options the
// parser takes (every one of them, none other), and the files parse in their shells.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "ping_options.hpp"
#include "shell_test_support.hpp"

namespace wgnet::ping {
namespace {

using test::read_file;
using test::repo_root;
using test::run_shell;

const std::set<std::string> kParserOptions = {
    "-4", "-6", "-c", "-h", "-i",     "-n",        "-q",          "-s",
    "-v", "-V", "-w", "-W", "--help", "--version", "--wg-config", "--no-share"};

std::set<std::string> all_matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> found;
  std::regex re(pattern);
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    found.insert((*it)[1].str());
  return found;
}

TEST(PingCompletions, TheParserTakesEveryListedOption) {
  for (const auto& option : kParserOptions) {
    std::vector<std::string> args{option};
    if (option == "--wg-config") args.push_back("x.conf");
    if (option.size() == 2 && std::string("ciswW").find(option[1]) != std::string::npos)
      args.push_back("1");
    args.push_back("host");
    auto parsed = parse_command_line(args);
    EXPECT_FALSE(parsed.error) << option << ": " << parsed.error->message;
  }
}

TEST(PingCompletions, BashOffersEveryOptionAndCompletesTheConfigFlag) {
  std::string file = (repo_root() / "completions/wg-ping.bash").string();
  std::string offered = run_shell("bash --norc -c 'source \"" + file +
                                  "\"; COMP_WORDS=(wg-ping -); COMP_CWORD=1; _wg_ping; "
                                  "printf \"%s\\n\" \"${COMPREPLY[@]}\"' 2>&1");
  EXPECT_EQ(all_matches(offered, R"((--?[A-Za-z0-9\-]+))"), kParserOptions) << offered;
  std::string after_count = run_shell("bash --norc -c 'source \"" + file +
                                      "\"; COMP_WORDS=(wg-ping -c \"\"); COMP_CWORD=2; _wg_ping; "
                                      "printf \"%s\\n\" \"${COMPREPLY[@]}\"' 2>&1");
  EXPECT_EQ(after_count, "\n") << "-c takes a count: nothing offered";
}

TEST(PingCompletions, ZshAndFishListEveryOption) {
  std::string zsh = read_file(repo_root() / "completions/_wg-ping");
  EXPECT_EQ(all_matches(zsh, R"((?:['}{,)])(--?[A-Za-z0-9\-]+)(?=[+=\[,}]))"), kParserOptions);
  std::string fish = read_file(repo_root() / "completions/wg-ping.fish");
  std::set<std::string> fish_options;
  for (const auto& s : all_matches(fish, R"( -s ([A-Za-z0-9]))")) fish_options.insert("-" + s);
  for (const auto& l : all_matches(fish, R"( -l ([A-Za-z0-9\-]+))")) fish_options.insert("--" + l);
  EXPECT_EQ(fish_options, kParserOptions);
}

TEST(PingCompletions, ManPageDocumentsEveryOption) {
  std::string man = read_file(repo_root() / "man/wg-ping.1");
  size_t begin = man.find(".SH OPTIONS");
  size_t end = man.find(".SH EXIT STATUS");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string section =
      std::regex_replace(man.substr(begin, end - begin), std::regex(R"(\\-)"), "-");
  // The tag lines after .TP name the options.
  std::set<std::string> documented;
  for (const auto& tag : all_matches(section, R"(\.TP\n([^\n]*))"))
    for (const auto& o : all_matches(tag, R"((?:^|[ "])(--?[A-Za-z0-9][A-Za-z0-9\-]*))"))
      documented.insert(o);
  EXPECT_EQ(documented, kParserOptions);
}

TEST(PingCompletions, ZshAndFishFilesParse) {
  // scripts/setup.sh installs both shells; without them this test reports a skip, not a pass.
  for (const char* shell : {"zsh", "fish"})
    if (run_shell(std::string("command -v ") + shell).empty())
      GTEST_SKIP() << shell << " is not installed";
  for (const auto& [shell, file] :
       {std::pair{"zsh", "completions/_wg-ping"}, std::pair{"fish", "completions/wg-ping.fish"}}) {
    int status = -1;
    std::string out =
        run_shell(std::string(shell) + " -n '" + (repo_root() / file).string() + "' 2>&1", &status);
    EXPECT_EQ(status, 0) << file << ": " << out;
  }
  std::string out =
      run_shell("fish -c 'source \"" + (repo_root() / "completions/wg-ping.fish").string() +
                "\"; complete -C \"wg-ping --wg\"' 2>&1");
  EXPECT_EQ(out, "--wg-config\tWireGuard config file (default $WGNET_CONFIG)\n");
}

}  // namespace
}  // namespace wgnet::ping
