// Where a tool's messages go, in the shapes every wgnet tool shares:
//   wg-nc: error: connect to 10.0.0.2 port 22 (tcp) failed: Connection refused
//   wg-nc: warning: wg.conf is readable by others
//   wg-nc: handshake with peer AbC...= (198.18.0.1:51820) completed in 12 ms   (with -v)
// Lines go to stderr in the binaries and to a string in tests (the writer is injected).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "wgnet/config.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::tools {

class Diagnostics {
 public:
  // Receives one line without its trailing newline; may be called from the tunnel's loop thread.
  using Writer = std::function<void(std::string_view line)>;

  // verbosity: 0 = errors and warnings only, 1 = -v (the tool's own report and the addresses the
  // tunnel tries), 2 = -vv (and the tunnel's debug messages).
  explicit Diagnostics(std::string tool, int verbosity = 0, Writer writer = stderr_writer());

  const std::string& tool() const { return tool_; }
  int verbosity() const { return verbosity_; }
  bool verbose() const { return verbosity_ >= 1; }

  void error(std::string_view message) const;    // "tool: error: message"
  void warning(std::string_view message) const;  // "tool: warning: message"
  void note(std::string_view message) const;     // "tool: message", always
  void info(std::string_view message) const;     // "tool: message", with -v only
  void plain(std::string_view line) const;       // the line as given, always

  // For TunnelOptions::log: errors and warnings always, info (the addresses a dial tries) with
  // -v, debug with -vv. The tool reports the handshake and connections itself, in fixed nc-like
  // lines; the library logs its own versions of those at debug, so nothing is printed twice.
  LogSink log_sink() const;
  // For load_config: each finding as a warning line.
  WarningSink warning_sink() const;

  // Writes each line with a single write(2) on fd 2, so lines from two threads never mix.
  static Writer stderr_writer();

 private:
  std::string tool_;
  int verbosity_;
  Writer writer_;
};

}  // namespace wgnet::tools
