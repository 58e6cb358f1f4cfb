// -w: format_write_out against what curl 7.88 printed (curl_fixtures.inc). Each recorded run
// printed its own %{json} and %{header_json} too; the test rebuilds the TransferInfo from those
// (a small JSON reader below) and asks format_write_out for the same format.
#include "write_out.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "curl_test_support.hpp"

namespace wgnet::curl::test {
namespace {

#include "curl_fixtures.inc"

// A JSON value of the shapes curl writes: null, numbers (kept as text), strings, arrays of
// strings, objects of those.
struct Json {
  enum Type { kNull, kNumber, kString, kArray, kObject } type = kNull;
  std::string text;  // number text or string value
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& s) : s_(s) {}
  Json value() {
    skip();
    Json v;
    char c = s_.at(pos_);
    if (c == 'n') {
      pos_ += 4;
    } else if (c == '"') {
      v.type = Json::kString;
      v.text = string();
    } else if (c == '[') {
      v.type = Json::kArray;
      ++pos_;
      skip();
      while (s_.at(pos_) != ']') {
        v.items.push_back(value());
        skip();
        if (s_.at(pos_) == ',') ++pos_;
        skip();
      }
      ++pos_;
    } else if (c == '{') {
      v.type = Json::kObject;
      ++pos_;
      skip();
      while (s_.at(pos_) != '}') {
        std::string key = string();
        skip();
        ++pos_;  // ':'
        v.members.emplace_back(key, value());
        skip();
        if (s_.at(pos_) == ',') ++pos_;
        skip();
      }
      ++pos_;
    } else {
      v.type = Json::kNumber;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '.' || s_[pos_] == '-'))
        v.text += s_[pos_++];
    }
    return v;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  std::string string() {
    std::string out;
    ++pos_;
    while (s_.at(pos_) != '"') {
      char c = s_[pos_++];
      if (c == '\\') {
        char e = s_.at(pos_++);
        out += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
      } else {
        out += c;
      }
    }
    ++pos_;
    return out;
  }
  const std::string& s_;
  size_t pos_ = 0;
};

std::map<std::string, Json> object(const std::string& text) {
  Json j = JsonReader(text).value();
  EXPECT_EQ(j.type, Json::kObject);
  std::map<std::string, Json> m;
  for (auto& [k, v] : j.members) m[k] = v;
  return m;
}

int64_t micros(const std::string& seconds) {  // "1.000250" -> 1000250, exactly
  size_t dot = seconds.find('.');
  EXPECT_NE(dot, std::string::npos);
  EXPECT_EQ(seconds.size() - dot - 1, 6u) << "curl prints six decimals";
  return std::stoll(seconds.substr(0, dot)) * 1000000 + std::stoll(seconds.substr(dot + 1));
}

TransferInfo info_from(const WriteOutTransfer& t) {
  auto m = object(t.json);
  TransferInfo i;
  auto str = [&](const char* k) -> std::optional<std::string> {
    if (m[k].type == Json::kNull) return std::nullopt;
    return m[k].text;
  };
  auto num = [&](const char* k) { return std::stoll(m.at(k).text); };
  i.certs = str("certs");
  i.content_type = str("content_type");
  i.errormsg = str("errormsg").value_or("");
  i.exitcode = static_cast<int>(num("exitcode"));
  i.filename_effective = str("filename_effective");
  i.http_code = static_cast<long>(num("http_code"));
  i.http_connect = static_cast<long>(num("http_connect"));
  const std::string v = m["http_version"].text;
  i.http_version = v == "1" ? 1 : v == "1.1" ? 2 : v == "2" ? 3 : v == "3" ? 30 : 0;
  i.local_ip = m["local_ip"].text;
  i.local_port = static_cast<long>(num("local_port"));
  i.method = m["method"].text;
  i.num_certs = static_cast<long>(num("num_certs"));
  i.measure.num_connects = static_cast<long>(num("num_connects"));
  i.num_headers = static_cast<long>(num("num_headers"));
  i.num_redirects = static_cast<long>(num("num_redirects"));
  i.proxy_ssl_verify_result = static_cast<long>(num("proxy_ssl_verify_result"));
  i.redirect_url = str("redirect_url");
  i.referer = str("referer");
  i.remote_ip = m["remote_ip"].text;
  i.remote_port = static_cast<long>(num("remote_port"));
  EXPECT_EQ(num("response_code"), i.http_code);
  i.scheme = str("scheme").value_or("");
  i.size_download = num("size_download");
  i.measure.header_size = static_cast<long>(num("size_header"));
  i.measure.request_size = static_cast<long>(num("size_request"));
  i.size_upload = num("size_upload");
  i.speed_download = num("speed_download");
  i.speed_upload = num("speed_upload");
  i.ssl_verify_result = static_cast<long>(num("ssl_verify_result"));
  i.measure.appconnect_us = micros(m["time_appconnect"].text);
  i.measure.connect_us = micros(m["time_connect"].text);
  i.measure.namelookup_us = micros(m["time_namelookup"].text);
  i.measure.pretransfer_us = micros(m["time_pretransfer"].text);
  i.measure.redirect_us = micros(m["time_redirect"].text);
  i.measure.starttransfer_us = micros(m["time_starttransfer"].text);
  i.measure.total_us = micros(m["time_total"].text);
  i.url = m["url"].text;
  i.url_effective = m["url_effective"].text;
  i.urlnum = static_cast<long>(num("urlnum"));
  // %{header_json} groups values by name; the first value of each name keeps its place.
  Json headers = JsonReader(t.header_json).value();
  for (auto& [name, values] : headers.members) {
    for (auto& value : values.items) i.headers.emplace_back(name, value.text);
  }
  return i;
}

// The recording ran the system's libcurl; the formatter names the libcurl it runs on.
std::string with_this_libcurl(std::string text) {
  const std::string key = "\"curl_version\":\"";
  for (size_t pos = 0; (pos = text.find(key, pos)) != std::string::npos;) {
    size_t start = pos + key.size();
    size_t end = text.find('"', start);
    text.replace(start, end - start, curl_version());
    pos = start;
  }
  return text;
}

TEST(WriteOutVsCurl, EveryRecordedFormatPrintsAsCurlPrinted) {
  ASSERT_GT(std::size(kWriteOutFixtures), 40u);
  for (const auto& f : kWriteOutFixtures) {
    SCOPED_TRACE(f.run + ": " + f.format);
    std::string out, err;
    for (const auto& t : f.transfers) {
      auto segments = format_write_out(f.format, info_from(t));
      out += write_out_text(segments, WriteOutStream::kStdout);
      err += write_out_text(segments, WriteOutStream::kStderr);
    }
    EXPECT_EQ(out, with_this_libcurl(f.out));
    EXPECT_EQ(err, replace_all(f.err, "curl: unknown", "wg-curl: unknown"));
  }
}

TEST(WriteOut, SegmentsKeepTheirStreamInOrder) {
  TransferInfo info;
  info.http_code = 204;
  auto s = format_write_out("a%{stderr}b%{http_code}%{stdout}c%{nope}d", info);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].stream, WriteOutStream::kStdout);
  EXPECT_EQ(s[0].text, "a");
  EXPECT_EQ(s[1].stream, WriteOutStream::kStderr);
  EXPECT_EQ(s[1].text, "b204");
  EXPECT_EQ(s[2].stream, WriteOutStream::kStdout);
  EXPECT_EQ(s[2].text, "c");
  EXPECT_EQ(s[3].stream, WriteOutStream::kStderr);
  EXPECT_EQ(s[3].text, "wg-curl: unknown --write-out variable: 'nope'\n");
  EXPECT_EQ(s[4].stream, WriteOutStream::kStdout);  // the warning does not switch streams
  EXPECT_EQ(s[4].text, "d");
}

TEST(WriteOut, TimesAndSizesAsCurlFormatsThem) {
  TransferInfo info;
  info.measure.total_us = 12'000'007;
  info.measure.connect_us = 999'999;
  info.size_download = 10'485'760;
  info.speed_download = 1'234'567;
  EXPECT_EQ(write_out_text(format_write_out("%{time_total} %{time_connect} %{time_redirect}", info)),
            "12.000007 0.999999 0.000000");
  EXPECT_EQ(write_out_text(format_write_out("%{size_download} %{speed_download}", info)),
            "10485760 1234567");
  EXPECT_EQ(write_out_text(format_write_out("%{http_code}|%{response_code}", info)), "000|000");
}

TEST(WriteOut, ErrormsgFallsBackToLibcurlsTextForTheCode) {
  TransferInfo info;
  EXPECT_EQ(write_out_text(format_write_out("[%{errormsg}]", info)), "[]");
  info.exitcode = 28;
  EXPECT_EQ(write_out_text(format_write_out("[%{errormsg}]", info)),
            std::string("[") + curl_easy_strerror(CURLE_OPERATION_TIMEDOUT) + "]");
  info.errormsg = "Operation timed out after 1000 milliseconds with 0 bytes received";
  EXPECT_EQ(write_out_text(format_write_out("%{errormsg}", info)), info.errormsg);
}

TEST(WriteOut, HeaderLookupIsCaseInsensitiveFirstValue) {
  TransferInfo info;
  info.headers = {{"X-Multi", "one"}, {"Content-Type", "a/b"}, {"x-multi", "two"}};
  EXPECT_EQ(info.header("x-MULTI"), "one");
  EXPECT_FALSE(info.header("nope"));
  EXPECT_EQ(write_out_text(format_write_out("%header{X-Multi}", info)), "one");
  EXPECT_EQ(write_out_text(format_write_out("%{header_json}", info)),
            "{\"x-multi\":[\"one\",\"two\"],\n\"content-type\":[\"a/b\"]\n}");
}

TEST(WriteOut, JsonEscapesControlBytes) {
  TransferInfo info;
  info.url = std::string("a\"b\\c\x01\n", 7);
  std::string json = write_out_text(format_write_out("%{json}", info));
  EXPECT_NE(json.find("\"url\":\"a\\\"b\\\\c\\u0001\\n\""), std::string::npos) << json;
}

}  // namespace
}  // namespace wgnet::curl::test
