// wg-curl's parser against what the real curl 7.88 did with the same command lines
// (curl_fixtures.inc, recorded by fixtures/record_curl_fixtures.py): its error lines and exit
// codes, the request bodies and queries it sent, and which file each URL's body went to.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "curl_options.hpp"
#include "curl_test_support.hpp"

namespace wgnet::curl::test {
namespace {

#include "curl_fixtures.inc"

constexpr const char* kRefusedUrl = "http://127.0.0.1:1/";

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += "[" + a + "] ";
  return s;
}

TEST(CurlOptionsVsCurl, UsageErrorsReadLikeCurlsAndExit2) {
  ScratchDir dir;
  for (const auto& f : kErrorFixtures) {
    std::vector<std::string> args;
    for (const auto& a : f.args) args.push_back(a == "U" ? kRefusedUrl : replace_all(a, "{dir}", dir.path()));
    SCOPED_TRACE(joined(f.args));
    auto r = parse(args);
    if (f.exit_code != kExitUsage) {
      // curl accepted the command line and failed later (connecting to the refused port).
      EXPECT_TRUE(r.ok()) << r.error().message;
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    const std::string& m = r.error().message;
    EXPECT_EQ(m.find('\n'), std::string::npos);
    std::vector<std::string> warnings;
    for (const auto& w : f.warnings) warnings.push_back(replace_all(w, "{dir}", dir.path()));
    if (f.errors.empty()) {
      // curl found it after parsing and said it in a warning only.
      ASSERT_EQ(warnings.size(), 1u);
      EXPECT_EQ(m, warnings[0]);
      continue;
    }
    // The "option X: reason" line first, then what curl said around it.
    EXPECT_EQ(m.rfind(f.errors.back(), 0), 0u) << m;
    for (size_t i = 0; i + 1 < f.errors.size(); ++i) EXPECT_NE(m.find(f.errors[i]), std::string::npos) << m;
    for (const auto& w : warnings) EXPECT_NE(m.find(w), std::string::npos) << m;
  }
}

TEST(CurlOptionsVsCurl, DataIsWhatCurlSent) {
  ScratchDir dir;
  for (const auto& f : kDataFixtures) {
    std::vector<std::string> args;
    bool get = false, url_query = false;
    for (const auto& a : f.args) {
      args.push_back(replace_all(a, "{dir}", dir.path()));
      get = get || a == "-G";
      url_query = url_query || a == "--url-query";
    }
    args.push_back("http://127.0.0.1:1/x");
    SCOPED_TRACE(joined(f.args));
    auto r = parse(args);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const CurlOptions& o = *r->options;
    if (get) {
      EXPECT_TRUE(o.get);
      EXPECT_EQ(o.data, f.query);
    } else if (url_query) {
      EXPECT_EQ(o.url_query, f.query);
      EXPECT_FALSE(o.data);
    } else {
      ASSERT_TRUE(o.data);
      EXPECT_EQ(*o.data, replace_all(f.body, "{dir}", dir.path()));
    }
    std::vector<std::string> warnings;
    for (const auto& w : f.warnings) warnings.push_back(replace_all(w, "{dir}", dir.path()));
    EXPECT_EQ(r->warnings, warnings);
  }
}

TEST(CurlOptionsVsCurl, OutputsPairWithUrlsAsInCurl) {
  for (const auto& f : kOutputFixtures) {
    std::vector<std::string> args;
    for (const auto& a : f.args) args.push_back(replace_all(a, "U/", "http://127.0.0.1:1/"));
    SCOPED_TRACE(joined(f.args));
    auto r = parse(args);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const CurlOptions& o = *r->options;
    ASSERT_EQ(o.urls.size(), f.where.size());
    for (size_t i = 0; i < f.where.size(); ++i) {
      const UrlTarget& t = o.urls[i];
      if (f.where[i] == "-") {
        EXPECT_FALSE(t.output) << i;
        EXPECT_FALSE(t.remote_name) << i;
      } else if (t.remote_name) {
        EXPECT_FALSE(t.output) << i;
        EXPECT_EQ(remote_file_name(t.url), f.where[i]) << i;
      } else {
        EXPECT_EQ(t.output, f.where[i]) << i;
      }
    }
    EXPECT_EQ(r->warnings, f.warnings);
  }
}

}  // namespace
}  // namespace wgnet::curl::test
