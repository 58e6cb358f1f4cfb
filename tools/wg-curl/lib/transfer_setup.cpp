#include "transfer_setup.hpp"

#include <vector>

#include "transfer_request.hpp"

namespace wgnet::curl {
namespace {

// The largest receive buffer libcurl allows (CURL_MAX_READ_SIZE): fewer, larger reads from the
// socketpair, as curl's own tool does.
constexpr long kReceiveBuffer = 512 * 1024;

long ssl_version_bits(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls1_0:
      return CURL_SSLVERSION_TLSv1_0;
    case TlsVersion::kTls1_1:
      return CURL_SSLVERSION_TLSv1_1;
    case TlsVersion::kTls1_2:
      return CURL_SSLVERSION_TLSv1_2;
    case TlsVersion::kTls1_3:
      return CURL_SSLVERSION_TLSv1_3;
    case TlsVersion::kDefault:
      break;
  }
  return CURL_SSLVERSION_DEFAULT;
}

long http_version_value(HttpVersion version) {
  switch (version) {
    case HttpVersion::kHttp1_0:
      return CURL_HTTP_VERSION_1_0;
    case HttpVersion::kHttp1_1:
      return CURL_HTTP_VERSION_1_1;
    case HttpVersion::kHttp2:
      return CURL_HTTP_VERSION_2_0;
    case HttpVersion::kHttp2PriorKnowledge:
      return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case HttpVersion::kDefault:
      break;
  }
  return CURL_HTTP_VERSION_2TLS;  // libcurl's and curl's default
}

long auth_bits(AuthMethod method) {
  switch (method) {
    case AuthMethod::kDigest:
      return static_cast<long>(CURLAUTH_DIGEST);
    case AuthMethod::kAny:
      return static_cast<long>(CURLAUTH_ANY);
    case AuthMethod::kBasic:
      break;
  }
  return static_cast<long>(CURLAUTH_BASIC);
}

// Collects the first libcurl refusal among many setopt calls.
class Setter {
 public:
  explicit Setter(CURL* easy) : easy_(easy) {}
  template <class T>
  void operator()(CURLoption option, T value, const char* what) {
    CURLcode rc = curl_easy_setopt(easy_, option, value);
    if (rc != CURLE_OK && !failure_) {
      failure_ = TransferFailure{static_cast<int>(rc),
                                 std::string(what) + ": " + curl_easy_strerror(rc)};
    }
  }
  std::optional<TransferFailure> failure() const { return failure_; }

 private:
  CURL* easy_;
  std::optional<TransferFailure> failure_;
};

}  // namespace

std::string protocol_list(bool http, bool https) {
  if (http && https) return "http,https";
  if (https) return "https";
  // With neither, the transfer refuses every URL itself before libcurl sees one.
  return "http";
}

std::pair<std::string, std::optional<std::string>> split_cert_parameter(const std::string& value) {
  std::string file;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == ':') {
      file += ':';
      ++i;
    } else if (value[i] == ':') {
      return {file, value.substr(i + 1)};
    } else {
      file += value[i];
    }
  }
  return {file, std::nullopt};
}

std::optional<TransferFailure> apply_session_options(CURL* easy, const CurlOptions& o) {
  Setter set(easy);
  set(CURLOPT_NOSIGNAL, 1L, "--nosignal");
  // With --limit-rate, reads no larger than a second's worth, so the pauses stay short and
  // even (curl does the same).
  long buffer = kReceiveBuffer;
  if (o.limit_rate && *o.limit_rate < static_cast<uint64_t>(kReceiveBuffer))
    buffer = static_cast<long>(*o.limit_rate);
  set(CURLOPT_BUFFERSIZE, buffer, "buffer size");
  std::string protocols = protocol_list(o.proto_http, o.proto_https);
  set(CURLOPT_PROTOCOLS_STR, protocols.c_str(), "--proto");
  std::string redir = protocol_list(o.redir_http, o.redir_https);
  set(CURLOPT_REDIR_PROTOCOLS_STR, redir.c_str(), "--proto-redir");
  set(CURLOPT_FOLLOWLOCATION, 0L, "-L");  // followed by the transfer, through the tunnel's DNS
  // No proxy, whatever http_proxy/ALL_PROXY/... say: every byte goes through the tunnel.
  set(CURLOPT_PROXY, "", "proxy");
  set(CURLOPT_NOPROXY, "*", "noproxy");
  std::string agent = user_agent(o);
  set(CURLOPT_USERAGENT, agent.c_str(), "-A");
  if (o.compressed) set(CURLOPT_ACCEPT_ENCODING, "", "--compressed");
  set(CURLOPT_HTTP_VERSION, http_version_value(o.http_version), "HTTP version");
  if (o.path_as_is) set(CURLOPT_PATH_AS_IS, 1L, "--path-as-is");
  long ip = o.family == AddressFamily::kV4   ? CURL_IPRESOLVE_V4
            : o.family == AddressFamily::kV6 ? CURL_IPRESOLVE_V6
                                             : CURL_IPRESOLVE_WHATEVER;
  set(CURLOPT_IPRESOLVE, ip, "-4/-6");
  if (o.fail == FailMode::kFail) set(CURLOPT_FAILONERROR, 1L, "-f");
  set(CURLOPT_HTTPAUTH, auth_bits(o.auth), "authentication method");
  if (o.limit_rate) {
    auto rate = static_cast<curl_off_t>(*o.limit_rate);
    set(CURLOPT_MAX_RECV_SPEED_LARGE, rate, "--limit-rate");
    set(CURLOPT_MAX_SEND_SPEED_LARGE, rate, "--limit-rate");
  }
  // curl: -Y without -y means 30 s, -y without -Y means 1 byte/s.
  if (o.speed_time || o.speed_limit) {
    set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.speed_time ? o.speed_time->count() : 30),
        "--speed-time");
    set(CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(o.speed_limit.value_or(1)), "--speed-limit");
  }
  if (o.max_filesize)
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(*o.max_filesize), "--max-filesize");
  if (o.remote_time) set(CURLOPT_FILETIME, 1L, "-R");

  // TLS.
  if (o.insecure) {
    set(CURLOPT_SSL_VERIFYPEER, 0L, "-k");
    set(CURLOPT_SSL_VERIFYHOST, 0L, "-k");
  }
  if (o.cacert) set(CURLOPT_CAINFO, o.cacert->c_str(), "--cacert");
  if (o.capath) set(CURLOPT_CAPATH, o.capath->c_str(), "--capath");
  if (o.cert) {
    auto [file, password] = split_cert_parameter(*o.cert);
    set(CURLOPT_SSLCERT, file.c_str(), "--cert");
    if (password) set(CURLOPT_KEYPASSWD, password->c_str(), "--cert");
  }
  set(CURLOPT_SSLCERTTYPE, o.cert_type.c_str(), "--cert-type");
  if (o.key) set(CURLOPT_SSLKEY, o.key->c_str(), "--key");
  set(CURLOPT_SSLKEYTYPE, o.key_type.c_str(), "--key-type");
  if (o.key_password) set(CURLOPT_KEYPASSWD, o.key_password->c_str(), "--pass");
  if (o.pinned_pubkey) set(CURLOPT_PINNEDPUBLICKEY, o.pinned_pubkey->c_str(), "--pinnedpubkey");
  long tls = ssl_version_bits(o.tls_min);
  if (o.tls_max != TlsVersion::kDefault) tls |= ssl_version_bits(o.tls_max) << 16;
  if (tls != CURL_SSLVERSION_DEFAULT) set(CURLOPT_SSLVERSION, tls, "TLS version");
  return set.failure();
}

std::optional<TransferFailure> load_cookie_files(CURL* easy, const CurlOptions& o) {
  if (o.cookie_files.empty() && !o.cookie_jar) return std::nullopt;
  Setter set(easy);
  std::vector<std::string> cookies;
  if (!o.cookie_files.empty()) {
    set(CURLOPT_COOKIESESSION, o.junk_session_cookies ? 1L : 0L, "-j");
    for (const auto& file : o.cookie_files) set(CURLOPT_COOKIEFILE, file.c_str(), "-b");
    set(CURLOPT_COOKIELIST, "RELOAD", "-b");  // read them now, with -j's rule
    curl_slist* loaded = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_COOKIELIST, &loaded) == CURLE_OK) {
      for (curl_slist* c = loaded; c; c = c->next) cookies.emplace_back(c->data);
      curl_slist_free_all(loaded);
    }
    // Forget the file names (this also empties the engine), then put the cookies back.
    set(CURLOPT_COOKIEFILE, static_cast<const char*>(nullptr), "-b");
  }
  // Turns the engine on (without a file to read); the jar is written when the handle goes.
  set(CURLOPT_COOKIEJAR, o.cookie_jar ? o.cookie_jar->c_str() : nullptr, "--cookie-jar");
  for (const auto& line : cookies) set(CURLOPT_COOKIELIST, line.c_str(), "-b");
  return set.failure();
}

}  // namespace wgnet::curl
