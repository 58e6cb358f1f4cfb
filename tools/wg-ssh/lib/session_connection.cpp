#include "session_connection.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "session_error.hpp"

namespace wgnet::ssh {
namespace {

// How long teardown waits for the server to confirm a channel close or a disconnect.
constexpr auto kTeardownWait = std::chrono::milliseconds(1500);

SessionTransport* transport_of(void** abstract) {
  return static_cast<SessionTransport*>(*abstract);
}

// libssh2 also talks to ssh-agent through these callbacks (with the agent's socket): only the
// session's own socket goes through the transport, any other one is used as libssh2 would.
ssize_t recv_callback(libssh2_socket_t socket, void* buffer, size_t length, int flags,
                      void** abstract) {
  SessionTransport* transport = transport_of(abstract);
  if (socket != transport->fd()) {
    ssize_t n = ::recv(socket, buffer, length, flags);
    return n < 0 ? -errno : n;
  }
  return transport->recv(buffer, length);
}

ssize_t send_callback(libssh2_socket_t socket, const void* buffer, size_t length, int flags,
                      void** abstract) {
  SessionTransport* transport = transport_of(abstract);
  if (socket != transport->fd()) {
    ssize_t n = ::send(socket, buffer, length, flags | MSG_NOSIGNAL);
    return n < 0 ? -errno : n;
  }
  return transport->send(buffer, length);
}

template <class F>
void* as_callback(F* function) {
  return reinterpret_cast<void*>(function);
}

}  // namespace

Result<std::unique_ptr<Libssh2Library>> Libssh2Library::init() {
  if (int rc = libssh2_init(0); rc != 0) {
    return make_error(ErrorCode::kInternal, "libssh2_init failed (" + std::to_string(rc) + ")");
  }
  return std::unique_ptr<Libssh2Library>(new Libssh2Library());
}

Libssh2Library::~Libssh2Library() { libssh2_exit(); }

void ChannelDeleter::operator()(LIBSSH2_CHANNEL* channel) const {
  if (session != nullptr) session->free_channel(channel);
}

Result<std::unique_ptr<SshSession>> SshSession::create(Fd fd) {
  std::unique_ptr<SshSession> self(new SshSession());
  self->transport_ = std::make_unique<SessionTransport>(std::move(fd));
  self->session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, self->transport_.get());
  if (self->session_ == nullptr) {
    return make_error(ErrorCode::kInternal, "cannot create an SSH session (libssh2_session_init)");
  }
  LIBSSH2_SESSION* s = self->session_;
  libssh2_session_callback_set(s, LIBSSH2_CALLBACK_RECV, as_callback(&recv_callback));
  libssh2_session_callback_set(s, LIBSSH2_CALLBACK_SEND, as_callback(&send_callback));
  libssh2_session_set_blocking(s, 0);
  return self;
}

Result<void> SshSession::prefer(const MethodPrefs& prefs) {
  LIBSSH2_SESSION* s = session_;
  const std::pair<int, const std::string*> lists[] = {
      {LIBSSH2_METHOD_KEX, &prefs.kex},          {LIBSSH2_METHOD_HOSTKEY, &prefs.host_key},
      {LIBSSH2_METHOD_CRYPT_CS, &prefs.ciphers}, {LIBSSH2_METHOD_CRYPT_SC, &prefs.ciphers},
      {LIBSSH2_METHOD_MAC_CS, &prefs.macs},      {LIBSSH2_METHOD_MAC_SC, &prefs.macs},
  };
  for (const auto& [method, list] : lists) {
    if (list->empty()) continue;
    if (int rc = libssh2_session_method_pref(s, method, list->c_str()); rc != 0) {
      return session_error(s, rc, "algorithm list '" + *list + "'");
    }
  }
  return {};
}

SshSession::~SshSession() {
  if (session_ == nullptr) return;
  disconnect("disconnected by user");
  // session_free closes what channels are left; it may need the server, so it is driven too.
  auto deadline = Clock::now() + kTeardownWait;
  auto freed = drive([this] { return libssh2_session_free(session_); }, deadline);
  if (!freed || *freed == LIBSSH2_ERROR_EAGAIN) {
    transport_->sever();  // the server went quiet: every further read fails, free completes
    libssh2_session_free(session_);
  }
  session_ = nullptr;
}

Result<int> SshSession::drive(const std::function<int()>& op, Deadline deadline,
                              std::optional<std::chrono::milliseconds> idle) {
  int dead_rounds = 0;
  for (;;) {
    int rc = op();
    transport_->flush();
    if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
    if (transport_->failed() || transport_->at_eof()) {
      // libssh2 reports a dead socket on its next read; never wait on one.
      if (++dead_rounds > 3) {
        return make_error(ErrorCode::kNetwork, transport_->failed() ? transport_->error()
                                                                    : "connection closed");
      }
      continue;
    }
    long long timeout_ms = idle ? idle->count() : -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return make_error(ErrorCode::kTimeout, "timed out");
      timeout_ms = timeout_ms < 0 ? left : std::min<long long>(timeout_ms, left);
    }
    pollfd p{transport_->fd(), POLLIN, 0};
    if (transport_->queued() > 0) p.events |= POLLOUT;
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(timeout_ms, 60 * 60 * 1000)));
    if (ready < 0 && errno != EINTR) {
      return make_error(ErrorCode::kIo, "poll on the connection failed");
    }
    if (ready == 0 && idle && !(deadline && Clock::now() >= *deadline)) {
      return make_error(ErrorCode::kTimeout, "the server did not answer for " +
                                                 std::to_string(idle->count() / 1000) + " s");
    }
  }
}

Result<void> SshSession::handshake(Deadline deadline) {
  auto rc = drive([this] { return libssh2_session_handshake(session_, transport_->fd()); },
                  deadline);
  if (!rc) return make_error(ErrorCode::kTimeout, "SSH handshake timed out");
  if (*rc != 0) return session_error(session_, *rc, "SSH handshake failed");
  return {};
}

ServerHostKey SshSession::host_key() const {
  size_t length = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(session_, &length, &type);
  ServerHostKey result;
  if (key == nullptr) return result;
  result.blob.assign(key, length);
  // The wire format starts with the key type as an SSH string.
  if (length >= 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(key);
    size_t n = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    if (n <= length - 4) result.type_name.assign(key + 4, n);
  }
  return result;
}

std::string SshSession::negotiated(int method) const {
  const char* name = libssh2_session_methods(session_, method);
  return name == nullptr ? std::string() : std::string(name);
}

void SshSession::free_channel(LIBSSH2_CHANNEL* channel) {
  if (channel == nullptr) return;
  auto deadline = Clock::now() + kTeardownWait;
  auto freed = drive([channel] { return libssh2_channel_free(channel); }, deadline);
  if (!freed || *freed == LIBSSH2_ERROR_EAGAIN) {
    // No close from the server in time: give up on this connection altogether.
    transport_->sever();
    libssh2_channel_free(channel);
  }
}

void SshSession::disconnect(const std::string& description) {
  if (disconnected_) return;
  disconnected_ = true;
  auto deadline = Clock::now() + kTeardownWait;
  (void)drive(
      [&] {
        return libssh2_session_disconnect_ex(session_, SSH_DISCONNECT_BY_APPLICATION,
                                             description.c_str(), "");
      },
      deadline);
  transport_->flush();
}

std::vector<std::string> supported_algorithms(LIBSSH2_SESSION* session, int method) {
  const char** algs = nullptr;
  int n = libssh2_session_supported_algs(session, method, &algs);
  std::vector<std::string> out;
  if (n <= 0 || algs == nullptr) return out;
  for (int i = 0; i < n; ++i) out.emplace_back(algs[i]);
  libssh2_free(session, static_cast<void*>(algs));
  return out;
}

}  // namespace wgnet::ssh
