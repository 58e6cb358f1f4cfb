// What wg-ssh exits with once the session channel is gone, as OpenSSH's client decides it:
// the remote command's exit-status; 255 when the command was killed by a signal (OpenSSH
// ignores exit-signal and keeps its "no exit status" -1, shown as 255) or when there is no
// status at all; 255 for our own errors (kSshErrorExit).
#pragma once

#include <optional>
#include <string>

namespace wgnet::ssh {

struct RemoteExit {
  std::optional<int> exit_status;  // from "exit-status"
  std::string exit_signal;         // from "exit-signal", without "SIG" ("TERM"); empty if none
  std::string signal_message;      // the error message the server attached, if any
};

struct ExitReport {
  int status = 255;
  // One line for stderr (without the tool prefix), or empty. OpenSSH prints nothing for a
  // remote signal (debug1 only); the issue asks for it to be reported, so it is said here, and
  // -q keeps it quiet.
  std::string message;
};

ExitReport exit_report(const RemoteExit& remote, bool quiet);

}  // namespace wgnet::ssh
