// wg-dig's presentation against real dig: each fixture holds the bytes a canned server sent to
// dig 9.18 and what dig printed (+nocmd, and +short); formatting the same bytes must print the
// same text. Regenerate with make_fixtures.py.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "dig_format.hpp"

namespace wgnet::dig {
namespace {

struct Fixture {
  const char* name;
  std::vector<uint8_t> wire;
  const char* dig_full;
  const char* dig_short;
};

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = {
#include "dig/dig_fixtures.inc"
  };
  return all;
}

std::string field_after(const std::string& text, const std::string& prefix) {
  auto pos = text.find(prefix);
  if (pos == std::string::npos) return "";
  pos += prefix.size();
  return text.substr(pos, text.find('\n', pos) - pos);
}

// The statistics dig printed (query time, time of day), so that ours can be compared whole.
ReplyInfo info_like_dig(const Fixture& f) {
  ReplyInfo info;
  info.wire = f.wire;
  std::string full = f.dig_full;
  info.server_address = "127.0.0.1";
  info.port = 5400;
  info.server_label = "127.0.0.1";
  info.via_tcp = false;
  info.rtt = std::chrono::milliseconds(std::stoi(field_after(full, ";; Query time: ")));
  std::tm tm{};
  std::string when = field_after(full, ";; WHEN: ");
  EXPECT_NE(strptime(when.c_str(), "%a %b %d %H:%M:%S UTC %Y", &tm), nullptr) << when;
  info.when = timegm(&tm);
  return info;
}

class FormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz ? tz : "";
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string saved_tz_;
  bool had_tz_ = false;
};

TEST_F(FormatTest, FixturesCoverTheRecordTypesOfTheIssue) {
  ASSERT_GE(fixtures().size(), 14u);
}

TEST_F(FormatTest, FullOutputEqualsRealDigForEachFixture) {
  for (const auto& f : fixtures()) {
    SCOPED_TRACE(f.name);
    QuerySettings settings;
    auto text = format_reply(info_like_dig(f), settings);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, f.dig_full);
  }
}

TEST_F(FormatTest, ShortOutputEqualsRealDigForEachFixture) {
  for (const auto& f : fixtures()) {
    SCOPED_TRACE(f.name);
    QuerySettings settings;
    settings.short_form = true;
    auto text = format_reply(info_like_dig(f), settings);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, f.dig_short);
  }
}

const Fixture& fixture(const std::string& name) {
  for (const auto& f : fixtures()) {
    if (name == f.name) return f;
  }
  throw std::runtime_error("no fixture " + name);
}

TEST_F(FormatTest, NoallAnswerPrintsOnlyTheRecords) {
  QuerySettings s;
  s.cmd = s.comments = s.question = s.authority = s.additional = s.stats = false;
  auto text = format_reply(info_like_dig(fixture("cname")), s);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            "www.lab.wgnet.\t\t0\tIN\tCNAME\techo.lab.wgnet.\n"
            "echo.lab.wgnet.\t\t0\tIN\tA\t10.77.0.1\n");
}

TEST_F(FormatTest, NocommentsDropsHeaderTitlesAndBlankLines) {
  QuerySettings s;
  s.comments = false;
  s.stats = false;
  auto text = format_reply(info_like_dig(fixture("a")), s);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            ";echo.lab.wgnet.\t\t\tIN\tA\n"
            "echo.lab.wgnet.\t\t300\tIN\tA\t10.77.0.1\n");
}

TEST_F(FormatTest, StatsLinesOverTcpWithTheServerAsNamed) {
  QuerySettings s;
  s.comments = s.question = s.answer = false;
  ReplyInfo info = info_like_dig(fixture("a"));
  info.via_tcp = true;
  info.rtt = std::chrono::microseconds(12'999);
  info.server_address = "10.77.0.1";
  info.port = 53;
  info.server_label = "ns.lab.wgnet";
  info.when = 0;
  auto text = format_reply(info, s);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            ";; Query time: 12 msec\n"
            ";; SERVER: 10.77.0.1#53(ns.lab.wgnet) (TCP)\n"
            ";; WHEN: Thu Jan 01 00:00:00 UTC 1970\n"
            ";; MSG SIZE  rcvd: 73\n\n");
}

TEST_F(FormatTest, GarbageIsAnErrorNotACrash) {
  std::vector<uint8_t> junk = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  ReplyInfo info;
  info.wire = junk;
  EXPECT_FALSE(format_reply(info, QuerySettings{}));
  std::vector<uint8_t> tiny = {1, 2};
  info.wire = tiny;
  EXPECT_FALSE(format_reply(info, QuerySettings{}));
}

TEST(RecordColumns, TabsUpToTheColumnSpacesPastIt) {
  EXPECT_EQ(format_record_fields("a.", "1", "IN", "A", "1.2.3.4"), "a.\t\t\t1\tIN\tA\t1.2.3.4");
  // Exactly 24 characters: already at the TTL column, so one space.
  std::string owner24(23, 'x');
  owner24 += '.';
  EXPECT_EQ(format_record_fields(owner24, "0", "IN", "A", "x"), owner24 + " 0\tIN\tA\tx");
  EXPECT_EQ(format_record_fields("long-type.", "0", "IN", "TYPE65280", "\\# 0"),
            "long-type.\t\t0\tIN\tTYPE65280 \\# 0");
}

TEST(Banner, NamesTheToolTheArgumentsAndServersFound) {
  EXPECT_EQ(format_banner("@10.77.0.1 echo.lab.wgnet", 1, true),
            "\n; <<>> wg-dig " WGNET_DIG_VERSION
            " <<>> @10.77.0.1 echo.lab.wgnet\n; (1 server found)\n;; global options: +cmd\n");
  EXPECT_EQ(format_banner("x", 2, false),
            "\n; <<>> wg-dig " WGNET_DIG_VERSION " <<>> x\n; (2 servers found)\n");
  EXPECT_EQ(format_banner("x", 0, false), "\n; <<>> wg-dig " WGNET_DIG_VERSION " <<>> x\n");
}

}  // namespace
}  // namespace wgnet::dig
