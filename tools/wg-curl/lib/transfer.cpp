#include "transfer.hpp"

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "curl_handle.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "redirect.hpp"
#include "response_headers.hpp"
#include "retry.hpp"
#include "transfer_body.hpp"
#include "transfer_error.hpp"
#include "transfer_info.hpp"
#include "transfer_request.hpp"
#include "transfer_setup.hpp"
#include "transfer_verbose.hpp"
#include "tunnel_resolve.hpp"
#include "tunnel_socket.hpp"
#include "url_transfers.hpp"
#include "write_out.hpp"

namespace wgnet::curl {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

// Errors after which curl stops instead of going on with the next URL; a dead tunnel too.
bool fatal(int code) {
  switch (code) {
    case CURLE_FAILED_INIT:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_FUNCTION_NOT_FOUND:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case kExitHandshakeFailed:
      return true;
    default:
      return false;
  }
}

Origin origin_of(const UrlHost& url) { return Origin{url.scheme, url.host, url.port}; }

// The previous URL as a Referer for -e ";auto": without credentials and fragment.
std::string referer_from(const std::string& url) {
  CURLU* handle = curl_url();
  std::string result = url;
  if (handle && curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    curl_url_set(handle, CURLUPART_FRAGMENT, nullptr, 0);
    curl_url_set(handle, CURLUPART_USER, nullptr, 0);
    curl_url_set(handle, CURLUPART_PASSWORD, nullptr, 0);
    char* text = nullptr;
    if (curl_url_get(handle, CURLUPART_URL, &text, 0) == CURLUE_OK && text) {
      result = text;
      curl_free(text);
    }
  }
  curl_url_cleanup(handle);
  return result;
}

// One request of a redirect chain.
struct Hop {
  std::string url;
  RequestKind kind = RequestKind::kGet;
  std::optional<std::string> referer;
};

// How one attempt (a whole redirect chain) ended.
struct Attempt {
  std::optional<TransferFailure> failure;
  bool quiet_failure = false;  // curl printed its warning already (binary output refused)
  TransferInfo info;
  bool refused = false;        // the tunnel's dial was refused (--retry-connrefused)
  std::optional<std::chrono::seconds> retry_after;
};

// Everything that belongs to one URL of the command line.
struct UrlRun {
  size_t index = 0;
  const UrlTarget* target = nullptr;
  std::optional<OutputSink> sink;
  std::optional<UploadSource> upload;
  MimeHandle form;
  std::optional<ProgressBar> bar;
  ResponseHeaders response;
  std::optional<std::string> write_error;
  bool discard_redirect_bodies = false;
};

class Engine {
 public:
  Engine(Tunnel& tunnel, const CurlOptions& options, const TransferIo& io,
         const tools::Diagnostics& diag)
      : tunnel_(tunnel), options_(options), io_(io), diag_(diag), sockets_(tunnel, diag) {}

  int run();

 private:
  bool silent() const { return options_.silent; }
  bool show_errors() const { return !options_.silent || options_.show_error; }

  std::optional<TransferFailure> set_up_handle();
  int run_url(const UrlTarget& target, size_t urlnum);
  void stop_at(const TransferFailure& failure, const std::string& warning, const UrlTarget* target,
               size_t urlnum, int& status);
  std::optional<TransferFailure> open_url(UrlRun& run);
  Attempt run_attempt(UrlRun& run, Clock::time_point attempt_start);
  std::optional<TransferFailure> prepare_hop(UrlRun& run, const Hop& hop, const UrlHost* url,
                                             const Origin& first, Clock::time_point attempt_start,
                                             size_t& address_count);
  std::optional<TransferFailure> resolve_into_list(const UrlHost& url, Clock::time_point hop_start,
                                                   std::optional<Clock::time_point> deadline,
                                                   size_t& address_count);
  void set_request_kind(UrlRun& run, RequestKind kind);
  void fill_info(UrlRun& run, TransferInfo& info, bool performed);
  void finish_url(UrlRun& run, Attempt& attempt);
  void write_out(const TransferInfo& info);

  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static int on_progress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                         curl_off_t ulnow);
  static int on_debug(CURL* easy, curl_infotype type, char* data, size_t size, void* self);
  static int on_resolver_start(void* resolver, void* reserved, void* self);

  Tunnel& tunnel_;
  const CurlOptions& options_;
  TransferIo io_;
  const tools::Diagnostics& diag_;
  TunnelSockets sockets_;  // declared before easy_: the handle closes its sockets through it
  EasyHandle easy_;
  std::array<char, CURL_ERROR_SIZE> errbuf_{};
  StringList resolve_list_, header_list_, connect_to_list_;
  std::optional<OutputSink> header_dump_;
  std::map<std::string, std::vector<IpAddress>> dns_cache_;  // per run, "host/family"
  std::string cookie_line_;
  UrlRun* run_ = nullptr;      // the URL being transferred, for the callbacks
  bool literal_host_ = false;  // for on_resolver_start
};

std::optional<TransferFailure> Engine::set_up_handle() {
  easy_.reset(curl_easy_init());
  if (!easy_) return TransferFailure{CURLE_FAILED_INIT, "could not create a libcurl handle"};
  CURL* e = easy_.get();
  sockets_.install(e);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf_.data());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Engine::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Engine::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  // The last line of defence: libcurl's own resolver must never run (see on_resolver_start).
  curl_easy_setopt(e, CURLOPT_RESOLVER_START_FUNCTION, &Engine::on_resolver_start);
  curl_easy_setopt(e, CURLOPT_RESOLVER_START_DATA, this);
  curl_easy_setopt(e, CURLOPT_STDERR, io_.err);
  if (options_.verbosity > 0) {
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Engine::on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, this);
  }
  if (auto failure = apply_session_options(e, options_)) return failure;
  if (auto failure = load_cookie_files(e, options_)) return failure;
  for (const auto& entry : options_.connect_to) {
    if (!connect_to_list_.append(entry)) return TransferFailure{CURLE_OUT_OF_MEMORY, "out of memory"};
  }
  if (!connect_to_list_.empty()) curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to_list_.get());
  for (size_t i = 0; i < options_.cookies.size(); ++i)
    cookie_line_ += (i ? "; " : "") + options_.cookies[i];
  if (!cookie_line_.empty()) curl_easy_setopt(e, CURLOPT_COOKIE, cookie_line_.c_str());
  if (options_.dump_header) {
    // Built in one expression: g++ 12 with ASan sees the optional path of a default-built
    // Settings assigned later as "maybe uninitialized" (a false positive under -Werror).
    OutputSink::Settings s{
        .path = *options_.dump_header == "-" ? std::nullopt
                                              : std::optional<std::string>(*options_.dump_header),
        .stdout_stream = io_.out,
        .create_dirs = options_.create_dirs,
    };
    header_dump_.emplace(std::move(s));
  }
  return std::nullopt;
}

int Engine::run() {
  if (auto failure = set_up_handle()) {
    if (show_errors()) diag_.plain(error_line(*failure));
    return failure->code;
  }
  int status = 0;
  bool stop = false;
  for (size_t i = 0; i < options_.urls.size() && !stop; ++i) {
    UrlTransfers transfers(options_.urls[i], options_.globoff);
    for (;;) {
      NextTransfer next = transfers.next();
      if (next.failure) {
        stop_at(*next.failure, next.warning, next.target ? &*next.target : nullptr, i, status);
        stop = true;
        break;
      }
      if (!next.target) break;
      status = run_url(*next.target, i);
      if (fatal(status)) {
        stop = true;
        break;
      }
    }
  }
  if (header_dump_) (void)header_dump_->finish(true);
  return status;
}

std::optional<TransferFailure> Engine::open_url(UrlRun& run) {
  const UrlTarget& target = *run.target;
  auto path = output_path(target, options_.output_dir);
  if (!path) return TransferFailure{kCurlWriteError, path.error().message};
  OutputSink::Settings s;
  s.path = *path;
  s.stdout_stream = io_.out;
  s.stdout_is_tty = io_.out_is_terminal;
  s.stdout_explicit = target.output.has_value();
  s.create_dirs = options_.create_dirs;
  s.append = options_.resume.has_value() && (options_.resume->from_output_size ||
                                             options_.resume->offset > 0);
  s.unbuffered = options_.no_buffer;
  run.sink.emplace(std::move(s));
  if (target.upload) {
    auto upload = UploadSource::open(*target.upload, io_.in);
    if (!upload) return TransferFailure{kCurlReadError, upload.error().message};
    run.upload.emplace(std::move(*upload));
  }
  if (!options_.form.empty()) {
    auto form = build_form(easy_.get(), options_.form, io_.in);
    if (!form) return TransferFailure{kCurlReadError, form.error().message};
    run.form = std::move(*form);
  }
  return std::nullopt;
}

// A glob that cannot go on ends the whole run, as in curl; the code of a failed transfer before
// it wins over the glob's (curl's returncode). An -o name is reported like a failed transfer.
void Engine::stop_at(const TransferFailure& failure, const std::string& warning,
                     const UrlTarget* target, size_t urlnum, int& status) {
  if (!warning.empty() && !silent()) diag_.warning(warning);
  if (show_errors()) diag_.plain(error_line(failure));
  if (target) {
    TransferInfo info;
    info.url = target->url;
    info.urlnum = static_cast<long>(urlnum);
    info.exitcode = failure.code;
    info.errormsg = failure.message;
    write_out(info);
  }
  if (status == 0) status = failure.code;
}

// `urlnum`: the URL's place on the command line (every URL of one glob shares it, as in curl).
int Engine::run_url(const UrlTarget& target, size_t urlnum) {
  UrlRun run;
  run.index = urlnum;
  run.target = &target;
  run_ = &run;
  struct Clear {
    UrlRun*& slot;
    ~Clear() { slot = nullptr; }
  } clear{run_};

  Attempt attempt;
  if (auto failure = open_url(run)) {
    attempt.failure = failure;
    attempt.info.url = run.target->url;
    attempt.info.urlnum = static_cast<long>(urlnum);
    attempt.info.exitcode = failure->code;
    attempt.info.errormsg = failure->message;
    if (show_errors()) diag_.plain(error_line(*failure));
    write_out(attempt.info);
    return failure->code;
  }
  RetryPolicy policy{options_.retry, options_.retry_delay, options_.retry_max_time,
                     options_.retry_all_errors, options_.retry_connrefused};
  RetryState retry(policy);
  auto first_start = Clock::now();
  for (;;) {
    attempt = run_attempt(run, Clock::now());
    if (attempt.failure && !attempt.quiet_failure && show_errors())
      diag_.plain(error_line(*attempt.failure));
    AttemptOutcome outcome;
    outcome.curl_code = attempt.failure ? attempt.failure->code : 0;
    outcome.http_code = attempt.info.http_code;
    outcome.refused = attempt.refused;
    outcome.retry_after = attempt.retry_after;
    auto decision =
        retry.after_attempt(outcome, duration_cast<milliseconds>(Clock::now() - first_start));
    if (!decision.warning.empty() && !silent()) diag_.warning(decision.warning);
    if (!decision.retry) break;
    int64_t thrown = run.sink->rewind_for_retry();
    if (thrown > 0 && !silent()) diag_.plain("Throwing away " + std::to_string(thrown) + " bytes");
    std::this_thread::sleep_for(decision.sleep);
  }
  finish_url(run, attempt);
  return attempt.failure ? attempt.failure->code : 0;
}

void Engine::finish_url(UrlRun& run, Attempt& attempt) {
  if (run.bar) std::fputs(run.bar->finish().c_str(), io_.err);
  bool ok = !attempt.failure;
  if (auto done = run.sink->finish(ok); !done && ok) {
    attempt.failure = TransferFailure{kCurlWriteError, "Failed writing body"};
    if (show_errors()) diag_.plain(error_line(*attempt.failure));
    attempt.info.exitcode = kCurlWriteError;
    attempt.info.errormsg = attempt.failure->message;
  }
  if (ok && options_.remote_time) {
    curl_off_t when = -1;
    curl_easy_getinfo(easy_.get(), CURLINFO_FILETIME_T, &when);
    if (when >= 0) run.sink->set_mtime(static_cast<std::time_t>(when));
  }
  write_out(attempt.info);
}

void Engine::write_out(const TransferInfo& info) {
  if (!options_.write_out) return;
  for (const auto& segment : format_write_out(*options_.write_out, info)) {
    std::FILE* stream = segment.stream == WriteOutStream::kStdout ? io_.out : io_.err;
    std::fwrite(segment.text.data(), 1, segment.text.size(), stream);
    std::fflush(stream);
  }
}

// `deadline`: when -m or --connect-timeout ends, whichever comes first; the lookup through the
// tunnel gets what is left of it (curl counts resolving toward both).
std::optional<TransferFailure> Engine::resolve_into_list(const UrlHost& url,
                                                         Clock::time_point hop_start,
                                                         std::optional<Clock::time_point> deadline,
                                                         size_t& address_count) {
  // Where libcurl will connect: --connect-to may send the request elsewhere.
  std::string host = url.host;
  uint16_t port = url.port;
  if (auto target = connect_to_target(options_.connect_to, url.host, url.port)) {
    host = target->first;
    port = target->second;
  }
  StringList list;
  for (const auto& entry : options_.resolve) list.append(entry.text);
  literal_host_ = IpAddress::parse(host).has_value();
  address_count = 1;
  if (const ResolveEntry* user = user_resolve_for(options_.resolve, host, port)) {
    address_count = user->addresses.size();
  } else if (!literal_host_) {
    std::string key = host + "/" + std::to_string(static_cast<int>(options_.family));
    auto cached = dns_cache_.find(key);
    if (cached == dns_cache_.end()) {
      milliseconds budget{0};  // none: the resolver's own tries
      if (deadline) budget = std::chrono::ceil<milliseconds>(*deadline - Clock::now());
      Result<std::vector<IpAddress>> addresses = make_error(ErrorCode::kTimeout, "no time left");
      if (!deadline || budget > milliseconds::zero())
        addresses = tunnel_.resolve(host, options_.family, budget);
      if (!addresses || addresses->empty()) {
        if (!addresses) diag_.info("resolving " + host + " through the tunnel failed: " +
                                   addresses.error().message);
        return resolve_failure(host,
                               addresses ? make_error(ErrorCode::kResolve, "no address")
                                         : addresses.error(),
                               duration_cast<milliseconds>(Clock::now() - hop_start));
      }
      cached = dns_cache_.emplace(key, std::move(*addresses)).first;
    }
    address_count = cached->second.size();
    list.append(resolve_entry(host, port, cached->second));
  }
  resolve_list_ = std::move(list);
  curl_easy_setopt(easy_.get(), CURLOPT_RESOLVE, resolve_list_.get());
  return std::nullopt;
}

void Engine::set_request_kind(UrlRun& run, RequestKind kind) {
  CURL* e = easy_.get();
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);  // clears POST, upload and NOBODY of a previous hop
  switch (kind) {
    case RequestKind::kGet:
      break;
    case RequestKind::kHead:
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      break;
    case RequestKind::kPost:
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(options_.data->size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, options_.data->data());
      break;
    case RequestKind::kMimePost:
      curl_easy_setopt(e, CURLOPT_MIMEPOST, run.form.get());
      break;
    case RequestKind::kPut:
      run.upload->install(e);
      curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
      break;
  }
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, options_.method ? options_.method->c_str() : nullptr);
}

std::optional<TransferFailure> Engine::prepare_hop(UrlRun& run, const Hop& hop,
                                                   const UrlHost* url, const Origin& first,
                                                   Clock::time_point attempt_start,
                                                   size_t& address_count) {
  CURL* e = easy_.get();
  address_count = 1;
  literal_host_ = false;
  // -m covers the whole attempt, redirects included; --connect-timeout each connection. Both
  // count the name lookup through the tunnel, as curl's count resolving.
  auto hop_start = Clock::now();
  std::optional<Clock::time_point> connect_end;
  if (options_.connect_timeout) connect_end = hop_start + *options_.connect_timeout;
  std::optional<Clock::time_point> max_end;
  if (options_.max_time) max_end = attempt_start + *options_.max_time;
  std::optional<Clock::time_point> dial_deadline = connect_end;
  if (max_end && (!dial_deadline || *max_end < *dial_deadline)) dial_deadline = max_end;
  auto max_time_failure = [&] {
    return TransferFailure{kCurlOperationTimedOut,
                           "Operation timed out after " +
                               std::to_string(options_.max_time->count()) +
                               " milliseconds with 0 bytes received"};
  };
  if (max_end && *max_end <= hop_start) return max_time_failure();
  if (url) {
    bool allowed = (url->scheme == "http" && options_.proto_http) ||
                   (url->scheme == "https" && options_.proto_https);
    if (!allowed) {
      return TransferFailure{kCurlUnsupportedProtocol,
                             "Protocol \"" + url->scheme + "\" not supported or disabled in libcurl"};
    }
    if (auto failure = resolve_into_list(*url, hop_start, dial_deadline, address_count))
      return failure;
  }
  // libcurl's own timers start now: give them what the lookup left (0 would mean "none").
  long timeout_ms = 0;
  if (max_end) {
    auto left = duration_cast<milliseconds>(*max_end - Clock::now());
    if (left <= milliseconds::zero()) return max_time_failure();
    timeout_ms = static_cast<long>(left.count());
  }
  long connect_ms = 0;
  if (connect_end) {
    auto left = duration_cast<milliseconds>(*connect_end - Clock::now());
    connect_ms = static_cast<long>(std::max(left, milliseconds(1)).count());
  }
  sockets_.set_dial_limits(dial_deadline, address_count);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);

  if (hop.kind == RequestKind::kPut && !run.upload->rewind()) {
    return TransferFailure{kCurlSendFailRewind, "necessary data rewind wasn't possible"};
  }
  set_request_kind(run, hop.kind);

  Origin now = url ? origin_of(*url) : first;
  bool credentials = credentials_allowed(first, now, options_.location_trusted);
  StringList headers;
  for (const auto& line : request_headers(options_, credentials, custom_host_allowed(first, now)))
    headers.append(line);
  header_list_ = std::move(headers);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_.get());
  curl_easy_setopt(e, CURLOPT_USERPWD,
                   options_.user && credentials ? options_.user->c_str() : nullptr);
  if (options_.oauth2_bearer) {
    curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER,
                     credentials ? options_.oauth2_bearer->c_str() : nullptr);
    if (credentials) curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
  }
  curl_easy_setopt(e, CURLOPT_REFERER, hop.referer ? hop.referer->c_str() : nullptr);
  curl_easy_setopt(e, CURLOPT_RANGE, options_.range ? options_.range->c_str() : nullptr);
  int64_t resume = options_.resume ? resume_offset(*options_.resume, run.sink->path()) : 0;
  curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(resume));
  curl_easy_setopt(e, CURLOPT_URL, hop.url.c_str());

  // The meter is libcurl's; the bar is ours. Neither for -s or a body on a terminal.
  bool terminal = run.sink->to_stdout() && io_.out_is_terminal;
  bool progress = show_progress(silent(), options_.progress == ProgressMode::kNone, terminal);
  if (progress && options_.progress == ProgressMode::kBar) {
    if (!run.bar)
      run.bar.emplace(progress_bar_width(io_.columns_env, io_.terminal_columns), resume);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Engine::on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, this);
  } else {
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, nullptr);
  }
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, progress ? 0L : 1L);
  return std::nullopt;
}

Attempt Engine::run_attempt(UrlRun& run, Clock::time_point attempt_start) {
  Attempt attempt;
  ChainMeasure measure;
  const UrlTarget& target = *run.target;
  Hop hop{request_url(target.url, options_, target.upload), initial_kind(options_, target),
          options_.referer};
  auto first_url = parse_url_host(hop.url);
  Origin first = first_url ? origin_of(*first_url) : Origin{};
  long followed = 0;
  bool performed = false;
  run.discard_redirect_bodies = options_.location || options_.location_trusted;

  for (;;) {
    auto hop_start = Clock::now();
    auto url = parse_url_host(hop.url);
    size_t address_count = 1;
    errbuf_[0] = '\0';
    run.response.reset();
    run.write_error.reset();
    sockets_.take_dial_error();
    if (auto failure = prepare_hop(run, hop, url ? &*url : nullptr, first, attempt_start,
                                   address_count)) {
      attempt.failure = failure;
      break;
    }
    auto before = duration_cast<microseconds>(Clock::now() - hop_start).count();
    CURLcode rc = curl_easy_perform(easy_.get());
    performed = true;
    CURL* e = easy_.get();
    measure.add_hop(measure_hop(e, before));

    auto dial_error = sockets_.take_dial_error();
    if (dial_error && dial_error->code == ErrorCode::kConnectRefused) attempt.refused = true;
    if (rc != CURLE_OK) {
      if (rc == CURLE_WRITE_ERROR && run.write_error) {
        // Our output failed: curl's warning, then (except for binary output) the error line.
        if (!silent()) diag_.warning(*run.write_error);
        attempt.quiet_failure = run.write_error->rfind("Binary output", 0) == 0;
      }
      attempt.failure = describe_curl_result(
          rc, errbuf_.data(), dial_error,
          duration_cast<milliseconds>(Clock::now() - hop_start));
      break;
    }
    long status = info_long(e, CURLINFO_RESPONSE_CODE);
    if (status == 429 || status == 503) {
      curl_off_t after = 0;
      if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
        attempt.retry_after = std::chrono::seconds(after);
    }
    RedirectPolicy policy{run.discard_redirect_bodies, options_.max_redirs, options_.post301,
                          options_.post302, options_.post303, options_.redir_http,
                          options_.redir_https};
    auto step = next_redirect_step(policy, hop.kind, status,
                                   info_string(e, CURLINFO_REDIRECT_URL), followed);
    if (step.action == RedirectStep::Action::kDone) {
      if (options_.fail == FailMode::kFailWithBody && status >= 400) {
        attempt.failure = TransferFailure{kCurlHttpReturnedError,
                                          "The requested URL returned error: " +
                                              std::to_string(status)};
      }
      break;
    }
    if (step.action == RedirectStep::Action::kFail) {
      // libcurl counts a redirect it took and then refused for its protocol.
      if (step.exit_code != kCurlTooManyRedirects) ++followed;
      attempt.failure = TransferFailure{step.exit_code, step.message};
      break;
    }
    ++followed;
    diag_.info("following redirect to " + step.url);
    std::optional<std::string> referer = options_.referer;
    if (options_.auto_referer) referer = referer_from(hop.url);
    hop = Hop{step.url, step.kind, referer};
  }

  TransferInfo& info = attempt.info;
  info.url = target.url;
  info.urlnum = static_cast<long>(run.index);
  info.num_redirects = followed;
  if (attempt.failure) {
    info.exitcode = attempt.failure->code;
    info.errormsg = attempt.failure->message;
  }
  fill_info(run, info, performed);
  info.url_effective = hop.url;  // also when the chain ended before libcurl saw this URL
  measure.fill(info);
  return attempt;
}

void Engine::fill_info(UrlRun& run, TransferInfo& info, bool performed) {
  if (run.sink && run.sink->path()) info.filename_effective = run.sink->path();
  info.headers = run.response.headers();
  info.num_headers = static_cast<long>(info.headers.size());
  if (!performed) return;  // the handle still describes an earlier request
  CURL* e = easy_.get();
  read_transfer_info(e, info);
  // The addresses of the tunnel connection, as the tunnel gave them.
  std::optional<Endpoint> remote;
  if (auto ip = IpAddress::parse(info.remote_ip))
    remote = Endpoint{*ip, static_cast<uint16_t>(info.remote_port)};
  curl_socket_t fd = CURL_SOCKET_BAD;
  curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd);
  if (auto ends = sockets_.endpoints(fd, remote)) {
    info.remote_ip = ends->remote.ip.to_string();
    info.remote_port = ends->remote.port;
    info.local_ip = ends->local.ip.to_string();
    info.local_port = ends->local.port;
  }
}

size_t Engine::on_body(char* data, size_t size, size_t count, void* self) {
  auto* engine = static_cast<Engine*>(self);
  UrlRun* run = engine->run_;
  size_t length = size * count;
  // -L: the body of a redirect that will be followed is not output, as in curl.
  if (run->discard_redirect_bodies && run->response.is_redirect()) return length;
  auto written = run->sink->write(data, length, true);
  if (!written) {
    run->write_error = written.error().message;
    return 0;  // libcurl: CURLE_WRITE_ERROR
  }
  return length;
}

size_t Engine::on_header(char* data, size_t size, size_t count, void* self) {
  auto* engine = static_cast<Engine*>(self);
  UrlRun* run = engine->run_;
  size_t length = size * count;
  run->response.on_line(std::string_view(data, length));
  // -i / -I: every response's headers (1xx and redirects included) go with the output.
  if (engine->options_.include || engine->options_.head) {
    auto written = run->sink->write(data, length, false);
    if (!written) {
      run->write_error = written.error().message;
      return 0;
    }
  }
  if (engine->header_dump_) {
    auto written = engine->header_dump_->write(data, length, false);
    if (!written) {
      run->write_error = written.error().message;
      return 0;
    }
  }
  return length;
}

int Engine::on_progress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow) {
  auto* engine = static_cast<Engine*>(self);
  UrlRun* run = engine->run_;
  if (run && run->bar) {
    std::string text = run->bar->update(dltotal, dlnow, ultotal, ulnow, Clock::now());
    if (!text.empty()) {
      std::fputs(text.c_str(), engine->io_.err);
      std::fflush(engine->io_.err);
    }
  }
  return 0;
}

int Engine::on_debug(CURL* /*easy*/, curl_infotype type, char* data, size_t size, void* self) {
  auto* engine = static_cast<Engine*>(self);
  for (const auto& line : verbose_lines(type, std::string_view(data, size)))
    engine->diag_.plain(line);
  return 0;
}

int Engine::on_resolver_start(void* /*resolver*/, void* /*reserved*/, void* self) {
  auto* engine = static_cast<Engine*>(self);
  // libcurl asks only for a host that is not in its cache. An IP literal is turned into an
  // address without a lookup; a name here would mean our CURLOPT_RESOLVE entry is missing, and
  // the system resolver must never see it: refuse (the transfer fails with exit 6).
  if (engine->literal_host_) return 0;
  engine->diag_.info("refused a name lookup outside the tunnel");
  return 1;
}

}  // namespace

int run_transfers(Tunnel& tunnel, const CurlOptions& options, const TransferIo& io,
                  const tools::Diagnostics& diag) {
  Engine engine(tunnel, options, io, diag);
  return engine.run();
}

}  // namespace wgnet::curl
