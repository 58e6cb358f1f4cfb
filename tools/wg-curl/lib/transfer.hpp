// wg-curl's transfer engine: every URL of the command line in turn, on one libcurl easy handle
// (so connections and cookies carry over) whose connections come from the tunnel
// (tunnel_socket.hpp) and whose names are resolved only by the tunnel's DNS
// (tunnel_resolve.hpp). Redirects (-L) are followed here, not by libcurl (redirect.hpp), so a
// redirect target's name is resolved through the tunnel too; --retry is retry.hpp's.
//
// Exit status: curl's. Each URL's result is reported as curl does ("wg-curl: (N) message",
// silenced by -s unless -S); the status is the last URL's result (so an earlier failure is
// hidden by a later success, as in curl without --fail-early).
#pragma once

#include <cstdio>

#include "curl_options.hpp"
#include "diagnostics.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::curl {

struct TransferIo {
  std::FILE* out = stdout;  // bodies without -o/-O, -i headers, -w's default stream
  std::FILE* err = stderr;  // the progress meter/bar, -w's %{stderr}
  std::FILE* in = stdin;    // -T -, -F name=@- / name=<-
  bool out_is_terminal = false;  // isatty(stdout): no progress meter, no binary body
  int terminal_columns = 0;      // for -#
  const char* columns_env = nullptr;  // $COLUMNS, for -#
};

// Runs the transfers; messages (errors, warnings, -v) go through `diag`.
int run_transfers(Tunnel& tunnel, const CurlOptions& options, const TransferIo& io,
                  const tools::Diagnostics& diag);

}  // namespace wgnet::curl
