#include "url_transfers.hpp"

namespace wgnet::curl {
namespace {

// curl's codes and libcurl's texts for them (curl_easy_strerror), as curl reports an output
// name it could not make.
constexpr int kCurlOutOfMemory = 27;

NextTransfer transfer(UrlTarget target) {
  NextTransfer next;
  next.target = std::move(target);
  return next;
}

NextTransfer failure(std::optional<UrlTarget> target, int code, std::string message,
                     std::string warning = {}) {
  return NextTransfer{.target = std::move(target),
                      .failure = TransferFailure{code, std::move(message)},
                      .warning = std::move(warning)};
}

}  // namespace

NextTransfer UrlTransfers::next() {
  bool first = !started_;
  started_ = true;
  if (globoff_) return first ? transfer(node_) : NextTransfer{};
  if (first) {
    auto glob = UrlGlob::parse(node_.url);
    if (!glob) return failure(std::nullopt, kCurlUrlMalformat, glob.error().message);
    glob_.emplace(std::move(*glob));
  }
  if (!glob_) return {};
  auto url = glob_->next();
  if (!url) return {};
  UrlTarget target = node_;
  target.url = std::move(*url);
  if (target.output && *target.output != "-") {
    auto name = glob_->output_name(*target.output);
    if (!name)
      return failure(std::move(target), kCurlOutOfMemory, "Out of memory", "bad output glob!");
    if (name->empty()) {
      return failure(std::move(target), kCurlWriteError,
                     "Failed writing received data to disk/application",
                     "output glob produces empty string!");
    }
    target.output = std::move(*name);
  }
  return transfer(std::move(target));
}

}  // namespace wgnet::curl
