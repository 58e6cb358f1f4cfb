#include "curl_options.hpp"

#include <cctype>
#include <string_view>

#include "curl_options_values.hpp"

namespace wgnet::curl {

std::string curl_help_text();     // curl_options_help.cpp
std::string curl_version_text();  // curl_options_help.cpp

namespace {

using detail::ParamProblem;

enum class ArgKind { kNone, kBool, kString, kFilename };

enum class Id {
  kUnsupported, kWgConfig, kShare,
  kAnyAuth, kBasic, kBuffer, kCacert, kCapath, kCert, kCertType, kCompressed, kConnectTimeout,
  kConnectTo, kContinueAt, kCookie, kCookieJar, kCreateDirs, kData, kDataAscii, kDataBinary,
  kDataRaw, kDataUrlencode, kDigest, kDisable, kDumpHeader, kFail, kFailWithBody, kForm,
  kFormString, kGet, kGloboff, kHead, kHeader, kHelp, kHttp10, kHttp11, kHttp2, kHttp2Prior,
  kInclude, kInsecure, kIpv4, kIpv6, kJson, kJunkSessionCookies, kKey, kKeyType, kLimitRate,
  kLocation, kLocationTrusted, kMaxFilesize, kMaxRedirs, kMaxTime, kOauth2Bearer, kOutput,
  kOutputDir, kPass, kPathAsIs, kPinnedPubkey, kPost301, kPost302, kPost303, kProgressBar,
  kProgressMeter, kProto, kProtoRedir, kRange, kReferer, kRemoteName, kRemoteNameAll,
  kRemoteTime, kRequest, kResolve, kRetry, kRetryAllErrors, kRetryConnrefused, kRetryDelay,
  kRetryMaxTime, kShowError, kSilent, kSpeedLimit, kSpeedTime, kTlsMax, kTlsv1, kTlsv10,
  kTlsv11, kTlsv12, kTlsv13, kUploadFile, kUrl, kUrlQuery, kUser, kUserAgent, kVerbose,
  kVersion, kWriteOut,
};

struct OptionSpec {
  const char* long_name;
  char short_name;  // 0: long only
  ArgKind kind;
  Id id;
};

// curl 7.88's whole option table, in its order (so that abbreviations resolve, and are
// ambiguous, exactly as in curl), with what wg-curl does with each. -c is the WireGuard config
// here; curl's -c (--cookie-jar) keeps only its long name.
constexpr OptionSpec kOptions[] = {
    {"url", 0, ArgKind::kString, Id::kUrl},
    {"dns-ipv4-addr", 0, ArgKind::kString, Id::kUnsupported},
    {"dns-ipv6-addr", 0, ArgKind::kString, Id::kUnsupported},
    {"random-file", 0, ArgKind::kFilename, Id::kUnsupported},
    {"egd-file", 0, ArgKind::kString, Id::kUnsupported},
    {"oauth2-bearer", 0, ArgKind::kString, Id::kOauth2Bearer},
    {"connect-timeout", 0, ArgKind::kString, Id::kConnectTimeout},
    {"doh-url", 0, ArgKind::kString, Id::kUnsupported},
    {"ciphers", 0, ArgKind::kString, Id::kUnsupported},
    {"dns-interface", 0, ArgKind::kString, Id::kUnsupported},
    {"disable-epsv", 0, ArgKind::kBool, Id::kUnsupported},
    {"disallow-username-in-url", 0, ArgKind::kBool, Id::kUnsupported},
    {"epsv", 0, ArgKind::kBool, Id::kUnsupported},
    {"dns-servers", 0, ArgKind::kString, Id::kUnsupported},
    {"trace", 0, ArgKind::kFilename, Id::kUnsupported},
    {"npn", 0, ArgKind::kBool, Id::kUnsupported},
    {"trace-ascii", 0, ArgKind::kFilename, Id::kUnsupported},
    {"alpn", 0, ArgKind::kBool, Id::kUnsupported},
    {"limit-rate", 0, ArgKind::kString, Id::kLimitRate},
    {"rate", 0, ArgKind::kString, Id::kUnsupported},
    {"compressed", 0, ArgKind::kBool, Id::kCompressed},
    {"tr-encoding", 0, ArgKind::kBool, Id::kUnsupported},
    {"digest", 0, ArgKind::kBool, Id::kDigest},
    {"negotiate", 0, ArgKind::kBool, Id::kUnsupported},
    {"ntlm", 0, ArgKind::kBool, Id::kUnsupported},
    {"ntlm-wb", 0, ArgKind::kBool, Id::kUnsupported},
    {"basic", 0, ArgKind::kBool, Id::kBasic},
    {"anyauth", 0, ArgKind::kBool, Id::kAnyAuth},
    {"wdebug", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-create-dirs", 0, ArgKind::kBool, Id::kUnsupported},
    {"create-dirs", 0, ArgKind::kBool, Id::kCreateDirs},
    {"create-file-mode", 0, ArgKind::kString, Id::kUnsupported},
    {"max-redirs", 0, ArgKind::kString, Id::kMaxRedirs},
    {"proxy-ntlm", 0, ArgKind::kBool, Id::kUnsupported},
    {"crlf", 0, ArgKind::kBool, Id::kUnsupported},
    {"stderr", 0, ArgKind::kFilename, Id::kUnsupported},
    {"aws-sigv4", 0, ArgKind::kString, Id::kUnsupported},
    {"interface", 0, ArgKind::kString, Id::kUnsupported},
    {"krb", 0, ArgKind::kString, Id::kUnsupported},
    {"krb4", 0, ArgKind::kString, Id::kUnsupported},
    {"haproxy-protocol", 0, ArgKind::kBool, Id::kUnsupported},
    {"max-filesize", 0, ArgKind::kString, Id::kMaxFilesize},
    {"disable-eprt", 0, ArgKind::kBool, Id::kUnsupported},
    {"eprt", 0, ArgKind::kBool, Id::kUnsupported},
    {"xattr", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-ssl", 0, ArgKind::kBool, Id::kUnsupported},
    {"ssl", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-pasv", 0, ArgKind::kBool, Id::kUnsupported},
    {"socks5", 0, ArgKind::kString, Id::kUnsupported},
    {"tcp-nodelay", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy-digest", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy-basic", 0, ArgKind::kBool, Id::kUnsupported},
    {"retry", 0, ArgKind::kString, Id::kRetry},
    {"retry-connrefused", 0, ArgKind::kBool, Id::kRetryConnrefused},
    {"retry-delay", 0, ArgKind::kString, Id::kRetryDelay},
    {"retry-max-time", 0, ArgKind::kString, Id::kRetryMaxTime},
    {"proxy-negotiate", 0, ArgKind::kBool, Id::kUnsupported},
    {"form-escape", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-account", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-anyauth", 0, ArgKind::kBool, Id::kUnsupported},
    {"trace-time", 0, ArgKind::kBool, Id::kUnsupported},
    {"ignore-content-length", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-skip-pasv-ip", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-method", 0, ArgKind::kString, Id::kUnsupported},
    {"local-port", 0, ArgKind::kString, Id::kUnsupported},
    {"socks4", 0, ArgKind::kString, Id::kUnsupported},
    {"socks4a", 0, ArgKind::kString, Id::kUnsupported},
    {"ftp-alternative-to-user", 0, ArgKind::kString, Id::kUnsupported},
    {"ftp-ssl-reqd", 0, ArgKind::kBool, Id::kUnsupported},
    {"ssl-reqd", 0, ArgKind::kBool, Id::kUnsupported},
    {"sessionid", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-ssl-control", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-ssl-ccc", 0, ArgKind::kBool, Id::kUnsupported},
    {"ftp-ssl-ccc-mode", 0, ArgKind::kString, Id::kUnsupported},
    {"libcurl", 0, ArgKind::kString, Id::kUnsupported},
    {"raw", 0, ArgKind::kBool, Id::kUnsupported},
    {"post301", 0, ArgKind::kBool, Id::kPost301},
    {"keepalive", 0, ArgKind::kBool, Id::kUnsupported},
    {"socks5-hostname", 0, ArgKind::kString, Id::kUnsupported},
    {"keepalive-time", 0, ArgKind::kString, Id::kUnsupported},
    {"post302", 0, ArgKind::kBool, Id::kPost302},
    {"noproxy", 0, ArgKind::kString, Id::kUnsupported},
    {"socks5-gssapi-nec", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy1.0", 0, ArgKind::kString, Id::kUnsupported},
    {"tftp-blksize", 0, ArgKind::kString, Id::kUnsupported},
    {"mail-from", 0, ArgKind::kString, Id::kUnsupported},
    {"mail-rcpt", 0, ArgKind::kString, Id::kUnsupported},
    {"ftp-pret", 0, ArgKind::kBool, Id::kUnsupported},
    {"proto", 0, ArgKind::kString, Id::kProto},
    {"proto-redir", 0, ArgKind::kString, Id::kProtoRedir},
    {"resolve", 0, ArgKind::kString, Id::kResolve},
    {"delegation", 0, ArgKind::kString, Id::kUnsupported},
    {"mail-auth", 0, ArgKind::kString, Id::kUnsupported},
    {"post303", 0, ArgKind::kBool, Id::kPost303},
    {"metalink", 0, ArgKind::kBool, Id::kUnsupported},
    {"sasl-authzid", 0, ArgKind::kString, Id::kUnsupported},
    {"sasl-ir", 0, ArgKind::kBool, Id::kUnsupported},
    {"test-event", 0, ArgKind::kBool, Id::kUnsupported},
    {"unix-socket", 0, ArgKind::kFilename, Id::kUnsupported},
    {"path-as-is", 0, ArgKind::kBool, Id::kPathAsIs},
    {"socks5-gssapi-service", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-service-name", 0, ArgKind::kString, Id::kUnsupported},
    {"service-name", 0, ArgKind::kString, Id::kUnsupported},
    {"proto-default", 0, ArgKind::kString, Id::kUnsupported},
    {"expect100-timeout", 0, ArgKind::kString, Id::kUnsupported},
    {"tftp-no-options", 0, ArgKind::kBool, Id::kUnsupported},
    {"connect-to", 0, ArgKind::kString, Id::kConnectTo},
    {"abstract-unix-socket", 0, ArgKind::kFilename, Id::kUnsupported},
    {"tls-max", 0, ArgKind::kString, Id::kTlsMax},
    {"suppress-connect-headers", 0, ArgKind::kBool, Id::kUnsupported},
    {"compressed-ssh", 0, ArgKind::kBool, Id::kUnsupported},
    {"happy-eyeballs-timeout-ms", 0, ArgKind::kString, Id::kUnsupported},
    {"retry-all-errors", 0, ArgKind::kBool, Id::kRetryAllErrors},
    {"http1.0", '0', ArgKind::kNone, Id::kHttp10},
    {"http1.1", 0, ArgKind::kNone, Id::kHttp11},
    {"http2", 0, ArgKind::kNone, Id::kHttp2},
    {"http2-prior-knowledge", 0, ArgKind::kNone, Id::kHttp2Prior},
    {"http3", 0, ArgKind::kNone, Id::kUnsupported},
    {"http3-only", 0, ArgKind::kNone, Id::kUnsupported},
    {"http0.9", 0, ArgKind::kBool, Id::kUnsupported},
    {"tlsv1", '1', ArgKind::kNone, Id::kTlsv1},
    {"tlsv1.0", 0, ArgKind::kNone, Id::kTlsv10},
    {"tlsv1.1", 0, ArgKind::kNone, Id::kTlsv11},
    {"tlsv1.2", 0, ArgKind::kNone, Id::kTlsv12},
    {"tlsv1.3", 0, ArgKind::kNone, Id::kTlsv13},
    {"tls13-ciphers", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-tls13-ciphers", 0, ArgKind::kString, Id::kUnsupported},
    {"sslv2", '2', ArgKind::kNone, Id::kUnsupported},
    {"sslv3", '3', ArgKind::kNone, Id::kUnsupported},
    {"ipv4", '4', ArgKind::kNone, Id::kIpv4},
    {"ipv6", '6', ArgKind::kNone, Id::kIpv6},
    {"append", 'a', ArgKind::kBool, Id::kUnsupported},
    {"user-agent", 'A', ArgKind::kString, Id::kUserAgent},
    {"cookie", 'b', ArgKind::kString, Id::kCookie},
    {"alt-svc", 0, ArgKind::kString, Id::kUnsupported},
    {"hsts", 0, ArgKind::kString, Id::kUnsupported},
    {"use-ascii", 'B', ArgKind::kBool, Id::kUnsupported},
    {"cookie-jar", 0, ArgKind::kString, Id::kCookieJar},
    {"continue-at", 'C', ArgKind::kString, Id::kContinueAt},
    {"data", 'd', ArgKind::kString, Id::kData},
    {"data-raw", 0, ArgKind::kString, Id::kDataRaw},
    {"data-ascii", 0, ArgKind::kString, Id::kDataAscii},
    {"data-binary", 0, ArgKind::kString, Id::kDataBinary},
    {"data-urlencode", 0, ArgKind::kString, Id::kDataUrlencode},
    {"json", 0, ArgKind::kString, Id::kJson},
    {"url-query", 0, ArgKind::kString, Id::kUrlQuery},
    {"dump-header", 'D', ArgKind::kFilename, Id::kDumpHeader},
    {"referer", 'e', ArgKind::kString, Id::kReferer},
    {"cert", 'E', ArgKind::kFilename, Id::kCert},
    {"cacert", 0, ArgKind::kFilename, Id::kCacert},
    {"cert-type", 0, ArgKind::kString, Id::kCertType},
    {"key", 0, ArgKind::kFilename, Id::kKey},
    {"key-type", 0, ArgKind::kString, Id::kKeyType},
    {"pass", 0, ArgKind::kString, Id::kPass},
    {"engine", 0, ArgKind::kString, Id::kUnsupported},
    {"capath", 0, ArgKind::kFilename, Id::kCapath},
    {"pubkey", 0, ArgKind::kString, Id::kUnsupported},
    {"hostpubmd5", 0, ArgKind::kString, Id::kUnsupported},
    {"hostpubsha256", 0, ArgKind::kString, Id::kUnsupported},
    {"crlfile", 0, ArgKind::kFilename, Id::kUnsupported},
    {"tlsuser", 0, ArgKind::kString, Id::kUnsupported},
    {"tlspassword", 0, ArgKind::kString, Id::kUnsupported},
    {"tlsauthtype", 0, ArgKind::kString, Id::kUnsupported},
    {"ssl-allow-beast", 0, ArgKind::kBool, Id::kUnsupported},
    {"ssl-auto-client-cert", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy-ssl-auto-client-cert", 0, ArgKind::kBool, Id::kUnsupported},
    {"pinnedpubkey", 0, ArgKind::kString, Id::kPinnedPubkey},
    {"proxy-pinnedpubkey", 0, ArgKind::kString, Id::kUnsupported},
    {"cert-status", 0, ArgKind::kBool, Id::kUnsupported},
    {"doh-cert-status", 0, ArgKind::kBool, Id::kUnsupported},
    {"false-start", 0, ArgKind::kBool, Id::kUnsupported},
    {"ssl-no-revoke", 0, ArgKind::kBool, Id::kUnsupported},
    {"ssl-revoke-best-effort", 0, ArgKind::kBool, Id::kUnsupported},
    {"tcp-fastopen", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy-tlsuser", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-tlspassword", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-tlsauthtype", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-cert", 0, ArgKind::kFilename, Id::kUnsupported},
    {"proxy-cert-type", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-key", 0, ArgKind::kFilename, Id::kUnsupported},
    {"proxy-key-type", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-pass", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-ciphers", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-crlfile", 0, ArgKind::kFilename, Id::kUnsupported},
    {"proxy-ssl-allow-beast", 0, ArgKind::kBool, Id::kUnsupported},
    {"login-options", 0, ArgKind::kString, Id::kUnsupported},
    {"proxy-cacert", 0, ArgKind::kFilename, Id::kUnsupported},
    {"proxy-capath", 0, ArgKind::kFilename, Id::kUnsupported},
    {"proxy-insecure", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxy-tlsv1", 0, ArgKind::kNone, Id::kUnsupported},
    {"socks5-basic", 0, ArgKind::kBool, Id::kUnsupported},
    {"socks5-gssapi", 0, ArgKind::kBool, Id::kUnsupported},
    {"etag-save", 0, ArgKind::kFilename, Id::kUnsupported},
    {"etag-compare", 0, ArgKind::kFilename, Id::kUnsupported},
    {"curves", 0, ArgKind::kString, Id::kUnsupported},
    {"fail", 'f', ArgKind::kBool, Id::kFail},
    {"fail-early", 0, ArgKind::kBool, Id::kUnsupported},
    {"styled-output", 0, ArgKind::kBool, Id::kUnsupported},
    {"mail-rcpt-allowfails", 0, ArgKind::kBool, Id::kUnsupported},
    {"fail-with-body", 0, ArgKind::kBool, Id::kFailWithBody},
    {"remove-on-error", 0, ArgKind::kBool, Id::kUnsupported},
    {"form", 'F', ArgKind::kString, Id::kForm},
    {"form-string", 0, ArgKind::kString, Id::kFormString},
    {"globoff", 'g', ArgKind::kBool, Id::kGloboff},
    {"get", 'G', ArgKind::kBool, Id::kGet},
    {"request-target", 0, ArgKind::kString, Id::kUnsupported},
    {"help", 'h', ArgKind::kBool, Id::kHelp},
    {"header", 'H', ArgKind::kString, Id::kHeader},
    {"proxy-header", 0, ArgKind::kString, Id::kUnsupported},
    {"include", 'i', ArgKind::kBool, Id::kInclude},
    {"head", 'I', ArgKind::kBool, Id::kHead},
    {"junk-session-cookies", 'j', ArgKind::kBool, Id::kJunkSessionCookies},
    {"remote-header-name", 'J', ArgKind::kBool, Id::kUnsupported},
    {"insecure", 'k', ArgKind::kBool, Id::kInsecure},
    {"doh-insecure", 0, ArgKind::kBool, Id::kUnsupported},
    {"config", 'K', ArgKind::kFilename, Id::kUnsupported},
    {"list-only", 'l', ArgKind::kBool, Id::kUnsupported},
    {"location", 'L', ArgKind::kBool, Id::kLocation},
    {"location-trusted", 0, ArgKind::kBool, Id::kLocationTrusted},
    {"max-time", 'm', ArgKind::kString, Id::kMaxTime},
    {"manual", 'M', ArgKind::kBool, Id::kUnsupported},
    {"netrc", 'n', ArgKind::kBool, Id::kUnsupported},
    {"netrc-optional", 0, ArgKind::kBool, Id::kUnsupported},
    {"netrc-file", 0, ArgKind::kFilename, Id::kUnsupported},
    {"buffer", 'N', ArgKind::kBool, Id::kBuffer},
    {"output", 'o', ArgKind::kFilename, Id::kOutput},
    {"remote-name", 'O', ArgKind::kBool, Id::kRemoteName},
    {"remote-name-all", 0, ArgKind::kBool, Id::kRemoteNameAll},
    {"output-dir", 0, ArgKind::kString, Id::kOutputDir},
    {"clobber", 0, ArgKind::kBool, Id::kUnsupported},
    {"proxytunnel", 'p', ArgKind::kBool, Id::kUnsupported},
    {"ftp-port", 'P', ArgKind::kString, Id::kUnsupported},
    {"disable", 'q', ArgKind::kBool, Id::kDisable},
    {"quote", 'Q', ArgKind::kString, Id::kUnsupported},
    {"range", 'r', ArgKind::kString, Id::kRange},
    {"remote-time", 'R', ArgKind::kBool, Id::kRemoteTime},
    {"silent", 's', ArgKind::kBool, Id::kSilent},
    {"show-error", 'S', ArgKind::kBool, Id::kShowError},
    {"telnet-option", 't', ArgKind::kString, Id::kUnsupported},
    {"upload-file", 'T', ArgKind::kFilename, Id::kUploadFile},
    {"user", 'u', ArgKind::kString, Id::kUser},
    {"proxy-user", 'U', ArgKind::kString, Id::kUnsupported},
    {"verbose", 'v', ArgKind::kBool, Id::kVerbose},
    {"version", 'V', ArgKind::kBool, Id::kVersion},
    {"write-out", 'w', ArgKind::kString, Id::kWriteOut},
    {"proxy", 'x', ArgKind::kString, Id::kUnsupported},
    {"preproxy", 0, ArgKind::kString, Id::kUnsupported},
    {"request", 'X', ArgKind::kString, Id::kRequest},
    {"speed-limit", 'Y', ArgKind::kString, Id::kSpeedLimit},
    {"speed-time", 'y', ArgKind::kString, Id::kSpeedTime},
    {"time-cond", 'z', ArgKind::kString, Id::kUnsupported},
    {"parallel", 'Z', ArgKind::kBool, Id::kUnsupported},
    {"parallel-max", 0, ArgKind::kString, Id::kUnsupported},
    {"parallel-immediate", 0, ArgKind::kBool, Id::kUnsupported},
    {"progress-bar", '#', ArgKind::kBool, Id::kProgressBar},
    {"progress-meter", 0, ArgKind::kBool, Id::kProgressMeter},
    {"next", ':', ArgKind::kNone, Id::kUnsupported},
    {"wg-config", 'c', ArgKind::kFilename, Id::kWgConfig},
    {"share", 0, ArgKind::kBool, Id::kShare},  // --no-share: a tunnel of our own
};

const OptionSpec* find_short(char letter) {
  for (const auto& o : kOptions) {
    if (o.short_name == letter) return &o;
  }
  return nullptr;
}

bool iequals_prefix(std::string_view name, std::string_view word) {
  if (word.size() > name.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) !=
        std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return true;
}

// curl's request kinds, for "You can only select one HTTP request method!".
enum class HttpReq { kUnspec, kGet, kHead, kMimePost, kSimplePost, kPut };
const char* request_name(HttpReq r) {
  switch (r) {
    case HttpReq::kGet: return "GET (-G, --get)";
    case HttpReq::kHead: return "HEAD (-I, --head)";
    case HttpReq::kMimePost: return "multipart formpost (-F, --form)";
    case HttpReq::kSimplePost: return "POST (-d, --data)";
    case HttpReq::kPut: return "PUT (-T, --upload-file)";
    case HttpReq::kUnspec: break;
  }
  return "";
}

// One of curl's "getout" nodes: a URL and the -o/-O/-T that pair with it.
struct Node {
  UrlTarget target;
  bool has_url = false;
  bool has_out = false;
  bool has_upload = false;
};

struct Parser {
  CurlOptions o;
  std::vector<std::string> warnings;
  std::vector<Node> nodes;
  bool remote_name_all = false;
  HttpReq httpreq = HttpReq::kUnspec;
  std::string method_conflict;  // set by the first conflicting request kind
  bool fail = false, fail_with_body = false;
  bool progress_bar = false, no_progress = false;
  bool http_version_set = false;
  enum class Stop { kNone, kHelp, kVersion } stop = Stop::kNone;

  // Fills the first node, in order, whose flag is not set yet, or adds one (curl's url_get,
  // url_out and url_ul cursors all do this).
  Node& node_without(bool Node::*flag) {
    for (auto& n : nodes) {
      if (!(n.*flag)) return n;
    }
    Node n;
    n.target.remote_name = remote_name_all;
    nodes.push_back(std::move(n));
    return nodes.back();
  }

  // curl's SetHTTPrequest: false (and the reason in method_conflict) when another kind of
  // request was asked for already.
  bool set_request(HttpReq req) {
    if (httpreq == HttpReq::kUnspec || httpreq == req) {
      httpreq = req;
      return true;
    }
    if (method_conflict.empty()) {
      method_conflict = std::string("You can only select one HTTP request method! You asked for both ") +
                        request_name(req) + " and " + request_name(httpreq) + ".";
    }
    return false;
  }

  void add_data(std::string part, bool json) {
    if (!o.data) {
      o.data = std::move(part);
    } else {
      if (!json) *o.data += '&';  // --json parts are glued on without a separator, as curl
      *o.data += part;
    }
  }

  void set_http_version(HttpVersion v) {
    if (http_version_set && o.http_version != v) {
      warnings.push_back("Overrides previous HTTP version option");
    }
    o.http_version = v;
    http_version_set = true;
  }

  ParamProblem apply(Id id, const std::string& value, bool toggle, std::string& detail);
};

ParamProblem Parser::apply(Id id, const std::string& v, bool toggle, std::string& detail) {
  using std::chrono::seconds;
  long n = 0;
  ParamProblem p = ParamProblem::kOk;
  switch (id) {
    case Id::kUnsupported:
      return ParamProblem::kUnsupported;
    case Id::kWgConfig:
      o.config_path = v;
      break;
    case Id::kShare:
      o.share = toggle;
      break;
    case Id::kUrl: {
      Node& node = node_without(&Node::has_url);
      node.target.url = v;
      node.has_url = true;
      break;
    }
    case Id::kOutput:
    case Id::kRemoteName: {
      if (id == Id::kOutput && v.empty()) {
        warnings.push_back("output file name has no length");
        return ParamProblem::kBadUse;
      }
      Node& node = node_without(&Node::has_out);
      if (id == Id::kOutput) {
        node.target.output = v;
        node.target.remote_name = false;
      } else {
        node.target.output.reset();
        node.target.remote_name = toggle;
      }
      node.has_out = true;
      break;
    }
    case Id::kRemoteNameAll:
      remote_name_all = toggle;
      break;
    case Id::kUploadFile: {
      Node& node = node_without(&Node::has_upload);
      node.has_upload = true;
      if (!v.empty()) node.target.upload = v;  // "-T ''" means no upload for this URL
      break;
    }
    case Id::kOutputDir:
      o.output_dir = v;
      break;
    case Id::kCreateDirs:
      o.create_dirs = toggle;
      break;
    case Id::kSilent:
      o.silent = toggle;
      break;
    case Id::kShowError:
      o.show_error = toggle;
      break;
    case Id::kProgressBar:
      progress_bar = toggle;
      break;
    case Id::kProgressMeter:
      no_progress = !toggle;
      break;
    case Id::kVerbose:
      o.verbosity = toggle ? o.verbosity + 1 : 0;
      break;
    case Id::kInclude:
      o.include = toggle;
      break;
    case Id::kHead:
      o.head = toggle;
      o.include = toggle;
      if (!set_request(toggle ? HttpReq::kHead : HttpReq::kGet)) {
        detail = method_conflict;
        return ParamProblem::kBadUse;
      }
      break;
    case Id::kDumpHeader:
      o.dump_header = v;
      break;
    case Id::kWriteOut:
      if (!v.empty() && v[0] == '@') {
        std::string file = v.substr(1);
        auto text = detail::read_file_text(file);
        if (!text || text->empty()) {
          o.write_out.reset();
          warnings.push_back("Failed to read " + (file == "-" ? std::string("<stdin>") : file));
        } else {
          o.write_out = std::move(*text);
        }
      } else {
        o.write_out = v;
      }
      break;
    case Id::kFail:
    case Id::kFailWithBody:
      (id == Id::kFail ? fail : fail_with_body) = toggle;
      if (fail && fail_with_body) {
        detail = "You must select either --fail or --fail-with-body, not both.";
        return ParamProblem::kBadUse;
      }
      o.fail = fail ? FailMode::kFail : fail_with_body ? FailMode::kFailWithBody : FailMode::kNone;
      break;
    case Id::kMaxFilesize: {
      int64_t size = 0;
      if ((p = detail::parse_size(v, "max-filesize", size, warnings)) != ParamProblem::kOk) return p;
      o.max_filesize = size;
      break;
    }
    case Id::kBuffer:
      o.no_buffer = !toggle;
      break;
    case Id::kRequest:
      o.method = v;
      break;
    case Id::kGet:
      o.get = toggle;
      break;
    case Id::kHeader:
      if (!v.empty() && v[0] == '@') {
        std::string file = v.substr(1);
        auto text = detail::read_file_bytes(file);
        if (!text) {
          warnings.push_back("Failed to open " + file + "!");
          break;
        }
        // strtok on "\r\n": every non-empty line is a header.
        size_t pos = 0;
        while (pos < text->size()) {
          size_t end = text->find_first_of("\r\n", pos);
          if (end == std::string::npos) end = text->size();
          std::string line = text->substr(pos, end - pos);
          line = line.substr(0, line.find('\0'));
          if (!line.empty()) o.headers.push_back(line);
          pos = end + 1;
        }
      } else {
        o.headers.push_back(v);
      }
      break;
    case Id::kUserAgent:
      o.user_agent = v;
      break;
    case Id::kReferer: {
      std::string ref = v;
      size_t autopos = ref.find(";auto");
      o.auto_referer = autopos != std::string::npos;
      if (o.auto_referer) ref.resize(autopos);
      if (ref.empty()) {
        o.referer.reset();
      } else {
        o.referer = ref;
      }
      break;
    }
    case Id::kUser:
      o.user = v;
      break;
    case Id::kBasic:
      if (toggle) o.auth = AuthMethod::kBasic;
      break;
    case Id::kDigest:
      o.auth = toggle ? AuthMethod::kDigest : AuthMethod::kBasic;
      break;
    case Id::kAnyAuth:
      if (toggle) o.auth = AuthMethod::kAny;  // --no-anyauth changes nothing, as in curl
      break;
    case Id::kOauth2Bearer:
      o.oauth2_bearer = v;
      break;
    case Id::kData:
    case Id::kDataAscii:
    case Id::kDataBinary:
    case Id::kJson: {
      bool binary = id == Id::kDataBinary || id == Id::kJson;
      std::string part = v;
      if (!v.empty() && v[0] == '@') {
        std::string file = v.substr(1);
        auto data = binary ? detail::read_file_bytes(file) : detail::read_file_text(file);
        if (!data && file != "-") {
          warnings.push_back("Couldn't read data from file \"" + file +
                             "\", this makes an empty POST.");
        }
        part = data ? std::move(*data) : std::string();
        if (!binary) part = part.substr(0, part.find('\0'));  // file2string is a C string
      }
      if (id == Id::kJson) o.json = true;
      add_data(std::move(part), id == Id::kJson);
      break;
    }
    case Id::kDataRaw:
      add_data(v, false);
      break;
    case Id::kDataUrlencode:
      add_data(detail::data_urlencode(v, warnings), false);
      break;
    case Id::kUrlQuery: {
      std::string q = !v.empty() && v[0] == '+' ? v.substr(1) : detail::data_urlencode(v, warnings);
      o.url_query = o.url_query ? *o.url_query + "&" + q : q;
      break;
    }
    case Id::kForm:
    case Id::kFormString: {
      auto part = detail::parse_form_part(v, id == Id::kFormString, warnings);
      if (!part) {
        detail = part.error().message;
        return ParamProblem::kBadUse;
      }
      o.form.push_back(std::move(*part));
      if (!set_request(HttpReq::kMimePost)) {
        detail = method_conflict;
        return ParamProblem::kBadUse;
      }
      break;
    }
    case Id::kCookie:
      if (!v.empty() && v[0] == '@') {
        o.cookie_files.push_back(v.substr(1));
      } else if (v.find('=') != std::string::npos) {
        o.cookies.push_back(v);
      } else {
        o.cookie_files.push_back(v);
      }
      break;
    case Id::kCookieJar:
      o.cookie_jar = v;
      break;
    case Id::kJunkSessionCookies:
      o.junk_session_cookies = toggle;
      break;
    case Id::kCompressed:
      o.compressed = toggle;
      break;
    case Id::kHttp10:
      set_http_version(HttpVersion::kHttp1_0);
      break;
    case Id::kHttp11:
      set_http_version(HttpVersion::kHttp1_1);
      break;
    case Id::kHttp2:
      set_http_version(HttpVersion::kHttp2);
      break;
    case Id::kHttp2Prior:
      set_http_version(HttpVersion::kHttp2PriorKnowledge);
      break;
    case Id::kPathAsIs:
      o.path_as_is = toggle;
      break;
    case Id::kRange: {
      bool digits_only = !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) &&
                         v.find('-') == std::string::npos;
      if (digits_only) {
        int64_t off = 0;
        if (detail::parse_offset(v, off) != ParamProblem::kOk) {
          warnings.push_back("unsupported range point");
          return ParamProblem::kBadUse;
        }
        warnings.push_back(
            "A specified range MUST include at least one dash (-). Appending one for you!");
        o.range = std::to_string(off) + "-";
      } else {
        for (char c : v) {
          if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != ',') {
            warnings.push_back(
                "Invalid character is found in given range. A specified range MUST have only "
                "digits in 'start'-'stop'. The server's response to this request is uncertain.");
            break;
          }
        }
        o.range = v;
      }
      break;
    }
    case Id::kContinueAt:
      if (v == "-") {
        o.resume = Resume{true, 0};
      } else {
        int64_t off = 0;
        if ((p = detail::parse_offset(v, off)) != ParamProblem::kOk) return p;
        o.resume = Resume{false, off};
      }
      break;
    case Id::kRemoteTime:
      o.remote_time = toggle;
      break;
    case Id::kLocation:
      o.location = toggle;
      break;
    case Id::kLocationTrusted:
      o.location = toggle;
      o.location_trusted = toggle;
      break;
    case Id::kMaxRedirs:
      if ((p = detail::parse_long(v, n)) != ParamProblem::kOk) return p;
      if (n < -1) return ParamProblem::kBadNumeric;
      o.max_redirs = n;
      break;
    case Id::kPost301:
      o.post301 = toggle;
      break;
    case Id::kPost302:
      o.post302 = toggle;
      break;
    case Id::kPost303:
      o.post303 = toggle;
      break;
    case Id::kProto:
      return detail::parse_proto(v, o.proto_http, o.proto_https, warnings);
    case Id::kProtoRedir:
      return detail::parse_proto(v, o.redir_http, o.redir_https, warnings) == ParamProblem::kOk
                 ? ParamProblem::kOk
                 : ParamProblem::kBadUse;
    case Id::kIpv4:
      o.family = AddressFamily::kV4;
      break;
    case Id::kIpv6:
      o.family = AddressFamily::kV6;
      break;
    case Id::kResolve: {
      auto entry = detail::parse_resolve(v);
      if (!entry) {
        detail = "expected [+]HOST:PORT:ADDRESS[,ADDRESS]... or -HOST:PORT";
        return ParamProblem::kBadUse;
      }
      o.resolve.push_back(std::move(*entry));
      break;
    }
    case Id::kConnectTo:
      o.connect_to.push_back(v);
      break;
    case Id::kConnectTimeout:
    case Id::kMaxTime: {
      std::chrono::milliseconds ms{0};
      if ((p = detail::parse_seconds_ms(v, ms)) != ParamProblem::kOk) return p;
      (id == Id::kMaxTime ? o.max_time : o.connect_timeout) = ms;
      break;
    }
    case Id::kLimitRate: {
      int64_t rate = 0;
      if ((p = detail::parse_size(v, "rate", rate, warnings)) != ParamProblem::kOk) return p;
      o.limit_rate = static_cast<uint64_t>(rate);
      break;
    }
    case Id::kSpeedTime:
      if ((p = detail::parse_unsigned_long(v, n)) != ParamProblem::kOk) return p;
      o.speed_time = seconds(n);
      if (o.speed_limit.value_or(0) == 0) o.speed_limit = 1;  // -y alone: below 1 byte/s
      break;
    case Id::kSpeedLimit:
      if ((p = detail::parse_unsigned_long(v, n)) != ParamProblem::kOk) return p;
      o.speed_limit = static_cast<uint64_t>(n);
      if (o.speed_time.value_or(seconds(0)) == seconds(0)) o.speed_time = seconds(30);  // -Y alone
      break;
    case Id::kRetry:
      if ((p = detail::parse_unsigned_long(v, n)) != ParamProblem::kOk) return p;
      o.retry = n;
      break;
    case Id::kRetryDelay:
    case Id::kRetryMaxTime:
      if ((p = detail::parse_unsigned_long(v, n, LONG_MAX / 1000)) != ParamProblem::kOk) return p;
      (id == Id::kRetryDelay ? o.retry_delay : o.retry_max_time) = seconds(n);
      break;
    case Id::kRetryAllErrors:
      o.retry_all_errors = toggle;
      break;
    case Id::kRetryConnrefused:
      o.retry_connrefused = toggle;
      break;
    case Id::kInsecure:
      o.insecure = toggle;
      break;
    case Id::kCacert:
      o.cacert = v;
      break;
    case Id::kCapath:
      o.capath = v;
      break;
    case Id::kCert: {
      std::string file;
      std::optional<std::string> password;
      detail::split_cert_parameter(v, file, password);
      o.cert = file;
      if (password) o.key_password = password;
      break;
    }
    case Id::kCertType:
    case Id::kKeyType: {
      std::string upper;
      for (char c : v) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper != "PEM") {
        detail = "wg-curl takes PEM certificates and keys only";
        return ParamProblem::kBadUse;
      }
      (id == Id::kCertType ? o.cert_type : o.key_type) = "PEM";
      break;
    }
    case Id::kKey:
      o.key = v;
      break;
    case Id::kPass:
      o.key_password = v;
      break;
    case Id::kPinnedPubkey:
      o.pinned_pubkey = v;
      break;
    case Id::kTlsv1:
    case Id::kTlsv10:
      o.tls_min = TlsVersion::kTls1_0;
      break;
    case Id::kTlsv11:
      o.tls_min = TlsVersion::kTls1_1;
      break;
    case Id::kTlsv12:
      o.tls_min = TlsVersion::kTls1_2;
      break;
    case Id::kTlsv13:
      o.tls_min = TlsVersion::kTls1_3;
      break;
    case Id::kTlsMax:
      if (v == "default") {
        o.tls_max = TlsVersion::kDefault;
      } else if (v == "1.0") {
        o.tls_max = TlsVersion::kTls1_0;
      } else if (v == "1.1") {
        o.tls_max = TlsVersion::kTls1_1;
      } else if (v == "1.2") {
        o.tls_max = TlsVersion::kTls1_2;
      } else if (v == "1.3") {
        o.tls_max = TlsVersion::kTls1_3;
      } else {
        return ParamProblem::kBadUse;
      }
      break;
    case Id::kGloboff:
      o.globoff = toggle;
      break;
    case Id::kDisable:  // -q: wg-curl reads no .curlrc anyway
      break;
    case Id::kHelp:
      if (toggle) stop = Stop::kHelp;
      break;
    case Id::kVersion:
      if (toggle) stop = Stop::kVersion;
      break;
  }
  return ParamProblem::kOk;
}

struct ArgError {
  ParamProblem problem = ParamProblem::kOk;
  std::string detail;
};

// curl's getparameter for one argv element starting with '-': a long option (abbreviations
// and --no- allowed) or a bundle of short ones, the last of which may take the rest of the
// element or the next argument as its value.
ArgError get_parameter(Parser& parser, std::string_view flag, const char* next, bool& used_next) {
  used_next = false;
  ArgError err;
  if (flag.size() >= 2 && flag[1] == '-') {
    std::string_view word = flag.substr(2);
    bool toggle = true;
    if (word.substr(0, 3) == "no-") {
      word.remove_prefix(3);
      toggle = false;
    }
    const OptionSpec* hit = nullptr;
    int hits = 0;
    for (const auto& o : kOptions) {
      if (!iequals_prefix(o.long_name, word)) continue;
      if (std::string_view(o.long_name).size() == word.size()) {
        hit = &o;
        hits = 1;
        break;
      }
      ++hits;
      hit = &o;
    }
    if (hits > 1) return {ParamProblem::kAmbiguous, {}};
    if (!hit) return {ParamProblem::kUnknown, {}};
    if (!toggle && hit->kind != ArgKind::kBool) return {ParamProblem::kNoNotBoolean, {}};
    std::string value;
    if (hit->kind == ArgKind::kString || hit->kind == ArgKind::kFilename) {
      if (!next) return {ParamProblem::kRequiresParameter, {}};
      value = next;
      used_next = true;
      if (hit->kind == ArgKind::kFilename && value.size() > 1 && value[0] == '-') {
        parser.warnings.push_back("The file name argument '" + value + "' looks like a flag.");
      }
    }
    err.problem = parser.apply(hit->id, value, toggle, err.detail);
    return err;
  }
  // Short options: "-sSfL", "-ofile", "-o file".
  for (size_t i = 1; i == 1 || i < flag.size(); ++i) {
    char letter = i < flag.size() ? flag[i] : '\0';
    const OptionSpec* hit = letter ? find_short(letter) : nullptr;
    if (!hit) return {ParamProblem::kUnknown, {}};
    std::string value;
    bool takes_value = hit->kind == ArgKind::kString || hit->kind == ArgKind::kFilename;
    if (takes_value) {
      if (i + 1 < flag.size()) {
        value = std::string(flag.substr(i + 1));
      } else if (!next) {
        return {ParamProblem::kRequiresParameter, {}};
      } else {
        value = next;
        used_next = true;
      }
      if (hit->kind == ArgKind::kFilename && value.size() > 1 && value[0] == '-') {
        parser.warnings.push_back("The file name argument '" + value + "' looks like a flag.");
      }
    }
    // -N is "--no-buffer" in short: its long name is --buffer, so it switches buffering off.
    bool toggle = hit->id != Id::kBuffer;
    err.problem = parser.apply(hit->id, value, toggle, err.detail);
    if (err.problem != ParamProblem::kOk || takes_value || parser.stop != Parser::Stop::kNone) {
      return err;
    }
  }
  return err;
}

Error usage_error(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

// Checks that need the whole command line, in the order curl makes them.
Result<void> finish(Parser& parser) {
  CurlOptions& o = parser.o;
  if (parser.nodes.empty() || !parser.nodes.front().has_url) {
    return usage_error("no URL specified!");
  }
  bool extra = false;
  for (auto& node : parser.nodes) {
    if (!node.has_url) {
      extra = true;
      continue;
    }
    o.urls.push_back(std::move(node.target));
  }
  if (extra) parser.warnings.push_back("Got more output options than URLs");
  if (o.data) parser.set_request(o.get ? (o.head ? HttpReq::kHead : HttpReq::kGet)
                                       : HttpReq::kSimplePost);
  for (const auto& url : o.urls) {
    if (url.upload) parser.set_request(HttpReq::kPut);
  }
  if (!parser.method_conflict.empty()) return usage_error(parser.method_conflict);
  o.progress = parser.no_progress    ? ProgressMode::kNone
               : parser.progress_bar ? ProgressMode::kBar
                                     : ProgressMode::kMeter;
  return {};
}

}  // namespace

Result<CurlCommand> parse_curl_command_line(int argc, const char* const* argv) {
  Parser parser;
  bool still_flags = true;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (still_flags && !arg.empty() && arg[0] == '-') {
      if (arg == "--") {
        still_flags = false;
        continue;
      }
      bool used_next = false;
      const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
      size_t warnings_before = parser.warnings.size();
      ArgError err = get_parameter(parser, arg, next, used_next);
      if (err.problem != ParamProblem::kOk) {
        // The caller gets one line: what curl would have warned about goes into it.
        std::string why;
        for (size_t w = warnings_before; w < parser.warnings.size(); ++w) {
          why += (why.empty() ? "" : "; ") + parser.warnings[w];
        }
        if (!err.detail.empty()) why += (why.empty() ? "" : "; ") + err.detail;
        std::string message = "option " + std::string(arg) + ": " +
                              std::string(detail::problem_text(err.problem));
        if (!why.empty()) message += " (" + why + ")";
        return usage_error(std::move(message));
      }
      if (parser.stop == Parser::Stop::kHelp) {
        return CurlCommand{std::nullopt, curl_help_text(), std::move(parser.warnings)};
      }
      if (parser.stop == Parser::Stop::kVersion) {
        return CurlCommand{std::nullopt, curl_version_text(), std::move(parser.warnings)};
      }
      if (used_next) ++i;
    } else {
      std::string unused;
      parser.apply(Id::kUrl, std::string(arg), true, unused);
    }
  }
  if (auto r = finish(parser); !r) return r.error();
  return CurlCommand{std::move(parser.o), {}, std::move(parser.warnings)};
}

std::optional<uint64_t> parse_size_suffix(std::string_view text) {
  std::vector<std::string> ignored;
  int64_t v = 0;
  if (detail::parse_size(text, "size", v, ignored) != ParamProblem::kOk) return std::nullopt;
  return static_cast<uint64_t>(v);
}

std::optional<std::chrono::milliseconds> parse_decimal_seconds(std::string_view text) {
  std::chrono::milliseconds ms{0};
  if (detail::parse_seconds_ms(text, ms) != ParamProblem::kOk) return std::nullopt;
  return ms;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';  // curl 7.88 turns the %20 of a space into '+' (RFC 1866 forms)
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string remote_file_name(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  std::string_view path = rest.substr(slash);
  return std::string(path.substr(path.rfind('/') + 1));
}

}  // namespace wgnet::curl
