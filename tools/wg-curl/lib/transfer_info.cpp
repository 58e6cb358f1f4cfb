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

int64_t info_off(CURL* easy, CURLINFO what) {
  curl_off_t value = 0;
  curl_easy_getinfo(easy, what, &value);
  return static_cast<int64_t>(value);
}

}  // namespace

std::optional<std::string> info_string(CURL* easy, CURLINFO what) {
  char* value = nullptr;
  if (curl_easy_getinfo(easy, what, &value) != CURLE_OK || !value) return std::nullopt;
  return std::string(value);
}

long info_long(CURL* easy, CURLINFO what) {
  long value = 0;
  curl_easy_getinfo(easy, what, &value);
  return value;
}

HopMeasure measure_hop(CURL* easy, int64_t before_us) {
  HopMeasure m;
  m.before_us = before_us;
  m.namelookup_us = info_off(easy, CURLINFO_NAMELOOKUP_TIME_T);
  m.connect_us = info_off(easy, CURLINFO_CONNECT_TIME_T);
  m.appconnect_us = info_off(easy, CURLINFO_APPCONNECT_TIME_T);
  m.pretransfer_us = info_off(easy, CURLINFO_PRETRANSFER_TIME_T);
  m.starttransfer_us = info_off(easy, CURLINFO_STARTTRANSFER_TIME_T);
  m.total_us = info_off(easy, CURLINFO_TOTAL_TIME_T);
  m.header_size = info_long(easy, CURLINFO_HEADER_SIZE);
  m.request_size = info_long(easy, CURLINFO_REQUEST_SIZE);
  m.num_connects = info_long(easy, CURLINFO_NUM_CONNECTS);
  return m;
}

void read_transfer_info(CURL* easy, TransferInfo& info) {
  info.http_code = info_long(easy, CURLINFO_RESPONSE_CODE);
  info.http_connect = info_long(easy, CURLINFO_HTTP_CONNECTCODE);
  info.size_download = info_off(easy, CURLINFO_SIZE_DOWNLOAD_T);
  info.size_upload = info_off(easy, CURLINFO_SIZE_UPLOAD_T);
  info.redirect_url = info_string(easy, CURLINFO_REDIRECT_URL);
  info.referer = info_string(easy, CURLINFO_REFERER);
  info.content_type = info_string(easy, CURLINFO_CONTENT_TYPE);
  info.http_version = info_long(easy, CURLINFO_HTTP_VERSION);
  info.scheme = info_string(easy, CURLINFO_SCHEME).value_or("");
  info.method = info_string(easy, CURLINFO_EFFECTIVE_METHOD).value_or("");
  info.ssl_verify_result = info_long(easy, CURLINFO_SSL_VERIFYRESULT);
  info.remote_ip = info_string(easy, CURLINFO_PRIMARY_IP).value_or("");
  info.remote_port = info_long(easy, CURLINFO_PRIMARY_PORT);
  info.local_ip = info_string(easy, CURLINFO_LOCAL_IP).value_or("");
  info.local_port = info_long(easy, CURLINFO_LOCAL_PORT);
}

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
