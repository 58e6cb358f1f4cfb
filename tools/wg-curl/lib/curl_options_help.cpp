// --help and --version texts of wg-curl.
#include <curl/curl.h>

#include <string>

#ifndef WGNET_CURL_VERSION
#error "tools/CMakeLists.txt defines WGNET_CURL_VERSION for wgnet_curl"
#endif

namespace wgnet::curl {

std::string curl_help_text() {
  return R"(Usage: wg-curl [-c FILE | --wg-config FILE] [options...] <url>...
curl through an in-process WireGuard tunnel: every connection, and every name lookup, goes
through the tunnel. Options are curl's; -c is the WireGuard config (default: $WGNET_CONFIG),
curl's cookie jar is --cookie-jar only.
 -c, --wg-config <file>     WireGuard configuration (wg-quick format)
     --no-share             A tunnel of our own, not the config's shared agent ($WGNET_NO_SHARE)
 -o, --output <file>        Write the body to <file> instead of stdout (pairs with URLs in order)
 -O, --remote-name          Write the body to a file named like the remote file
     --remote-name-all      -O for every URL
     --output-dir <dir>     Directory for -o/-O files
     --create-dirs          Create the directories -o names
 -T, --upload-file <file>   PUT <file> ("-" = stdin)
 -d, --data <data>          HTTP POST data (@file reads a file, @- stdin)
     --data-binary <data>   HTTP POST data, file bytes unchanged
     --data-raw <data>      HTTP POST data, '@' not special
     --data-urlencode <data> HTTP POST data, URL-encoded ([name]=text, [name]@file)
     --json <data>          HTTP POST JSON (sets Content-Type and Accept)
     --url-query <data>     Add to the URL's query (encoded like --data-urlencode; +raw)
 -G, --get                  Put the -d data in the URL, and GET
 -F, --form <name=content>  multipart/form-data part (name=@file, name=<file, ;type= ;filename=)
     --form-string <n=str>  multipart part, the value taken literally
 -H, --header <header>      Extra request header (@file: one per line)
 -A, --user-agent <name>    User-Agent to send
 -e, --referer <URL>        Referer to send (URL;auto: also on redirects)
 -u, --user <user:pass>     Server user and password (--basic, --digest, --anyauth)
     --oauth2-bearer <tok>  OAuth 2 bearer token
 -b, --cookie <data|file>   Send cookies (name=value strings) or read them from a file
     --cookie-jar <file>    Write cookies to <file> after the transfers
 -j, --junk-session-cookies Ignore session cookies read from a file
 -X, --request <method>     Request method to use
 -I, --head                 Fetch the headers only
 -i, --include              Include response headers in the output
 -D, --dump-header <file>   Write the response headers to <file>
 -L, --location             Follow redirects (--max-redirs <num>, default 50)
     --location-trusted     Follow redirects and send credentials to other hosts
     --post301, --post302, --post303  Keep POST after such a redirect
     --proto <protocols>    Allowed protocols (http, https)
     --proto-redir <protocols> Allowed protocols on redirect
 -f, --fail                 Fail (exit 22) with no output on HTTP errors
     --fail-with-body       Fail (exit 22) on HTTP errors, keep the body
 -r, --range <range>        Byte range to get
 -C, --continue-at <offset> Resume at offset ("-": from the size of the output file)
     --compressed           Ask for a compressed response and decompress it
 -0, --http1.0, --http1.1, --http2, --http2-prior-knowledge  HTTP version
 -4, --ipv4 / -6, --ipv6    Resolve names to IPv4 / IPv6 addresses only
     --resolve <[+]host:port:addr[,addr]...>  Use this address for host:port
     --connect-to <H1:P1:H2:P2>  Connect to H2:P2 instead of H1:P1
     --connect-timeout <s>  Seconds allowed for the connection (decimals)
 -m, --max-time <s>         Seconds allowed for the whole transfer (decimals)
     --limit-rate <speed>   Limit the transfer speed (bytes/s; k, m, g suffixes)
 -y, --speed-time <s> / -Y, --speed-limit <speed>  Abort transfers slower than that
     --max-filesize <bytes> Refuse larger files
     --retry <num>          Retry transient failures (--retry-delay, --retry-max-time,
                            --retry-connrefused, --retry-all-errors)
 -k, --insecure             Do not verify the server certificate
     --cacert <file>        CA certificates to verify the server with (PEM)
     --capath <dir>         Directory of CA certificates (c_rehash'ed)
 -E, --cert <file[:pass]>   Client certificate (PEM)   --key <file>, --pass <phrase>
     --pinnedpubkey <hashes> Public key to verify the server with
     --tlsv1.2, --tlsv1.3, --tls-max <version>  TLS versions
 -w, --write-out <format>   What to print after each transfer (%{http_code}, @file)
 -s, --silent               No progress meter, no error messages
 -S, --show-error           Error messages even with -s
 -#, --progress-bar         A progress bar instead of the meter
     --no-progress-meter    No progress meter
 -N, --no-buffer            Write the body as it arrives
 -R, --remote-time          Give the output file the remote file's time
 -v, --verbose              Request and response headers, tunnel events (-vv: debug)
 -h, --help                 This help
 -V, --version              Versions
Names resolve only through the tunnel's DNS= servers; http_proxy and friends are ignored.
See wg-curl(1).
)";
}

std::string curl_version_text() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  std::string text = "wg-curl " WGNET_CURL_VERSION " (wgnet) ";
  text += curl_version();
  text += "\nProtocols: http https\nFeatures:";
  struct Feature {
    int bit;
    const char* name;
  };
  static constexpr Feature kFeatures[] = {
      {CURL_VERSION_BROTLI, "brotli"}, {CURL_VERSION_HTTP2, "HTTP2"},
      {CURL_VERSION_IPV6, "IPv6"},     {CURL_VERSION_LARGEFILE, "Largefile"},
      {CURL_VERSION_LIBZ, "libz"},     {CURL_VERSION_SSL, "SSL"},
      {CURL_VERSION_ZSTD, "zstd"},
  };
  for (const auto& f : kFeatures) {
    if (info->features & f.bit) {
      text += ' ';
      text += f.name;
    }
  }
  text += "\n";
  return text;
}

}  // namespace wgnet::curl
