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

// Without a target: either no more transfers, or `failure` says why not (exit code and the
// text curl prints: its "(3)" glob message, or its warning about an output name).
struct NextTransfer {
  std::optional<UrlTarget> target;
  std::optional<TransferFailure> failure;
  bool failure_is_warning = false;  // curl prints it as a warning, not "curl: (N) ..."
};

class UrlTransfers {
 public:
  UrlTransfers(const UrlTarget& node, bool globoff) : node_(node), globoff_(globoff) {}
  NextTransfer next();

 private:
  const UrlTarget& node_;
  bool globoff_;
  bool started_ = false;
  std::optional<UrlGlob> glob_;
};

}  // namespace wgnet::curl
