#include "dns/query_op.hpp"

#include <algorithm>

#include "dns/message.hpp"
#include "dns/tcp_stream.hpp"

namespace wgnet::dns {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

Error with_server(const Error& e, const IpAddress& server, const char* how) {
  if (e.message.find(server.to_string()) != std::string::npos) {
    return make_error(e.code, e.message + " (" + how + ")");
  }
  return make_error(e.code, "DNS server " + server.to_string() + " (" + how + "): " + e.message);
}

class QueryOp final : public Operation {
 public:
  QueryOp(Engine& engine, QueryRequest request, QueryDone done)
      : Operation(engine), request_(std::move(request)), done_(std::move(done)) {}

  void start(Clock::time_point now) override {
    auto query = parse_query(request_.query);
    if (!query) return finish(query.error());
    query_ = std::move(*query);
    next_try(now);
  }

  void on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
              Clock::time_point now) override {
    if (socket != socket_ || phase_ != Phase::kUdp || from != request_.server) return;
    CheckedReply checked = check_reply(query_, datagram);
    if (checked.verdict != ReplyVerdict::kAccepted) return;
    close();
    if (ldns_pkt_tc(checked.packet.get()) && request_.options.tcp_fallback) {
      truncated_first_ = true;
      return open_tcp(now);
    }
    finish(DnsReply{{datagram.begin(), datagram.end()},
                    false,
                    false,
                    duration_cast<microseconds>(now - sent_at_),
                    request_.server});
  }

  void on_tcp_connected(SocketId socket, Clock::time_point now) override {
    if (socket != socket_ || phase_ != Phase::kTcpConnecting) return;
    phase_ = Phase::kTcp;
    sent_at_ = now;
    end_ = now + request_.options.timeout;
  }

  void on_tcp_data(SocketId socket, std::span<const uint8_t> bytes,
                   Clock::time_point now) override {
    if (socket != socket_ || phase_ != Phase::kTcp) return;
    auto reply = reader_.feed(query_, bytes);
    if (!reply) return;
    close();
    finish(DnsReply{std::move(reply->wire), true, truncated_first_,
                    duration_cast<microseconds>(now - sent_at_), request_.server});
  }

  void on_socket_error(SocketId socket, const Error& error, Clock::time_point now) override {
    if (socket != socket_) return;
    try_failed(error, now);
  }

  Clock::time_point deadline() const override {
    return phase_ == Phase::kIdle ? Clock::time_point::max() : end_;
  }

  void on_deadline(Clock::time_point now) override {
    if (phase_ == Phase::kIdle || now < end_) return;
    const char* what = phase_ == Phase::kTcpConnecting ? "connecting over TCP timed out"
                       : phase_ == Phase::kTcp         ? "no complete DNS reply over TCP in time"
                                                       : "timed out";
    try_failed(make_error(ErrorCode::kTimeout, what), now);
  }

  void abort(const Error& error) override {
    close();
    finish(error);
  }

 private:
  enum class Phase { kIdle, kUdp, kTcpConnecting, kTcp };

  void next_try(Clock::time_point now) {
    int tries = std::max(1, request_.options.tries);
    if (tries_done_ >= tries) {
      if (last_ && last_->code != ErrorCode::kTimeout) return finish(*last_);
      return finish(make_error(ErrorCode::kTimeout,
                               "no reply from DNS server " + request_.server.ip.to_string() + " (" +
                                   std::to_string(tries) + " tries, " +
                                   std::to_string(request_.options.timeout.count()) + " ms each)"));
    }
    ++tries_done_;
    if (request_.options.tcp) return open_tcp(now);
    renew_id(query_, engine_.random());
    socket_ = engine_.open_socket(this);
    phase_ = Phase::kUdp;
    sent_at_ = now;
    end_ = now + request_.options.timeout;
    engine_.send(Transmit::udp_send(socket_, request_.server, query_.wire));
  }

  void open_tcp(Clock::time_point now) {
    renew_id(query_, engine_.random());
    reader_ = TcpReplyReader{};
    socket_ = engine_.open_socket(this);
    phase_ = Phase::kTcpConnecting;
    end_ = now + request_.options.timeout;
    engine_.send(Transmit::tcp_open(socket_, request_.server, request_.options.timeout,
                                    frame_for_tcp(query_.wire)));
  }

  void try_failed(const Error& error, Clock::time_point now) {
    Phase phase = phase_;
    close();
    if (truncated_first_) {
      return finish(with_server(error, request_.server.ip, "TCP retry after a truncated reply"));
    }
    if (phase == Phase::kUdp) {
      // A timeout is the try's normal end; anything else is worth reporting if nothing answers.
      if (error.code != ErrorCode::kTimeout) last_ = with_server(error, request_.server.ip, "UDP");
    } else {
      last_ = with_server(error, request_.server.ip, "TCP");
    }
    next_try(now);
  }

  void close() {
    if (socket_ != 0) engine_.close_socket(socket_);
    socket_ = 0;
    phase_ = Phase::kIdle;
  }

  void finish(Result<DnsReply> result) {
    if (finished_) return;
    finished_ = true;
    done_(std::move(result));
  }

  QueryRequest request_;
  QueryDone done_;
  QueryMessage query_;
  Phase phase_ = Phase::kIdle;
  SocketId socket_ = 0;
  Clock::time_point sent_at_;
  Clock::time_point end_;
  TcpReplyReader reader_;
  int tries_done_ = 0;
  bool truncated_first_ = false;
  std::optional<Error> last_;
};

}  // namespace

std::unique_ptr<Operation> make_query_op(Engine& engine, QueryRequest request, QueryDone done) {
  return std::make_unique<QueryOp>(engine, std::move(request), std::move(done));
}

}  // namespace wgnet::dns
