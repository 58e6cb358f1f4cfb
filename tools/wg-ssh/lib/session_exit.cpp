#include "session_exit.hpp"

namespace wgnet::ssh {

ExitReport exit_report(const RemoteExit& remote, bool quiet) {
  ExitReport report;
  if (!remote.exit_signal.empty()) {
    report.status = 255;
    if (!quiet) {
      report.message = "remote command terminated by signal SIG" + remote.exit_signal;
      if (!remote.signal_message.empty()) report.message += " (" + remote.signal_message + ")";
    }
    return report;
  }
  if (remote.exit_status) {
    // The wire carries 32 bits; a shell can only see the low 8 of what we return.
    report.status = *remote.exit_status & 0xff;
    return report;
  }
  report.status = 255;
  return report;
}

}  // namespace wgnet::ssh
