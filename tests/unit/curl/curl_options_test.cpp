// wg-curl's command line option by option: what each sets in CurlOptions, with curl's syntax
// (bundles, abbreviations, --no-, "--") and its one-line usage errors.
#include "curl_options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "curl_test_support.hpp"

namespace wgnet::curl::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kUrl = "http://web.lab.wgnet/";

CurlCommand command_ok(std::vector<std::string> args) {
  auto r = parse(args);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  return std::move(*r);
}

CurlOptions ok(std::vector<std::string> args) {
  args.push_back(kUrl);
  CurlCommand c = command_ok(args);
  EXPECT_TRUE(c.options.has_value());
  return c.options.value_or(CurlOptions{});
}

std::vector<std::string> warnings_of(std::vector<std::string> args) {
  args.push_back(kUrl);
  return command_ok(args).warnings;
}

std::string error_of(std::vector<std::string> args) {
  auto r = parse(args);
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  return wgnet::test::one_line_error(r);
}

// Runs `fn` with `input` as fd 0, for @- arguments.
template <class Fn>
void with_stdin(const std::string& input, Fn fn) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::write(p[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  ::close(p[1]);
  int saved = ::dup(0);
  ::dup2(p[0], 0);
  ::close(p[0]);
  fn();
  ::dup2(saved, 0);
  ::close(saved);
}

TEST(CurlOptions, ExitCodesAreCurlsPlusTheHandshakeCode) {
  EXPECT_EQ(kExitUsage, 2);  // CURLE_FAILED_INIT
  EXPECT_EQ(kExitHandshakeFailed, 100);
  EXPECT_EQ(std::string(kTryHelpLine), "wg-curl: try 'wg-curl --help' for more information");
}

TEST(CurlOptions, DefaultsForAPlainUrl) {
  CurlOptions o = ok({});
  ASSERT_EQ(o.urls.size(), 1u);
  EXPECT_EQ(o.urls[0].url, kUrl);
  EXPECT_FALSE(o.urls[0].output);
  EXPECT_FALSE(o.urls[0].remote_name);
  EXPECT_FALSE(o.urls[0].upload);
  EXPECT_TRUE(o.config_path.empty());
  EXPECT_EQ(o.progress, ProgressMode::kMeter);
  EXPECT_EQ(o.fail, FailMode::kNone);
  EXPECT_EQ(o.max_redirs, 50);
  EXPECT_FALSE(o.location);
  EXPECT_FALSE(o.data);
  EXPECT_FALSE(o.max_time);
  EXPECT_FALSE(o.connect_timeout);
  EXPECT_EQ(o.http_version, HttpVersion::kDefault);
  EXPECT_EQ(o.family, AddressFamily::kAny);
  EXPECT_TRUE(o.proto_http && o.proto_https && o.redir_http && o.redir_https);
  EXPECT_EQ(o.cert_type, "PEM");
}

TEST(CurlOptions, DashCIsTheWireGuardConfigNeverTheCookieJar) {
  EXPECT_EQ(ok({"-c", "wg.conf"}).config_path, "wg.conf");
  EXPECT_EQ(ok({"-cwg.conf"}).config_path, "wg.conf");
  EXPECT_EQ(ok({"--wg-config", "x.conf"}).config_path, "x.conf");
  EXPECT_EQ(ok({"-sc", "y.conf"}).config_path, "y.conf");
  CurlOptions o = ok({"-c", "wg.conf", "--cookie-jar", "jar.txt"});
  EXPECT_EQ(o.config_path, "wg.conf");
  EXPECT_EQ(o.cookie_jar, "jar.txt");
  EXPECT_FALSE(ok({"-c", "jar.txt"}).cookie_jar);
}

TEST(CurlOptions, ShortOptionsBundleAsInCurl) {
  CurlOptions o = ok({"-sSfL"});
  EXPECT_TRUE(o.silent);
  EXPECT_TRUE(o.show_error);
  EXPECT_EQ(o.fail, FailMode::kFail);
  EXPECT_TRUE(o.location);
  o = ok({"-sSfLo", "out.bin"});
  EXPECT_EQ(o.urls[0].output, "out.bin");
  EXPECT_EQ(ok({"-sLoout.bin"}).urls[0].output, "out.bin");
  EXPECT_EQ(ok({"-vv"}).verbosity, 2);
  EXPECT_EQ(ok({"-v", "-v", "--no-verbose"}).verbosity, 0);
  EXPECT_EQ(ok({"-#"}).progress, ProgressMode::kBar);
  EXPECT_EQ(ok({"-sm5"}).max_time, milliseconds(5000));
  EXPECT_EQ(error_of({"-sSx", kUrl}), "option -sSx: is not supported by wg-curl");
  EXPECT_EQ(error_of({"-sj9", kUrl}), "option -sj9: is unknown");
}

TEST(CurlOptions, LongOptionsAbbreviateAndNegateAsInCurl) {
  EXPECT_TRUE(ok({"--sil"}).silent);
  EXPECT_EQ(ok({"--max-t", "7"}).max_time, milliseconds(7000));
  EXPECT_FALSE(ok({"-s", "--no-silent"}).silent);
  EXPECT_FALSE(ok({"-L", "--no-location"}).location);
  EXPECT_TRUE(ok({"--no-buffer"}).no_buffer);
  EXPECT_TRUE(ok({"-N"}).no_buffer);
  EXPECT_EQ(ok({"--no-progress-meter"}).progress, ProgressMode::kNone);
  EXPECT_EQ(ok({"--no-progress-meter", "--progress-meter"}).progress, ProgressMode::kMeter);
  EXPECT_EQ(ok({"-#", "--no-progress-bar"}).progress, ProgressMode::kMeter);
  EXPECT_EQ(error_of({"--http", kUrl}), "option --http: is ambiguous");
  EXPECT_EQ(error_of({"--max-time=5", kUrl}), "option --max-time=5: is unknown");
}

TEST(CurlOptions, DoubleDashEndsOptions) {
  auto c = command_ok({"-s", "--", "-not-an-option", "--also"});
  ASSERT_EQ(c.options->urls.size(), 2u);
  EXPECT_EQ(c.options->urls[0].url, "-not-an-option");
  EXPECT_EQ(c.options->urls[1].url, "--also");
  EXPECT_TRUE(c.options->silent);
}

TEST(CurlOptions, UrlsAndOutputsAndUploadsPairInOrder) {
  CurlOptions o = ok({"-o", "a", "http://h/1", "-T", "up.txt", "--url", "http://h/2", "-O", "-T", ""});
  ASSERT_EQ(o.urls.size(), 3u);
  EXPECT_EQ(o.urls[0].url, "http://h/1");
  EXPECT_EQ(o.urls[0].output, "a");
  EXPECT_EQ(o.urls[0].upload, "up.txt");
  EXPECT_EQ(o.urls[1].url, "http://h/2");
  EXPECT_TRUE(o.urls[1].remote_name);
  EXPECT_FALSE(o.urls[1].upload) << "-T '' uploads nothing";
  EXPECT_EQ(o.urls[2].url, kUrl);
  EXPECT_FALSE(o.urls[2].output);
  EXPECT_EQ(ok({"-T", "-"}).urls[0].upload, "-");
  EXPECT_EQ(error_of({"-o", "x"}), "no URL specified!");
  EXPECT_EQ(error_of({}), "no URL specified!");
  EXPECT_EQ(warnings_of({"-o", "-x"}),
            std::vector<std::string>{"The file name argument '-x' looks like a flag."});
}

TEST(CurlOptions, OutputOptions) {
  CurlOptions o = ok({"--create-dirs", "--output-dir", "dl", "-D", "h.txt", "-i", "-R",
                      "--remote-name-all", "--max-filesize", "2k"});
  EXPECT_TRUE(o.create_dirs);
  EXPECT_EQ(o.output_dir, "dl");
  EXPECT_EQ(o.dump_header, "h.txt");
  EXPECT_TRUE(o.include);
  EXPECT_TRUE(o.remote_time);
  EXPECT_TRUE(o.urls[0].remote_name);
  EXPECT_EQ(o.max_filesize, 2048);
  o = ok({"-I"});
  EXPECT_TRUE(o.head);
  EXPECT_TRUE(o.include) << "-I shows the headers, as curl";
  EXPECT_EQ(ok({"--fail-with-body"}).fail, FailMode::kFailWithBody);
  EXPECT_EQ(ok({"-f", "--no-fail", "--fail-with-body"}).fail, FailMode::kFailWithBody);
  EXPECT_EQ(ok({"-w", "%{http_code}\\n"}).write_out, "%{http_code}\\n");
  EXPECT_TRUE(ok({"-s", "-S"}).show_error);
  EXPECT_EQ(ok({"-s"}).progress, ProgressMode::kMeter) << "-s hides it at run time";
}

TEST(CurlOptions, WriteOutFromAFileOrStdin) {
  ScratchDir dir;
  dir.write("fmt", "%{http_code}\r\n|%{url}\n");
  EXPECT_EQ(ok({"-w", "@" + dir.file("fmt")}).write_out, "%{http_code}|%{url}");
  with_stdin("%{size_download}\n", [] { EXPECT_EQ(ok({"-w", "@-"}).write_out, "%{size_download}"); });
  auto c = command_ok({"-w", "@" + dir.file("none"), kUrl});
  EXPECT_FALSE(c.options->write_out);
  EXPECT_EQ(c.warnings, std::vector<std::string>{"Failed to read " + dir.file("none")});
}

TEST(CurlOptions, RequestOptions) {
  CurlOptions o = ok({"-X", "PATCH", "-A", "agent/1", "-H", "X-A: 1", "-H", "Accept:", "-G",
                      "--compressed", "--path-as-is", "-r", "0-99", "--url-query", "a=b c"});
  EXPECT_EQ(o.method, "PATCH");
  EXPECT_EQ(o.user_agent, "agent/1");
  EXPECT_EQ(o.headers, (std::vector<std::string>{"X-A: 1", "Accept:"}));
  EXPECT_TRUE(o.get);
  EXPECT_TRUE(o.compressed);
  EXPECT_TRUE(o.path_as_is);
  EXPECT_EQ(o.range, "0-99");
  EXPECT_EQ(o.url_query, "a=b+c");
  EXPECT_EQ(ok({"-A", ""}).user_agent, "");
  EXPECT_EQ(ok({"-r", "5"}).range, "5-");
}

TEST(CurlOptions, HeadersFromAFile) {
  ScratchDir dir;
  dir.write("h", "X-One: 1\r\n\r\nX-Two: 2\nX-Three: 3");
  EXPECT_EQ(ok({"-H", "X-Zero: 0", "-H", "@" + dir.file("h")}).headers,
            (std::vector<std::string>{"X-Zero: 0", "X-One: 1", "X-Two: 2", "X-Three: 3"}));
  auto c = command_ok({"-H", "@" + dir.file("missing"), kUrl});
  EXPECT_TRUE(c.options->headers.empty());
  EXPECT_EQ(c.warnings, std::vector<std::string>{"Failed to open " + dir.file("missing") + "!"});
}

TEST(CurlOptions, RefererWithAuto) {
  CurlOptions o = ok({"-e", "http://from/;auto"});
  EXPECT_EQ(o.referer, "http://from/");
  EXPECT_TRUE(o.auto_referer);
  o = ok({"-e", ";auto"});
  EXPECT_FALSE(o.referer);
  EXPECT_TRUE(o.auto_referer);
  o = ok({"-e", "http://from/"});
  EXPECT_EQ(o.referer, "http://from/");
  EXPECT_FALSE(o.auto_referer);
}

TEST(CurlOptions, Authentication) {
  CurlOptions o = ok({"-u", "alice:s3cret"});
  EXPECT_EQ(o.user, "alice:s3cret");
  EXPECT_EQ(o.auth, AuthMethod::kBasic);
  EXPECT_EQ(ok({"--digest"}).auth, AuthMethod::kDigest);
  EXPECT_EQ(ok({"--anyauth"}).auth, AuthMethod::kAny);
  EXPECT_EQ(ok({"--digest", "--basic"}).auth, AuthMethod::kBasic);
  EXPECT_EQ(ok({"--oauth2-bearer", "tok"}).oauth2_bearer, "tok");
}

TEST(CurlOptions, DataFromStdin) {
  with_stdin("a=1\r\nb=2\n", [] { EXPECT_EQ(ok({"-d", "@-"}).data, "a=1b=2"); });
  with_stdin(std::string("x\0y\n", 4), [] {
    EXPECT_EQ(ok({"--data-binary", "@-"}).data, std::string("x\0y\n", 4));
  });
  with_stdin("a b", [] { EXPECT_EQ(ok({"--data-urlencode", "q@-"}).data, "q=a+b"); });
}

TEST(CurlOptions, JsonSetsItsFlag) {
  CurlOptions o = ok({"--json", "{}"});
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.data, "{}");
  EXPECT_FALSE(ok({"-d", "{}"}).json);
}

TEST(CurlOptions, FormParts) {
  CurlOptions o = ok({"-F", "name=value", "-F", "file=@photo.jpg;type=image/jpeg;filename=p.jpg",
                      "-F", "text=<notes.txt", "--form-string", "raw=@not-a-file;type=x",
                      "-F", "q=\"semi;colon\";type=text/plain; charset=utf-8",
                      "-F", "h=v;headers=\"X-Part: 1\"", "-F", "f=@\"a,b.txt\""});
  ASSERT_EQ(o.form.size(), 7u);
  EXPECT_EQ(o.form[0].kind, FormPart::Kind::kValue);
  EXPECT_EQ(o.form[0].name, "name");
  EXPECT_EQ(o.form[0].value, "value");
  EXPECT_EQ(o.form[1].kind, FormPart::Kind::kFile);
  EXPECT_EQ(o.form[1].value, "photo.jpg");
  EXPECT_EQ(o.form[1].type, "image/jpeg");
  EXPECT_EQ(o.form[1].filename, "p.jpg");
  EXPECT_EQ(o.form[2].kind, FormPart::Kind::kFileContent);
  EXPECT_EQ(o.form[2].value, "notes.txt");
  EXPECT_EQ(o.form[3].kind, FormPart::Kind::kValue);
  EXPECT_EQ(o.form[3].value, "@not-a-file;type=x");
  EXPECT_FALSE(o.form[3].type);
  EXPECT_EQ(o.form[4].value, "semi;colon");
  EXPECT_EQ(o.form[4].type, "text/plain; charset=utf-8");
  EXPECT_EQ(o.form[5].headers, std::vector<std::string>{"X-Part: 1"});
  EXPECT_EQ(o.form[6].value, "a,b.txt");
  EXPECT_EQ(warnings_of({"-F", "c=<f;filename=x"}),
            std::vector<std::string>{"Field file name not allowed here: x"});
  EXPECT_EQ(warnings_of({"-F", "c=v;bogus=1"}),
            std::vector<std::string>{"skip unknown form field: bogus=1"});
  EXPECT_NE(error_of({"-F", "f=@a,b", kUrl}).find("give one -F per file"), std::string::npos);
  EXPECT_NE(error_of({"-F", "n=(", kUrl}).find("not supported by wg-curl"), std::string::npos);
}

TEST(CurlOptions, FormPartHeadersFromAFile) {
  ScratchDir dir;
  dir.write("ph", "# comment\nX-A: 1\nX-B: 2\n  folded\n");
  CurlOptions o = ok({"-F", "n=v;headers=@" + dir.file("ph")});
  // curl drops the newline of a folded line and keeps its blanks.
  EXPECT_EQ(o.form[0].headers, (std::vector<std::string>{"X-A: 1", "X-B: 2  folded"}));
}

TEST(CurlOptions, CookiesStringsFilesAndJar) {
  CurlOptions o = ok({"-b", "a=1; b=2", "-b", "cookies.txt", "-b", "@more=cookies", "-j",
                      "--cookie-jar", "out.txt"});
  EXPECT_EQ(o.cookies, std::vector<std::string>{"a=1; b=2"});
  EXPECT_EQ(o.cookie_files, (std::vector<std::string>{"cookies.txt", "more=cookies"}));
  EXPECT_TRUE(o.junk_session_cookies);
  EXPECT_EQ(o.cookie_jar, "out.txt");
}

TEST(CurlOptions, RedirectOptions) {
  CurlOptions o = ok({"-L", "--max-redirs", "3", "--post301", "--post302", "--post303"});
  EXPECT_TRUE(o.location);
  EXPECT_EQ(o.max_redirs, 3);
  EXPECT_TRUE(o.post301 && o.post302 && o.post303);
  EXPECT_EQ(ok({"--max-redirs", "-1"}).max_redirs, -1);
  o = ok({"--location-trusted"});
  EXPECT_TRUE(o.location);
  EXPECT_TRUE(o.location_trusted);
}

TEST(CurlOptions, ProtocolSets) {
  CurlOptions o = ok({"--proto", "=https"});
  EXPECT_FALSE(o.proto_http);
  EXPECT_TRUE(o.proto_https);
  o = ok({"--proto-redir", "-all,+https"});
  EXPECT_FALSE(o.redir_http);
  EXPECT_TRUE(o.redir_https);
  o = ok({"--proto", "-http"});
  EXPECT_FALSE(o.proto_http);
  EXPECT_TRUE(o.proto_https);
  o = ok({"--proto", "=ftp"});
  EXPECT_FALSE(o.proto_http || o.proto_https) << "only a protocol wg-curl lacks: none allowed";
  EXPECT_EQ(warnings_of({"--proto", "=https,gemini"}),
            std::vector<std::string>{"unrecognized protocol 'gemini'"});
  EXPECT_TRUE(warnings_of({"--proto", "-ftp"}).empty());
}

TEST(CurlOptions, TimeoutsAreDecimalSeconds) {
  CurlOptions o = ok({"--connect-timeout", "0.25", "-m", "2.5"});
  EXPECT_EQ(o.connect_timeout, milliseconds(250));
  EXPECT_EQ(o.max_time, milliseconds(2500));
  EXPECT_EQ(ok({"-m", "0"}).max_time, milliseconds(0));
  EXPECT_EQ(ok({"-m", "1e1"}).max_time, milliseconds(10000)) << "strtod syntax, as curl";
  EXPECT_EQ(error_of({"-m", "x", kUrl}), "option -m: expected a proper numerical parameter");
}

TEST(CurlOptions, RateAndSpeedLimits) {
  EXPECT_EQ(ok({"--limit-rate", "100k"}).limit_rate, 102400u);
  EXPECT_EQ(ok({"--limit-rate", "2M"}).limit_rate, 2u * 1024 * 1024);
  EXPECT_EQ(ok({"--limit-rate", "1g"}).limit_rate, 1024u * 1024 * 1024);
  EXPECT_EQ(ok({"--limit-rate", "10B"}).limit_rate, 10u);
  EXPECT_EQ(ok({"--limit-rate", "500"}).limit_rate, 500u);
  CurlOptions o = ok({"-y", "10"});
  EXPECT_EQ(o.speed_time, seconds(10));
  EXPECT_EQ(o.speed_limit, 1u);
  o = ok({"-Y", "1000"});
  EXPECT_EQ(o.speed_limit, 1000u);
  EXPECT_EQ(o.speed_time, seconds(30));
  EXPECT_EQ(error_of({"--limit-rate", "9999999999999G", kUrl}),
            "option --limit-rate: too large number");
}

TEST(CurlOptions, RetryOptions) {
  CurlOptions o = ok({"--retry", "3", "--retry-delay", "2", "--retry-max-time", "60",
                      "--retry-all-errors", "--retry-connrefused"});
  EXPECT_EQ(o.retry, 3);
  EXPECT_EQ(o.retry_delay, seconds(2));
  EXPECT_EQ(o.retry_max_time, seconds(60));
  EXPECT_TRUE(o.retry_all_errors);
  EXPECT_TRUE(o.retry_connrefused);
}

TEST(CurlOptions, ResumeFromOffsetOrOutputSize) {
  auto r = ok({"-C", "-"}).resume;
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->from_output_size);
  r = ok({"-C", "1234"}).resume;
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->from_output_size);
  EXPECT_EQ(r->offset, 1234);
  EXPECT_FALSE(ok({}).resume);
}

TEST(CurlOptions, HttpVersionsWarnWhenOverridden) {
  EXPECT_EQ(ok({"--http1.1"}).http_version, HttpVersion::kHttp1_1);
  EXPECT_EQ(ok({"-0"}).http_version, HttpVersion::kHttp1_0);
  EXPECT_EQ(ok({"--http2"}).http_version, HttpVersion::kHttp2);
  EXPECT_EQ(ok({"--http2-prior-knowledge"}).http_version, HttpVersion::kHttp2PriorKnowledge);
  EXPECT_EQ(warnings_of({"--http2", "--http1.1"}),
            std::vector<std::string>{"Overrides previous HTTP version option"});
  EXPECT_TRUE(warnings_of({"--http2", "--http2"}).empty());
  EXPECT_EQ(error_of({"--http3", kUrl}), "option --http3: is not supported by wg-curl");
}

TEST(CurlOptions, ConnectionOptions) {
  EXPECT_EQ(ok({"-4"}).family, AddressFamily::kV4);
  EXPECT_EQ(ok({"--ipv6"}).family, AddressFamily::kV6);
  CurlOptions o = ok({"--resolve", "web:443:10.77.0.1,10.77.0.3", "--resolve", "+[fd77::1]:80:[fd77::2]",
                      "--resolve", "-web:443", "--connect-to", "a:80:b:8080"});
  ASSERT_EQ(o.resolve.size(), 3u);
  EXPECT_EQ(o.resolve[0].host, "web");
  EXPECT_EQ(o.resolve[0].port, 443);
  EXPECT_EQ(o.resolve[0].addresses, (std::vector<std::string>{"10.77.0.1", "10.77.0.3"}));
  EXPECT_EQ(o.resolve[0].text, "web:443:10.77.0.1,10.77.0.3");
  EXPECT_TRUE(o.resolve[1].transient);
  EXPECT_EQ(o.resolve[1].host, "fd77::1");
  EXPECT_EQ(o.resolve[1].addresses, std::vector<std::string>{"fd77::2"});
  EXPECT_TRUE(o.resolve[2].remove);
  EXPECT_TRUE(o.resolve[2].addresses.empty());
  EXPECT_EQ(o.connect_to, std::vector<std::string>{"a:80:b:8080"});
  EXPECT_EQ(error_of({"--resolve", "web:443", kUrl}),
            "option --resolve: is badly used here "
            "(expected [+]HOST:PORT:ADDRESS[,ADDRESS]... or -HOST:PORT)");
  EXPECT_NE(error_of({"--resolve", "web:99999:1.2.3.4", kUrl}).find("--resolve"), std::string::npos);
}

TEST(CurlOptions, TlsOptions) {
  CurlOptions o = ok({"-k", "--cacert", "ca.pem", "--capath", "cadir", "-E", "c.pem:pw",
                      "--key", "k.pem", "--cert-type", "pem", "--key-type", "PEM",
                      "--pinnedpubkey", "sha256//abc", "--tlsv1.2", "--tls-max", "1.3"});
  EXPECT_TRUE(o.insecure);
  EXPECT_EQ(o.cacert, "ca.pem");
  EXPECT_EQ(o.capath, "cadir");
  EXPECT_EQ(o.cert, "c.pem");
  EXPECT_EQ(o.key_password, "pw");
  EXPECT_EQ(o.key, "k.pem");
  EXPECT_EQ(o.cert_type, "PEM");
  EXPECT_EQ(o.pinned_pubkey, "sha256//abc");
  EXPECT_EQ(o.tls_min, TlsVersion::kTls1_2);
  EXPECT_EQ(o.tls_max, TlsVersion::kTls1_3);
  o = ok({"--cert", "dir\\:x\\\\y.pem", "--pass", "later"});
  EXPECT_EQ(o.cert, "dir:x\\y.pem");
  EXPECT_EQ(o.key_password, "later");
  EXPECT_EQ(ok({"--cert", "pkcs11:token=a;object=b"}).cert, "pkcs11:token=a;object=b");
  EXPECT_EQ(error_of({"--cert-type", "DER", kUrl}),
            "option --cert-type: is badly used here (wg-curl takes PEM certificates and keys only)");
}

TEST(CurlOptions, AcceptedNoOps) {
  EXPECT_TRUE(ok({"-q"}).urls.size() == 1);
}

TEST(CurlOptions, GlobOffTakesUrlsAsTyped) {
  EXPECT_FALSE(ok({}).globoff);
  EXPECT_TRUE(ok({"-g"}).globoff);
  EXPECT_TRUE(ok({"--globoff"}).globoff);
  EXPECT_FALSE(ok({"-g", "--no-globoff"}).globoff);
}

TEST(CurlOptions, OptionsOutsideTheTunnelAreRefusedByName) {
  EXPECT_EQ(error_of({"-x", "http://proxy:3128", kUrl}), "option -x: is not supported by wg-curl");
  EXPECT_EQ(error_of({"--doh-url", "https://dns/", kUrl}),
            "option --doh-url: is not supported by wg-curl");
  EXPECT_EQ(error_of({"-Z", kUrl}), "option -Z: is not supported by wg-curl");
  EXPECT_EQ(error_of({"--next", kUrl}), "option --next: is not supported by wg-curl");
  EXPECT_EQ(error_of({"-K", "curlrc", kUrl}), "option -K: is not supported by wg-curl");
}

TEST(CurlOptions, HelpAndVersionStopParsing) {
  auto c = command_ok({"--help"});
  EXPECT_FALSE(c.options);
  EXPECT_NE(c.help_or_version.find("--wg-config"), std::string::npos);
  EXPECT_NE(c.help_or_version.find("--cookie-jar"), std::string::npos);
  EXPECT_EQ(command_ok({"-h", "--bogus"}).help_or_version, c.help_or_version);
  EXPECT_EQ(error_of({"--bogus", "-h"}), "option --bogus: is unknown");
  auto v = command_ok({"-V"});
  EXPECT_FALSE(v.options);
  EXPECT_EQ(v.help_or_version.rfind("wg-curl ", 0), 0u);
  EXPECT_NE(v.help_or_version.find("libcurl/"), std::string::npos);
  EXPECT_NE(v.help_or_version.find("Protocols: http https"), std::string::npos);
  EXPECT_TRUE(ok({"--no-help"}).urls.size() == 1);
}

TEST(CurlOptions, HelpersMatchCurlsRules) {
  EXPECT_EQ(url_encode("a b&c=d~._-/é"), "a+b%26c%3Dd~._-%2F%C3%A9");
  EXPECT_EQ(remote_file_name("http://h/dir/file.tar.gz?x=1#f"), "file.tar.gz");
  EXPECT_EQ(remote_file_name("http://h/dir/"), "");
  EXPECT_EQ(remote_file_name("http://h"), "");
  EXPECT_EQ(remote_file_name("h/a"), "a");
  EXPECT_EQ(parse_size_suffix("3k"), 3072u);
  EXPECT_FALSE(parse_size_suffix("3kb"));
  EXPECT_FALSE(parse_size_suffix("-3"));
  EXPECT_EQ(parse_decimal_seconds("1.5"), milliseconds(1500));
  EXPECT_FALSE(parse_decimal_seconds("-1"));
  EXPECT_FALSE(parse_decimal_seconds("1s"));
}

TEST(CurlOptions, SharesTheAgentsTunnelUnlessToldNoShare) {
  EXPECT_TRUE(ok({"http://x/"}).share);
  EXPECT_FALSE(ok({"--no-share", "http://x/"}).share);
  EXPECT_TRUE(ok({"--no-share", "--share", "http://x/"}).share);  // curl's --no-X / --X toggles
}

}  // namespace
}  // namespace wgnet::curl::test
