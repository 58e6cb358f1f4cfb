// The transfers one command-line URL makes: -g, globbed URLs with their -o names, and how curl
// 7.88 reports a glob or an output name it cannot use (texts as real curl printed them).
#include "url_transfers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wgnet::curl {
namespace {

UrlTarget node(std::string url, std::optional<std::string> output = std::nullopt) {
  UrlTarget t;
  t.url = std::move(url);
  t.output = std::move(output);
  return t;
}

// url -> output ("" for none), for every transfer until the end or a failure.
std::vector<std::string> transfers_of(const UrlTarget& target, bool globoff) {
  UrlTransfers transfers(target, globoff);
  std::vector<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    NextTransfer next = transfers.next();
    EXPECT_FALSE(next.failure) << next.failure->message;
    if (!next.target || next.failure) break;
    seen.push_back(next.target->url + " -> " + next.target->output.value_or(""));
  }
  return seen;
}

using Seen = std::vector<std::string>;

TEST(UrlTransfers, GlobOffIsTheUrlAsTypedOnce) {
  EXPECT_EQ(transfers_of(node("http://h/{a,b}\\[1\\]", "#1.out"), true),
            Seen{"http://h/{a,b}\\[1\\] -> #1.out"});
}

TEST(UrlTransfers, EachGlobbedUrlWithItsOutputName) {
  EXPECT_EQ(transfers_of(node("http://h/{a,b}/[1-2]", "dir/#1_#2"), false),
            (Seen{"http://h/a/1 -> dir/a_1", "http://h/a/2 -> dir/a_2", "http://h/b/1 -> dir/b_1",
                  "http://h/b/2 -> dir/b_2"}));
  EXPECT_EQ(transfers_of(node("http://h/{a,b}", "-"), false),
            (Seen{"http://h/a -> -", "http://h/b -> -"}));
  EXPECT_EQ(transfers_of(node("http://h/\\{x\\}"), false), Seen{"http://h/{x} -> "});
}

TEST(UrlTransfers, BadGlobIsCurlsExitThreeWithoutATransfer) {
  UrlTransfers transfers(node("http://h/[1-"), false);
  NextTransfer next = transfers.next();
  ASSERT_TRUE(next.failure);
  EXPECT_EQ(next.failure->code, 3);
  EXPECT_EQ(next.failure->message, "bad range in URL position 13:\nhttp://h/[1-\n            ^");
  EXPECT_FALSE(next.target);
  EXPECT_EQ(next.warning, "");
}

TEST(UrlTransfers, EmptyOutputNameIsCurlsWarningThenWriteError) {
  UrlTransfers transfers(node("http://h/{,a}", "#1"), false);
  NextTransfer next = transfers.next();
  ASSERT_TRUE(next.failure);
  EXPECT_EQ(next.warning, "output glob produces empty string!");
  EXPECT_EQ(next.failure->code, 23);
  EXPECT_EQ(next.failure->message, "Failed writing received data to disk/application");
  ASSERT_TRUE(next.target);
  EXPECT_EQ(next.target->url, "http://h/");  // what -w reports as %{url}
}

TEST(UrlTransfers, TooLongOutputNameIsCurlsBadOutputGlob) {
  UrlTransfers transfers(node("http://h/{" + std::string(6000, 'a') + "}", "#1#1"), false);
  NextTransfer next = transfers.next();
  ASSERT_TRUE(next.failure);
  EXPECT_EQ(next.warning, "bad output glob!");
  EXPECT_EQ(next.failure->code, 27);
  EXPECT_EQ(next.failure->message, "Out of memory");
}

}  // namespace
}  // namespace wgnet::curl
