#include "url_transfers.hpp"

namespace wgnet::curl {
namespace {

constexpr int kCurlOutOfMemory = 27;  // curl's code for an output name it could not make

}  // namespace

NextTransfer UrlTransfers::next() {
  bool first = !started_;
  started_ = true;
  if (globoff_) return first ? NextTransfer{node_, std::nullopt} : NextTransfer{};
  if (first) {
    auto glob = UrlGlob::parse(node_.url);
    if (!glob)
      return NextTransfer{std::nullopt, TransferFailure{kCurlUrlMalformat, glob.error().message}};
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
      return NextTransfer{std::nullopt, TransferFailure{kCurlOutOfMemory, "bad output glob!"},
                          true};
    if (name->empty()) {
      return NextTransfer{std::nullopt,
                          TransferFailure{kCurlWriteError, "output glob produces empty string!"},
                          true};
    }
    target.output = std::move(*name);
  }
  return NextTransfer{std::move(target), std::nullopt};
}

}  // namespace wgnet::curl
