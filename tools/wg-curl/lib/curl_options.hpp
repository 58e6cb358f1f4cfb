// wg-curl's command line: curl 7.88's options and their semantics, parsed by hand because curl's
// syntax does not fit an option library (bundled short options with values "-sSfLofile", long
// options abbreviated to any unique prefix "--sil", "--no-" for every boolean, -o/-O/-T pairing
// with URLs in the order given).
//
// What differs from curl, on purpose:
//   -c is the WireGuard config (as in every wgnet tool); curl's cookie jar is --cookie-jar only.
//   No --next, no -K config files, no .curlrc (so -q is accepted and changes nothing), no proxies.
//
// Errors: every parse error is ErrorCode::kInvalidArgument with one line worded like curl's
// ("option --foo: is unknown", "option -m: expected a proper numerical parameter",
// "option -o: requires parameter", "no URL specified!"); what curl would have printed as a
// warning next to it comes in parentheses ("option --limit-rate: is badly used here
// (unsupported rate unit. Use G, M, K or B!)"). Options curl has but wg-curl refuses (proxies,
// --doh-url, -Z, --next, -K, --http3, FTP/mail/SSH options...) give "option -x: is not
// supported by wg-curl". The caller prints "wg-curl: error: <message>" then kTryHelpLine and
// exits kExitUsage (2, CURLE_FAILED_INIT), as curl does for every usage error.
//
// Files named with '@' are read at parse time where curl reads them at parse time (-d/--data,
// --data-binary, --data-urlencode, --json, -H @file, -w @file; "@-" reads stdin then), so
// CurlOptions holds the bytes. An unreadable file gives curl's warning (in
// CurlCommand::warnings) and goes on as curl does: an empty data part, no -H headers from it,
// no -w format. -F files ('@' and '<', also "-" for stdin), -T files, -b cookie files and
// cert/key files are only named here and opened at transfer time (curl does the same for all
// but -F @-; a missing -F/-T file is exit 26 then).
// Deviation: a --resolve entry libcurl would refuse at transfer time (curl's exit 49) is a
// usage error here (exit 2), and so is a request-method conflict that curl only finds when it
// reaches the URL with -T (it is found before any transfer).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::curl {

// Exit codes of the command-line side (curl's numbers).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;  // CURLE_FAILED_INIT: every parse error
// The WireGuard handshake did not complete (wgnet's own code; curl's stop at 99).
inline constexpr int kExitHandshakeFailed = 100;

// The line printed after a usage error, as curl prints "curl: try 'curl --help' ...".
inline constexpr const char* kTryHelpLine = "wg-curl: try 'wg-curl --help' for more information";

enum class ProgressMode {
  kMeter,  // default: curl's progress meter (shown only when the body does not go to a terminal)
  kBar,    // -# / --progress-bar
  kNone,   // --no-progress-meter
};

enum class FailMode {
  kNone,
  kFail,          // -f / --fail: HTTP >= 400 is exit 22, no body written
  kFailWithBody,  // --fail-with-body: exit 22, body written
};

enum class HttpVersion {
  kDefault,              // libcurl's default (HTTP/2 over TLS if the server offers it)
  kHttp1_0,              // -0 / --http1.0
  kHttp1_1,              // --http1.1
  kHttp2,                // --http2
  kHttp2PriorKnowledge,  // --http2-prior-knowledge
};

enum class AuthMethod {
  kBasic,   // default, --basic
  kDigest,  // --digest
  kAny,     // --anyauth
};

enum class TlsVersion {  // --tlsv1.x (minimum) / --tls-max (maximum)
  kDefault,
  kTls1_0,
  kTls1_1,
  kTls1_2,
  kTls1_3,
};

// One -F / --form-string part, in the order given.
struct FormPart {
  enum class Kind {
    kValue,        // name=value (and every --form-string)
    kFile,         // name=@file: the file uploaded as a file part (read at transfer time)
    kFileContent,  // name=<file: the file's content as the value (read at transfer time)
  };
  Kind kind = Kind::kValue;
  std::string name;
  std::string value;                    // kValue: the value; kFile/kFileContent: the file name
                                        // ("-" = stdin)
  std::optional<std::string> type;      // ;type=text/plain
  std::optional<std::string> filename;  // ;filename=name.txt (what the server is told)
  std::vector<std::string> headers;     // ;headers="X-A: b" (and ;headers=@file lines)
};

// -C / --continue-at.
struct Resume {
  bool from_output_size = false;  // "-C -": from the size of the existing output file
  int64_t offset = 0;             // "-C N": from byte N (0 = from the start)
};

// One --resolve entry "[+|-]host:port:addr[,addr]...".
struct ResolveEntry {
  std::string text;                  // as given, for CURLOPT_RESOLVE
  std::string host;                  // without [] around an IPv6 literal
  uint16_t port = 0;
  std::vector<std::string> addresses;  // empty for a "-host:port" removal
  bool remove = false;                 // leading '-'
  bool transient = false;              // leading '+'
};

// One URL and what pairs with it: curl fills each -o/-O/-T into the first URL (in order) that
// has none yet, wherever it stands on the command line.
struct UrlTarget {
  std::string url;                     // as typed (no scheme: the transfer assumes http://)
  std::optional<std::string> output;   // -o FILE ("-" = stdout)
  bool remote_name = false;            // -O (or --remote-name-all): file name from the URL path
  std::optional<std::string> upload;   // -T FILE ("-" = stdin, "." = stdin non-blocking)
};

struct CurlOptions {
  // wgnet.
  std::string config_path;  // -c / --wg-config; empty: $WGNET_CONFIG (select_config_path)
  bool share = true;        // --no-share: open a tunnel of our own instead of the agent's
  int verbosity = 0;        // -v (curl's verbose output, and the tunnel's -v lines); -vv debug

  std::vector<UrlTarget> urls;  // in order; at least one; globs are expanded at transfer time
  bool globoff = false;         // -g / --globoff: URLs are taken as typed (url_glob.hpp)

  // Output.
  bool silent = false;                        // -s
  bool show_error = false;                    // -S: errors even with -s
  ProgressMode progress = ProgressMode::kMeter;  // -# / --no-progress-meter (-s hides either)
  bool include = false;                       // -i: response headers in the output
  std::optional<std::string> dump_header;     // -D FILE ("-" = stdout)
  bool create_dirs = false;                   // --create-dirs
  std::optional<std::string> output_dir;      // --output-dir DIR
  std::optional<std::string> write_out;       // -w FORMAT (an @file already read)
  FailMode fail = FailMode::kNone;            // -f / --fail-with-body
  std::optional<int64_t> max_filesize;        // --max-filesize BYTES (k/m/g suffixes)
  bool no_buffer = false;                     // -N / --no-buffer: flush the body as it comes

  // Request.
  std::optional<std::string> method;          // -X
  bool head = false;                          // -I / --head
  bool get = false;                           // -G / --get: data goes into the URL's query
  std::vector<std::string> headers;           // -H, in order ("Name:" removes, "Name;" empty)
  std::optional<std::string> user_agent;      // -A ("" = send none)
  std::optional<std::string> referer;         // -e URL (without ";auto")
  bool auto_referer = false;                  // -e ...;auto
  std::optional<std::string> user;            // -u user[:password]
  AuthMethod auth = AuthMethod::kBasic;       // --basic / --digest / --anyauth
  std::optional<std::string> oauth2_bearer;   // --oauth2-bearer TOKEN
  // -d, --data-ascii, --data-binary, --data-raw, --data-urlencode and --json parts after '@'
  // reading and encoding, joined with '&' as curl joins them (--json parts are joined without
  // a separator, as curl does). Unset: no data option was given (not even an empty one).
  std::optional<std::string> data;
  bool json = false;                          // --json: also Content-Type/Accept application/json
  std::vector<FormPart> form;                 // -F / --form-string
  std::vector<std::string> cookies;           // -b NAME=VALUE strings, sent joined with "; "
  std::vector<std::string> cookie_files;      // -b FILE (a -b without '='), read at transfer
  std::optional<std::string> cookie_jar;      // --cookie-jar FILE (never -c)
  bool junk_session_cookies = false;          // -j
  bool compressed = false;                    // --compressed
  HttpVersion http_version = HttpVersion::kDefault;
  bool path_as_is = false;                    // --path-as-is
  std::optional<std::string> range;           // -r RANGE
  std::optional<Resume> resume;               // -C - / -C OFFSET
  bool remote_time = false;                   // -R
  // --url-query parts (7.87 syntax: "+raw", or encoded as --data-urlencode), joined with '&';
  // the transfer appends them to each URL's query.
  std::optional<std::string> url_query;

  // Redirects.
  bool location = false;                      // -L
  bool location_trusted = false;              // --location-trusted (implies -L)
  long max_redirs = 50;                       // --max-redirs (-1 = no limit)
  bool post301 = false, post302 = false, post303 = false;  // --post30x
  // --proto / --proto-redir, resolved against the two schemes wg-curl supports.
  bool proto_http = true, proto_https = true;
  bool redir_http = true, redir_https = true;

  // Connection.
  AddressFamily family = AddressFamily::kAny;  // -4 / -6
  std::vector<ResolveEntry> resolve;           // --resolve, in order
  std::vector<std::string> connect_to;         // --connect-to HOST1:PORT1:HOST2:PORT2
  std::optional<std::chrono::milliseconds> connect_timeout;  // --connect-timeout SECS (decimals)
  std::optional<std::chrono::milliseconds> max_time;         // -m / --max-time SECS (decimals)
  std::optional<uint64_t> limit_rate;          // --limit-rate, bytes/s (k/m/g suffixes)
  std::optional<std::chrono::seconds> speed_time;  // -y / --speed-time
  std::optional<uint64_t> speed_limit;         // -Y / --speed-limit (bytes/s)

  // Retry.
  long retry = 0;                                         // --retry N
  std::optional<std::chrono::seconds> retry_delay;        // --retry-delay SECS
  std::optional<std::chrono::seconds> retry_max_time;     // --retry-max-time SECS
  bool retry_all_errors = false;                          // --retry-all-errors
  bool retry_connrefused = false;                         // --retry-connrefused

  // TLS.
  bool insecure = false;                       // -k
  std::optional<std::string> cacert;           // --cacert FILE
  std::optional<std::string> capath;           // --capath DIR
  std::optional<std::string> cert;             // -E / --cert FILE[:PASSWORD]
  std::string cert_type = "PEM";               // --cert-type (PEM only)
  std::optional<std::string> key;              // --key FILE
  std::string key_type = "PEM";                // --key-type (PEM only)
  std::optional<std::string> key_password;     // --pass PHRASE
  std::optional<std::string> pinned_pubkey;    // --pinnedpubkey
  TlsVersion tls_min = TlsVersion::kDefault;   // --tlsv1[.x]
  TlsVersion tls_max = TlsVersion::kDefault;   // --tls-max VERSION
};

// Either options to run with, or text to print on stdout before exiting 0 (--help, --version).
struct CurlCommand {
  std::optional<CurlOptions> options;
  std::string help_or_version;
  // Non-fatal findings in the order found, one line each, worded like curl's warnings (without
  // its "Warning: " prefix); the caller prints each as "wg-curl: warning: <line>" unless -s,
  // which hides curl's warnings too.
  std::vector<std::string> warnings;
};

// Parses argv (argv[0] is the program name). See the top of this file for errors.
Result<CurlCommand> parse_curl_command_line(int argc, const char* const* argv);

// Helpers the parser uses, public for the transfer side and tests.

// curl's "--limit-rate"/"--max-filesize" numbers: digits with an optional k/m/g (or K/M/G,
// powers of 1024) or b suffix. std::nullopt if not such a number.
std::optional<uint64_t> parse_size_suffix(std::string_view text);

// curl's seconds with decimals ("2", "0.5") for --connect-timeout and -m.
std::optional<std::chrono::milliseconds> parse_decimal_seconds(std::string_view text);

// Percent-encodes as --data-urlencode does (curl_easy_escape: all but ALPHA DIGIT -._~).
std::string url_encode(std::string_view text);

// The file name -O takes from a URL: the last path segment (query and fragment removed);
// empty when the URL path ends in '/' (curl then fails with exit 23 "Remote file name has no
// length").
std::string remote_file_name(std::string_view url);

}  // namespace wgnet::curl
