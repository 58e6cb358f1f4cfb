// Everything wg-ssh does once its tunnel is up: dial the host through the tunnel, SSH
// handshake, host key check, authentication, -L listeners, the session channel (command, shell
// with a pty, or none for -N) and the session loop, then the exit status. Takes any Tunnel.
#pragma once

#include "diagnostics.hpp"
#include "ssh_options.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::ssh {

// The exit status: the remote command's, or kSshErrorExit (255) for our own failures, each
// reported through `diag` in one line (host key texts in OpenSSH's words).
int run_session(Tunnel& tunnel, const SshSettings& settings, const SshEnvironment& env,
                const tools::Diagnostics& diag);

// Every hop's -o Ciphers/MACs/KexAlgorithms/HostKeyAlgorithms list checked against what libssh2
// implements, before anything is connected (OpenSSH, too, refuses a bad list before it
// connects): the error names the first list that leaves nothing.
Result<void> check_algorithm_lists(const SshSettings& settings);

// -v/-q as wgnet Diagnostics verbosity: 0 normal, 1 for -v, 2 for -vv and more.
int diagnostics_verbosity(LogLevel level);
inline bool quiet_level(LogLevel level) { return level < LogLevel::kInfo; }

}  // namespace wgnet::ssh
