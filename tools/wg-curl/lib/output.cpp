#include "output.hpp"

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wgnet::curl {
namespace {

Error io_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::optional<std::string>> output_path(const UrlTarget& target,
                                               const std::optional<std::string>& output_dir) {
  std::string name;
  if (target.output) {
    if (*target.output == "-") return std::optional<std::string>{};
    name = *target.output;
  } else if (target.remote_name) {
    name = remote_file_name(target.url);
    if (name.empty())
      return make_error(ErrorCode::kInvalidArgument, "Remote file name has no length");
  } else {
    return std::optional<std::string>{};
  }
  // --output-dir applies to relative names only, as in curl.
  if (output_dir && !output_dir->empty() && name.front() != '/') {
    std::string dir = *output_dir;
    if (dir.back() != '/') dir += '/';
    name = dir + name;
  }
  return std::optional<std::string>{name};
}

int64_t resume_offset(const Resume& resume, const std::optional<std::string>& path) {
  if (!resume.from_output_size) return resume.offset;
  if (!path) return 0;
  struct stat st;
  if (::stat(path->c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_size);
}

Result<void> create_parent_dirs(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
      return make_error(ErrorCode::kIo, "Failed to create the directory " + dir + ": " +
                                            std::strerror(errno));
    }
  }
  return {};
}

OutputSink::OutputSink(Settings settings) : settings_(std::move(settings)) {}

std::FILE* OutputSink::stream() const {
  return settings_.path ? file_.get() : settings_.stdout_stream;
}

Result<void> OutputSink::open_file() {
  const std::string& path = *settings_.path;
  if (settings_.create_dirs) {
    if (auto made = create_parent_dirs(path); !made) return made.error();
  }
  file_.reset(std::fopen(path.c_str(), settings_.append ? "ab" : "wb"));
  if (!file_) {
    return make_error(ErrorCode::kIo,
                      "Failed to open the file " + path + ": " + std::strerror(errno));
  }
  if (settings_.append) {
    struct stat st;
    if (::fstat(fileno(file_.get()), &st) == 0) initial_size_ = static_cast<int64_t>(st.st_size);
  }
  return {};
}

Result<void> OutputSink::write(const char* data, size_t size, bool is_body) {
  if (failed_) return make_error(ErrorCode::kIo, "output failed before");
  if (size == 0) return {};
  if (settings_.path && !file_) {
    if (auto opened = open_file(); !opened) {
      failed_ = true;
      return opened.error();
    }
  }
  if (is_body && !settings_.path && settings_.stdout_is_tty && !settings_.stdout_explicit &&
      std::memchr(data, '\0', size) != nullptr) {
    failed_ = true;
    return make_error(ErrorCode::kIo,
                      "Binary output can mess up your terminal. Use \"--output -\" to tell "
                      "wg-curl to output it to your terminal anyway, or consider \"--output "
                      "<FILE>\" to save to a file.");
  }
  if (std::fwrite(data, 1, size, stream()) != size) {
    failed_ = true;
    return io_error("Failure writing output to destination");
  }
  bytes_ += static_cast<int64_t>(size);
  if (settings_.unbuffered) std::fflush(stream());
  return {};
}

Result<void> OutputSink::finish(bool success) {
  if (success && settings_.path && !file_ && !failed_) {
    if (auto opened = open_file(); !opened) return opened.error();
  }
  std::FILE* s = stream();
  if (s && std::fflush(s) != 0) return io_error("Failed writing body");
  return {};
}

int64_t OutputSink::rewind_for_retry() {
  if (!settings_.path || !file_ || bytes_ == 0) return 0;
  std::fflush(file_.get());
  int64_t thrown = bytes_;
  if (::ftruncate(fileno(file_.get()), initial_size_) == 0) {
    std::fseek(file_.get(), 0, SEEK_END);
    bytes_ = 0;
  }
  return thrown;
}

void OutputSink::set_mtime(std::time_t when) {
  if (!settings_.path || when < 0) return;
  if (file_) std::fflush(file_.get());
  timeval times[2] = {{when, 0}, {when, 0}};
  ::utimes(settings_.path->c_str(), times);
}

}  // namespace wgnet::curl
