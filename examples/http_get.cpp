// http_get: fetch a URL through a WireGuard tunnel with libcurl, using only libwgnet's public
// API. The tunnel opens a TCP connection and hands over an ordinary file descriptor; libcurl is
// given that descriptor instead of a socket of its own, the way curl's
// docs/examples/externalsocket.c does (CURLOPT_OPENSOCKETFUNCTION + CURLOPT_SOCKOPTFUNCTION).
// The host name is resolved through the tunnel's DNS, never the system's.
//
//   http_get wg.conf http://www.demo.wgnet/      # body on stdout
//
// Build against an installed libwgnet:
//   g++ -o http_get http_get.cpp $(pkg-config --cflags --libs wgnet libcurl)
// or with CMake: find_package(wgnet) and target_link_libraries(... wgnet::wgnet), see
// CMakeLists.txt next to this file.
#include <curl/curl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <wgnet/config.hpp>
#include <wgnet/tunnel.hpp>

namespace {

// The one descriptor this program hands to libcurl.
std::atomic<int> g_tunnel_fd{-1};

int fail(const std::string& message) {
  std::fprintf(stderr, "http_get: %s\n", message.c_str());
  return 1;
}

curl_socket_t open_socket(void* fd, curlsocktype purpose, curl_sockaddr*) {
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  return *static_cast<int*>(fd);  // already connected, through the tunnel
}

int socket_options(void*, curl_socket_t, curlsocktype) {
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

size_t write_body(char* data, size_t size, size_t count, void*) {
  return std::fwrite(data, size, count, stdout) * size;
}

}  // namespace

// libcurl 7.88.0 and 7.88.1 call connect() even on a socket declared already connected
// (https://github.com/curl/curl/issues/10626, fixed in 8.0.0); on the tunnel's socketpair end
// that fails. For that one descriptor, connect() succeeds; every other goes to the kernel.
extern "C" int connect(int fd, const sockaddr* addr, socklen_t length) {
  if (fd >= 0 && fd == g_tunnel_fd.load()) return 0;
  return static_cast<int>(::syscall(SYS_connect, fd, addr, length));
}

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: http_get WG_CONFIG URL");
  auto config = wgnet::load_config(argv[1]);
  if (!config) return fail(config.error().message);
  auto tunnel = wgnet::Tunnel::open(*config, {});
  if (!tunnel) return fail(tunnel.error().message);

  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(url.get(), CURLUPART_URL, argv[2], 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
    return fail(std::string(argv[2]) + ": not a URL");
  std::string host_name = host;
  uint16_t port_number = static_cast<uint16_t>(std::stoi(port));
  curl_free(host);
  curl_free(port);

  // The name, through the tunnel's DNS servers (DNS= in the config).
  auto addresses =
      (*tunnel)->resolve(host_name, wgnet::AddressFamily::kAny, std::chrono::seconds(10));
  if (!addresses) return fail(addresses.error().message);
  wgnet::Endpoint remote{addresses->front(), port_number};
  auto connection = (*tunnel)->dial_tcp(remote);
  if (!connection) return fail(connection.error().message);
  int fd = connection->fd.release();  // libcurl closes it
  g_tunnel_fd = fd;

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  // libcurl must not look the name up itself: tell it where the name is (it then asks
  // open_socket for a socket to that address, and gets ours).
  std::string pin = host_name + ":" + std::to_string(port_number) + ":" + remote.ip.to_string();
  curl_slist* resolve = curl_slist_append(nullptr, pin.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, argv[2]);
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &fd);
  curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, socket_options);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  CURLcode result = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  curl_slist_free_all(resolve);
  curl_global_cleanup();
  if (result != CURLE_OK) return fail(argv[2] + std::string(": ") + curl_easy_strerror(result));
  return 0;
}
