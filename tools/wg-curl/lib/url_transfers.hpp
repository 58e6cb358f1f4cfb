// The transfers one URL of the command line makes, in order, as curl 7.88 makes them: the URL
// as typed with -g/--globoff; otherwise one per URL its glob makes (url_glob.hpp), each with
// its -o name's "#N" filled in (not for "-o -"; -O names each file after its own URL). The glob is
// read when the first transfer is asked for, as curl reads it when it reaches the URL (earlier URLs
// have run).
#pragma once

#include <optional>
#include <string>

#include "curl_options.hpp"
#include "transfer_error.hpp"
#include "url_glob.hpp"

namespace wgnet::curl {

// The next transfer; neither `target` nor `failure` once there are no more. With `failure`,
// the run ends there (as curl's does) with its code: a malformed glob (3, curl's message, no
// `target`), or an -o name the glob cannot make, where curl prints `warning` first and then
// reports `target` like a failed transfer (its error line, -w).
struct NextTransfer {
  std::optional<UrlTarget> target;
  std::optional<TransferFailure> failure;
  std::string warning;
};

class UrlTransfers {
 public:
  UrlTransfers(const UrlTarget& node, bool globoff) : node_(node), globoff_(globoff) {}
  NextTransfer next();

 private:
  UrlTarget node_;  // a copy: callers may pass a temporary
  bool globoff_;
  bool started_ = false;
  std::optional<UrlGlob> glob_;
};

}  // namespace wgnet::curl
