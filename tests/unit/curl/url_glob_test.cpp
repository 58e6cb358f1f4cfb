// curl 7.88's URL globbing: every form, the order of the URLs, -o's "#N", and the errors with
// the text real curl 7.88.1 printed for the same URLs (after its "curl: (3) ").
#include "url_glob.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wgnet::curl {
namespace {

std::vector<std::string> expand(const std::string& url) {
  auto glob = UrlGlob::parse(url);
  EXPECT_TRUE(glob.ok()) << url << ": " << (glob.ok() ? "" : glob.error().message);
  std::vector<std::string> urls;
  if (!glob.ok()) return urls;
  while (auto next = glob->next()) {
    urls.push_back(*next);
    if (urls.size() > 1000) break;  // a runaway odometer fails the test instead of hanging it
  }
  EXPECT_EQ(urls.size(), glob->count()) << url;
  return urls;
}

std::string glob_error(const std::string& url) {
  auto glob = UrlGlob::parse(url);
  EXPECT_FALSE(glob.ok()) << url;
  return glob.ok() ? "" : glob.error().message;
}

// curl's three lines: the message with its column, the URL, a caret under the column.
std::string at_column(const std::string& what, size_t column, const std::string& url) {
  return what + " in URL position " + std::to_string(column) + ":\n" + url + "\n" +
         std::string(column - 1, ' ') + "^";
}

using Urls = std::vector<std::string>;

TEST(UrlGlob, PlainUrlIsOneUrl) {
  EXPECT_EQ(expand("http://h/index.html"), Urls{"http://h/index.html"});
}

TEST(UrlGlob, SetsExpandInOrder) {
  EXPECT_EQ(expand("http://h/{a,b,c}.txt"),
            (Urls{"http://h/a.txt", "http://h/b.txt", "http://h/c.txt"}));
  EXPECT_EQ(expand("http://h/x{a,}"), (Urls{"http://h/xa", "http://h/x"}));
  EXPECT_EQ(expand("http://h/{one}"), Urls{"http://h/one"});
}

TEST(UrlGlob, NumberRanges) {
  auto urls = expand("http://h/[1-10]");
  ASSERT_EQ(urls.size(), 10u);
  EXPECT_EQ(urls.front(), "http://h/1");
  EXPECT_EQ(urls.back(), "http://h/10");
  EXPECT_EQ(expand("http://h/[5-5]"), Urls{"http://h/5"});
}

TEST(UrlGlob, ZeroPaddedRangeKeepsTheFirstNumbersWidth) {
  auto urls = expand("http://h/[001-100]");
  ASSERT_EQ(urls.size(), 100u);
  EXPECT_EQ(urls[0], "http://h/001");
  EXPECT_EQ(urls[9], "http://h/010");
  EXPECT_EQ(urls[99], "http://h/100");
  EXPECT_EQ(expand("http://h/[098-101]"),
            (Urls{"http://h/098", "http://h/099", "http://h/100", "http://h/101"}));
}

TEST(UrlGlob, LetterRanges) {
  auto urls = expand("http://h/[a-z]");
  ASSERT_EQ(urls.size(), 26u);
  EXPECT_EQ(urls.front(), "http://h/a");
  EXPECT_EQ(urls.back(), "http://h/z");
  EXPECT_EQ(expand("http://h/[B-D]"), (Urls{"http://h/B", "http://h/C", "http://h/D"}));
}

TEST(UrlGlob, StepsTakeEveryNth) {
  auto urls = expand("http://h/[1-100:10]");
  EXPECT_EQ(urls,
            (Urls{"http://h/1", "http://h/11", "http://h/21", "http://h/31", "http://h/41",
                  "http://h/51", "http://h/61", "http://h/71", "http://h/81", "http://h/91"}));
  EXPECT_EQ(expand("http://h/[a-e:2]"), (Urls{"http://h/a", "http://h/c", "http://h/e"}));
  EXPECT_EQ(expand("http://h/[0-4:2]"), (Urls{"http://h/0", "http://h/2", "http://h/4"}));
}

TEST(UrlGlob, SeveralGlobsTurnRightmostFirst) {
  EXPECT_EQ(expand("http://h/{a,b}/[1-2].{x,y}"),
            (Urls{"http://h/a/1.x", "http://h/a/1.y", "http://h/a/2.x", "http://h/a/2.y",
                  "http://h/b/1.x", "http://h/b/1.y", "http://h/b/2.x", "http://h/b/2.y"}));
}

TEST(UrlGlob, BackslashEscapesGlobCharacters) {
  EXPECT_EQ(expand("http://h/\\{a\\}\\[1\\]"), Urls{"http://h/{a}[1]"});
  EXPECT_EQ(expand("http://h/a\\b"), Urls{"http://h/a\\b"});  // only {}[] are escaped
  EXPECT_EQ(expand("http://h/{a\\,b,c\\}}"), (Urls{"http://h/a,b", "http://h/c}"}));
}

TEST(UrlGlob, Ipv6LiteralAndEmptyBracketsAreText) {
  EXPECT_EQ(expand("http://[::1]:8080/[1-2]"),
            (Urls{"http://[::1]:8080/1", "http://[::1]:8080/2"}));
  EXPECT_EQ(expand("http://[fe80::1]/x"), Urls{"http://[fe80::1]/x"});
  EXPECT_EQ(expand("http://h/[]"), Urls{"http://h/[]"});
}

TEST(UrlGlob, CountIsTheProductAndUrlsAreMadeOneAtATime) {
  auto glob = UrlGlob::parse("http://h/[1-4294967295][1-4294967295]");
  ASSERT_TRUE(glob.ok());
  EXPECT_EQ(glob->count(), 4294967295ull * 4294967295ull);
  EXPECT_EQ(glob->next(), "http://h/11");
  EXPECT_EQ(glob->next(), "http://h/12");
}

TEST(UrlGlob, OutputNameTakesTheNthGlobsCurrentText) {
  auto glob = UrlGlob::parse("http://h/{a,b}/[1-2]/[x-y]");
  ASSERT_TRUE(glob.ok());
  std::vector<std::string> names;
  while (glob->next()) names.push_back(*glob->output_name("#1_#2_#3.out"));
  EXPECT_EQ(names, (Urls{"a_1_x.out", "a_1_y.out", "a_2_x.out", "a_2_y.out", "b_1_x.out",
                         "b_1_y.out", "b_2_x.out", "b_2_y.out"}));
}

TEST(UrlGlob, OutputNameKeepsUnknownHashNumbersAsCurlDoes) {
  auto glob = UrlGlob::parse("http://h/[001-002]");
  ASSERT_TRUE(glob.ok());
  ASSERT_TRUE(glob->next());
  EXPECT_EQ(glob->output_name("f#1-#0-#2-#x-##1"), "f001-#0-#2-#x-#001");
  // Real curl 7.88.1: with no text part, "{a,b}" has one part, so "#1" is not below it.
  auto bare = UrlGlob::parse("{a,b}");
  ASSERT_TRUE(bare.ok());
  ASSERT_TRUE(bare->next());
  EXPECT_EQ(bare->output_name("g_#1"), "g_#1");
  // Nor does a URL without globs replace anything.
  auto plain = UrlGlob::parse("http://h/\\{a\\}");
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(plain->next());
  EXPECT_EQ(plain->output_name("#1"), "#1");
}

TEST(UrlGlob, OutputNameLongerThanCurlsLimitIsRefused) {
  auto glob = UrlGlob::parse("http://h/{" + std::string(6000, 'a') + "}");
  ASSERT_TRUE(glob.ok());
  ASSERT_TRUE(glob->next());
  EXPECT_FALSE(glob->output_name("#1#1"));
  EXPECT_TRUE(glob->output_name("#1"));
}

// Each expected text is what `curl -sS URL` (7.88.1, Debian 12) printed after "curl: (3) ".
TEST(UrlGlob, BadGlobsGiveCurlsMessageAndColumn) {
  const std::string h = "http://127.0.0.1:9/";
  struct Case {
    std::string url, what;
    size_t column;
  };
  const Case cases[] = {
      {h + "[1-", "bad range", 23},
      {h + "{a,b", "unmatched brace", 20},
      {h + "a}", "unmatched close brace/bracket", 21},
      {h + "{a,{b}}", "nested brace", 23},
      {h + "{}", "empty string within braces", 21},
      {h + "[3-1]", "bad range", 25},
      {h + "[a-Z]", "bad range", 25},
      {h + "[1-3:0]", "bad range", 27},
      {h + "[%]", "bad range specification", 21},
      {h + "[1-10:10]", "bad range", 29},
      {h + "[a-z:30]", "bad range", 28},
      {"[1-2", "bad range", 4},
      {h + "{a,]}", "unexpected close bracket", 23},
      {h + "[1-99999999999999999999]", "bad range", 23},
      {h + "[1-4294967295][1-4294967295][1-4294967295]", "range overflow", 62},
      {h + "[a-c", "bad range", 21},
      {h + "[a-cx]", "bad range", 21},
      {h + "[1 -3]", "bad range", 21},
      {h + "[a-]", "bad range", 21},
      {h + "[1-3:]", "bad range", 26},
      {h + "[1-3:-1]", "bad range", 28},
      {h + "[a-c:x]", "bad range", 21},
      // curl's column skips a set's closing brace and an IPv6 literal, and counts escapes.
      {h + "{a}[1-", "bad range", 25},
      {"http://[::1]:9/[1-", "bad range", 14},
      {h + "\\{[1-", "bad range", 25},
      {h + "{a\\,b,c\\}[1-", "nested brace", 29},
  };
  for (const auto& c : cases) EXPECT_EQ(glob_error(c.url), at_column(c.what, c.column, c.url));
}

TEST(UrlGlob, OverflowInASetHasNoColumn) {
  EXPECT_EQ(glob_error("http://127.0.0.1:9/[1-4294967295][1-4294967295]{a,b}"), "range overflow");
}

TEST(UrlGlob, NinetyNinePartsAtMost) {
  std::string url = "http://127.0.0.1:9/";
  for (int i = 0; i < 50; ++i) url += "x{a}";
  EXPECT_EQ(glob_error(url), at_column("too many globs", 170, url));
  std::string most = "http://127.0.0.1:9/";  // text, then 49 times a set and text: 99 parts
  for (int i = 0; i < 49; ++i) most += "x{a}";
  EXPECT_EQ(expand(most + "x").size(), 1u);
}

// Real curl printed 522 bytes for this URL: "curl: (3) ", 511 of the message, "\n".
TEST(UrlGlob, LongMessagesAreCutAsCurlsBufferCutsThem) {
  std::string url = "http://h/" + std::string(600, 'p') + "[1-";
  std::string message = glob_error(url);
  EXPECT_EQ(message.size(), 511u);
  EXPECT_EQ(message.rfind("bad range in URL position 613:\nhttp://h/ppp", 0), 0u);
}

}  // namespace
}  // namespace wgnet::curl
