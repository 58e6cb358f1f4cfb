#include "diagnostics.hpp"

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace wgnet::tools {

Diagnostics::Diagnostics(std::string tool, int verbosity, Writer writer)
    : tool_(std::move(tool)), verbosity_(verbosity), writer_(std::move(writer)) {}

void Diagnostics::error(std::string_view message) const {
  writer_(tool_ + ": error: " + std::string(message));
}

void Diagnostics::warning(std::string_view message) const {
  writer_(tool_ + ": warning: " + std::string(message));
}

void Diagnostics::note(std::string_view message) const {
  writer_(tool_ + ": " + std::string(message));
}

void Diagnostics::info(std::string_view message) const {
  if (verbose()) note(message);
}

void Diagnostics::plain(std::string_view line) const {
  writer_(line);
}

LogSink Diagnostics::log_sink() const {
  // Copies the diagnostics: the sink may outlive this object inside the tunnel.
  Diagnostics self = *this;
  return [self](LogLevel level, const std::string& message) {
    switch (level) {
      case LogLevel::kError:
        self.error(message);
        break;
      case LogLevel::kWarning:
        self.warning(message);
        break;
      case LogLevel::kInfo:
        // The library's info lines are the addresses it tries and why each failed (-v); what
        // the tool reports itself (handshake, connection, listening) the library logs at debug.
        if (self.verbosity() >= 1) self.note(message);
        break;
      case LogLevel::kDebug:
        if (self.verbosity() >= 2) self.note(message);
        break;
    }
  };
}

WarningSink Diagnostics::warning_sink() const {
  Diagnostics self = *this;
  return [self](const std::string& message) { self.warning(message); };
}

Diagnostics::Writer Diagnostics::stderr_writer() {
  return [](std::string_view line) {
    std::string text(line);
    text += '\n';
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere left to report to
      done += static_cast<size_t>(n);
    }
  };
}

}  // namespace wgnet::tools
