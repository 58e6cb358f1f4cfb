#include "transfer_info.hpp"

namespace wgnet::curl {
namespace {

// A phase that happened counts from the hop's start, our DNS lookup included.
void add_phase(int64_t& sum, int64_t before_us, int64_t phase_us) {
  if (phase_us > 0) sum += before_us + phase_us;
}

int64_t per_second(int64_t bytes, int64_t us) {
  return us > 0 ? static_cast<int64_t>(static_cast<double>(bytes) * 1e6 / static_cast<double>(us))
                : 0;
}

}  // namespace

void ChainMeasure::add_hop(const HopMeasure& hop) {
  redirect_us_ = total_us_;
  total_us_ += hop.before_us + hop.total_us;
  add_phase(namelookup_us_, hop.before_us, hop.namelookup_us);
  add_phase(connect_us_, hop.before_us, hop.connect_us);
  add_phase(appconnect_us_, hop.before_us, hop.appconnect_us);
  add_phase(pretransfer_us_, hop.before_us, hop.pretransfer_us);
  add_phase(starttransfer_us_, hop.before_us, hop.starttransfer_us);
  header_size_ += hop.header_size;
  request_size_ += hop.request_size;
  num_connects_ += hop.num_connects;
  ++hops_;
}

void ChainMeasure::fill(TransferInfo& info) const {
  info.time_namelookup_us = namelookup_us_;
  info.time_connect_us = connect_us_;
  info.time_appconnect_us = appconnect_us_;
  info.time_pretransfer_us = pretransfer_us_;
  info.time_starttransfer_us = starttransfer_us_;
  info.time_redirect_us = hops_ > 1 ? redirect_us_ : 0;
  info.time_total_us = total_us_;
  info.size_header = header_size_;
  info.size_request = request_size_;
  info.num_connects = num_connects_;
  info.speed_download = per_second(info.size_download, total_us_);
  info.speed_upload = per_second(info.size_upload, total_us_);
}

}  // namespace wgnet::curl
