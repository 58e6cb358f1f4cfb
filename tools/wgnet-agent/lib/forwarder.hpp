// Several -L/-R forwards over one Tunnel, as `wgnet-agent forward` runs them:
//   Forwarder fw(tunnel, diag);
//   fw.add(*parse_forward_spec(Direction::kLocal, "8080:web.internal:80"));
//   if (auto started = fw.start(); !started) { report, exit }   // nothing served yet
//   fw.wait(signal_eventfd);                                     // until a signal, then stop()
// start() binds every forward before serving any, so a bad spec fails the whole command with
// the spec named ("-L 127.0.0.1:8080: Address already in use"). Each forward serves on a
// thread of its own; stop() ends them all, open connections included, and joins every thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "diagnostics.hpp"
#include "forward.hpp"
#include "forward_spec.hpp"
#include "stop_signal.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::forward {

class Forwarder {
 public:
  // `tunnel` and `diag` must outlive the Forwarder.
  Forwarder(Tunnel& tunnel, const tools::Diagnostics& diag, ForwardOptions options = {});
  ~Forwarder() { stop(); }
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Before start().
  void add(ForwardSpec spec);

  // Binds every forward added, in order; on the first that cannot bind, closes those already
  // bound and returns its error (named by spec). Then serves them all. A listening port of 0
  // is reported as ssh does: "-L 127.0.0.1:0: allocated port 41234". Call once.
  Result<void> start();

  struct Bound {
    ForwardSpec spec;
    Endpoint listening;  // the port picked for 0
  };
  // The forwards serving, after a successful start().
  std::vector<Bound> bound() const;

  // Ends every forward and connection and joins their threads. Any thread but a forward's own;
  // idempotent; returns at once before start().
  void stop();

  // Blocks until `wake_fd` is readable (a signal handler's eventfd, say) or stop() was called
  // from another thread, then stops. wake_fd < 0: only the latter.
  void wait(int wake_fd);

 private:
  Tunnel& tunnel_;
  const tools::Diagnostics& diag_;
  ForwardOptions options_;
  std::vector<ForwardSpec> specs_;
  std::optional<StopSignal> stop_;
  std::vector<Bound> bound_;
  std::vector<std::unique_ptr<Forward>> forwards_;
  std::vector<std::thread> threads_;
  std::mutex stop_mutex_;  // one stop() joins; a concurrent one waits for it
};

}  // namespace wgnet::forward
