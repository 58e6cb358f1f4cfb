#include "write_out.hpp"

#include <curl/curl.h>

#include <cinttypes>
#include <cstdio>

namespace wgnet::curl {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// How a variable prints, as curl's writeString/writeLong/writeOffset/writeTime.
enum class Kind { kString, kLong, kCode, kOffset, kTime, kSpecial };

struct Value {
  bool valid = false;
  Kind kind = Kind::kString;
  std::string text;  // plain form (strings unescaped)
};

enum class Var {
  kCerts, kContentType, kErrormsg, kExitcode, kFilenameEffective, kFtpEntryPath, kHeaderJson,
  kHttpCode, kHttpConnect, kHttpVersion, kJson, kLocalIp, kLocalPort, kMethod, kNumCerts,
  kNumConnects, kNumHeaders, kNumRedirects, kOnerror, kProxySslVerifyResult, kRedirectUrl,
  kReferer, kRemoteIp, kRemotePort, kResponseCode, kScheme, kSizeDownload, kSizeHeader,
  kSizeRequest, kSizeUpload, kSpeedDownload, kSpeedUpload, kSslVerifyResult, kStderr, kStdout,
  kTimeAppconnect, kTimeConnect, kTimeNamelookup, kTimePretransfer, kTimeRedirect,
  kTimeStarttransfer, kTimeTotal, kUrl, kUrlEffective, kUrlnum,
};

struct VarSpec {
  const char* name;
  Var var;
  Kind kind;  // kSpecial: not a value (no JSON member)
};

// curl 7.88's variables, alphabetical as in its table (that order is the order of %{json}).
constexpr VarSpec kVars[] = {
    {"certs", Var::kCerts, Kind::kString},
    {"content_type", Var::kContentType, Kind::kString},
    {"errormsg", Var::kErrormsg, Kind::kString},
    {"exitcode", Var::kExitcode, Kind::kLong},
    {"filename_effective", Var::kFilenameEffective, Kind::kString},
    {"ftp_entry_path", Var::kFtpEntryPath, Kind::kString},
    {"header_json", Var::kHeaderJson, Kind::kSpecial},
    {"http_code", Var::kHttpCode, Kind::kCode},
    {"http_connect", Var::kHttpConnect, Kind::kCode},
    {"http_version", Var::kHttpVersion, Kind::kString},
    {"json", Var::kJson, Kind::kSpecial},
    {"local_ip", Var::kLocalIp, Kind::kString},
    {"local_port", Var::kLocalPort, Kind::kLong},
    {"method", Var::kMethod, Kind::kString},
    {"num_certs", Var::kNumCerts, Kind::kLong},
    {"num_connects", Var::kNumConnects, Kind::kLong},
    {"num_headers", Var::kNumHeaders, Kind::kLong},
    {"num_redirects", Var::kNumRedirects, Kind::kLong},
    {"onerror", Var::kOnerror, Kind::kSpecial},
    {"proxy_ssl_verify_result", Var::kProxySslVerifyResult, Kind::kLong},
    {"redirect_url", Var::kRedirectUrl, Kind::kString},
    {"referer", Var::kReferer, Kind::kString},
    {"remote_ip", Var::kRemoteIp, Kind::kString},
    {"remote_port", Var::kRemotePort, Kind::kLong},
    {"response_code", Var::kResponseCode, Kind::kCode},
    {"scheme", Var::kScheme, Kind::kString},
    {"size_download", Var::kSizeDownload, Kind::kOffset},
    {"size_header", Var::kSizeHeader, Kind::kLong},
    {"size_request", Var::kSizeRequest, Kind::kLong},
    {"size_upload", Var::kSizeUpload, Kind::kOffset},
    {"speed_download", Var::kSpeedDownload, Kind::kOffset},
    {"speed_upload", Var::kSpeedUpload, Kind::kOffset},
    {"ssl_verify_result", Var::kSslVerifyResult, Kind::kLong},
    {"stderr", Var::kStderr, Kind::kSpecial},
    {"stdout", Var::kStdout, Kind::kSpecial},
    {"time_appconnect", Var::kTimeAppconnect, Kind::kTime},
    {"time_connect", Var::kTimeConnect, Kind::kTime},
    {"time_namelookup", Var::kTimeNamelookup, Kind::kTime},
    {"time_pretransfer", Var::kTimePretransfer, Kind::kTime},
    {"time_redirect", Var::kTimeRedirect, Kind::kTime},
    {"time_starttransfer", Var::kTimeStarttransfer, Kind::kTime},
    {"time_total", Var::kTimeTotal, Kind::kTime},
    {"url", Var::kUrl, Kind::kString},
    {"url_effective", Var::kUrlEffective, Kind::kString},
    {"urlnum", Var::kUrlnum, Kind::kLong},
};

std::string time_text(int64_t us) {
  if (us < 0) us = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
  return buf;
}

std::string code_text(long code) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%03ld", code);
  return buf;
}

Value string_value(const std::optional<std::string>& s) {
  if (!s) return {};
  return {true, Kind::kString, *s};
}

Value value_of(const VarSpec& spec, const TransferInfo& t) {
  auto num = [&](int64_t v) { return Value{true, spec.kind, std::to_string(v)}; };
  auto str = [&](std::string s) { return Value{true, Kind::kString, std::move(s)}; };
  switch (spec.var) {
    case Var::kCerts: return string_value(t.certs);
    case Var::kContentType: return string_value(t.content_type);
    case Var::kErrormsg:
      if (t.exitcode == 0) return {};
      return str(!t.errormsg.empty() ? t.errormsg
                                     : curl_easy_strerror(static_cast<CURLcode>(t.exitcode)));
    case Var::kExitcode: return num(t.exitcode);
    case Var::kFilenameEffective: return string_value(t.filename_effective);
    case Var::kFtpEntryPath: return {};  // wg-curl speaks HTTP only
    case Var::kHttpCode:
    case Var::kResponseCode: return {true, Kind::kCode, code_text(t.http_code)};
    case Var::kHttpConnect: return {true, Kind::kCode, code_text(t.http_connect)};
    case Var::kHttpVersion:
      switch (t.http_version) {
        case 0: return str("0");
        case 1: return str("1");  // CURL_HTTP_VERSION_1_0 prints as "1", as in curl
        case 2: return str("1.1");
        case 3: return str("2");
        case 30: return str("3");
        default: return {};
      }
    case Var::kLocalIp: return str(t.local_ip);
    case Var::kLocalPort: return num(t.local_port);
    case Var::kMethod: return str(t.method);
    case Var::kNumCerts: return num(t.num_certs);
    case Var::kNumConnects: return num(t.measure.num_connects);
    case Var::kNumHeaders: return num(t.num_headers);
    case Var::kNumRedirects: return num(t.num_redirects);
    case Var::kProxySslVerifyResult: return num(t.proxy_ssl_verify_result);
    case Var::kRedirectUrl: return string_value(t.redirect_url);
    case Var::kReferer: return string_value(t.referer);
    case Var::kRemoteIp: return str(t.remote_ip);
    case Var::kRemotePort: return num(t.remote_port);
    case Var::kScheme:
      if (t.scheme.empty()) return {};  // libcurl has none before a connection
      return str(t.scheme);
    case Var::kSizeDownload: return num(t.size_download);
    case Var::kSizeHeader: return num(t.measure.header_size);
    case Var::kSizeRequest: return num(t.measure.request_size);
    case Var::kSizeUpload: return num(t.size_upload);
    case Var::kSpeedDownload: return num(t.speed_download);
    case Var::kSpeedUpload: return num(t.speed_upload);
    case Var::kSslVerifyResult: return num(t.ssl_verify_result);
    case Var::kTimeAppconnect: return {true, Kind::kTime, time_text(t.measure.appconnect_us)};
    case Var::kTimeConnect: return {true, Kind::kTime, time_text(t.measure.connect_us)};
    case Var::kTimeNamelookup: return {true, Kind::kTime, time_text(t.measure.namelookup_us)};
    case Var::kTimePretransfer: return {true, Kind::kTime, time_text(t.measure.pretransfer_us)};
    case Var::kTimeRedirect: return {true, Kind::kTime, time_text(t.measure.redirect_us)};
    case Var::kTimeStarttransfer: return {true, Kind::kTime, time_text(t.measure.starttransfer_us)};
    case Var::kTimeTotal: return {true, Kind::kTime, time_text(t.measure.total_us)};
    case Var::kUrl: return str(t.url);
    case Var::kUrlEffective: return str(t.url_effective);
    case Var::kUrlnum: return num(t.urlnum);
    case Var::kHeaderJson:
    case Var::kJson:
    case Var::kOnerror:
    case Var::kStderr:
    case Var::kStdout: break;
  }
  return {};
}

void json_string(std::string& out, std::string_view s, bool lowercase) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 15];
          out += kHex[c & 15];
        } else {
          out += lowercase ? ascii_lower(c) : c;
        }
    }
  }
  out += '"';
}

std::string json_all(const TransferInfo& t) {
  std::string out = "{";
  for (const auto& spec : kVars) {
    if (spec.kind == Kind::kSpecial) continue;
    Value v = value_of(spec, t);
    out += '"';
    out += spec.name;
    out += "\":";
    if (!v.valid) {
      out += "null";
    } else if (v.kind == Kind::kString) {
      json_string(out, v.text, false);
    } else if (v.kind == Kind::kCode) {
      out += std::to_string(spec.var == Var::kHttpConnect ? t.http_connect : t.http_code);
    } else {
      out += v.text;
    }
    out += ',';
  }
  out += "\"curl_version\":";
  json_string(out, curl_version(), false);
  out += '}';
  return out;
}

// curl's headerJSON: each name once (lowercase), at its first place, with all its values.
std::string header_json(const TransferInfo& t) {
  std::string out = "{";
  bool first = true;
  for (size_t i = 0; i < t.headers.size(); ++i) {
    const std::string& name = t.headers[i].first;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) seen = iequals(t.headers[j].first, name);
    if (seen) continue;
    if (!first) out += ",\n";
    first = false;
    json_string(out, name, true);
    out += ":[";
    bool first_value = true;
    for (size_t j = i; j < t.headers.size(); ++j) {
      if (!iequals(t.headers[j].first, name)) continue;
      if (!first_value) out += ',';
      first_value = false;
      json_string(out, t.headers[j].second, false);
    }
    out += ']';
  }
  out += "\n}";
  return out;
}

class Output {
 public:
  void put(WriteOutStream stream, std::string_view text) {
    if (text.empty()) return;
    if (segments_.empty() || segments_.back().stream != stream) {
      segments_.push_back({stream, {}});
    }
    segments_.back().text.append(text);
  }
  std::vector<WriteOutSegment> take() { return std::move(segments_); }

 private:
  std::vector<WriteOutSegment> segments_;
};

}  // namespace

std::optional<std::string> TransferInfo::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<WriteOutSegment> format_write_out(std::string_view format, const TransferInfo& info) {
  Output out;
  WriteOutStream stream = WriteOutStream::kStdout;
  size_t pos = 0;
  const size_t n = format.size();
  while (pos < n) {
    char c = format[pos];
    if (c == '%' && pos + 1 < n) {
      char next = format[pos + 1];
      if (next == '%') {
        out.put(stream, "%");
        pos += 2;
      } else if (next == '{') {
        size_t end = format.find('}', pos);
        pos += 2;
        if (end == std::string_view::npos) {
          out.put(stream, "%{");
          continue;
        }
        std::string_view name = format.substr(pos, end - pos);
        pos = end + 1;
        const VarSpec* spec = nullptr;
        for (const auto& s : kVars) {
          if (iequals(s.name, name)) {
            spec = &s;
            break;
          }
        }
        if (!spec) {
          out.put(WriteOutStream::kStderr,
                  "wg-curl: unknown --write-out variable: '" + std::string(name) + "'\n");
          continue;
        }
        switch (spec->var) {
          case Var::kOnerror:
            if (info.exitcode == 0) return out.take();
            break;
          case Var::kStdout: stream = WriteOutStream::kStdout; break;
          case Var::kStderr: stream = WriteOutStream::kStderr; break;
          case Var::kJson: out.put(stream, json_all(info)); break;
          case Var::kHeaderJson: out.put(stream, header_json(info)); break;
          default: {
            Value v = value_of(*spec, info);
            if (v.valid) out.put(stream, v.text);
          }
        }
      } else if (format.substr(pos + 1, 7) == "header{") {
        pos += 8;
        size_t end = format.find('}', pos);
        if (end == std::string_view::npos) {
          out.put(stream, "%header{");
          continue;
        }
        std::string_view name = format.substr(pos, end - pos);
        pos = end + 1;
        if (name.size() < 256) {  // curl's longest header name
          if (auto v = info.header(name)) out.put(stream, *v);
        }
      } else {
        out.put(stream, format.substr(pos, 2));  // not a variable: printed as it is
        pos += 2;
      }
    } else if (c == '\\' && pos + 1 < n) {
      switch (format[pos + 1]) {
        case 'n': out.put(stream, "\n"); break;
        case 'r': out.put(stream, "\r"); break;
        case 't': out.put(stream, "\t"); break;
        default: out.put(stream, format.substr(pos, 2));
      }
      pos += 2;
    } else {
      out.put(stream, format.substr(pos, 1));
      ++pos;
    }
  }
  return out.take();
}

std::string write_out_text(const std::vector<WriteOutSegment>& segments, WriteOutStream stream) {
  std::string text;
  for (const auto& s : segments) {
    if (s.stream == stream) text += s.text;
  }
  return text;
}

}  // namespace wgnet::curl
