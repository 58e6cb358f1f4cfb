// Where a transfer's body (and with -i its headers) goes: stdout or a file, with curl's rules:
//   - the file is created when the first byte arrives (a failed transfer leaves none), or empty
//     at the end of a successful transfer that received nothing
//   - -O takes the name from the URL (--output-dir in front), --create-dirs makes the parents
//   - -C - appends to the existing file from its size; a retry truncates back to that size
//   - binary data for a terminal (stdout is a tty and no explicit "-o -") is refused
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include "curl_handle.hpp"
#include "curl_options.hpp"
#include "wgnet/result.hpp"

namespace wgnet::curl {

// The file a URL's body goes to; nullopt for stdout (no -o/-O, or "-o -").
// kInvalidArgument "Remote file name has no length" when -O finds no name in the URL.
Result<std::optional<std::string>> output_path(const UrlTarget& target,
                                               const std::optional<std::string>& output_dir);

// The offset a transfer resumes from: -C N as given; "-C -" the size of the existing output
// file (0 when there is none or the output is stdout).
int64_t resume_offset(const Resume& resume, const std::optional<std::string>& path);

// mkdir -p of the directories above `path` (--create-dirs). An error names the directory.
Result<void> create_parent_dirs(const std::string& path);

class OutputSink {
 public:
  struct Settings {
    std::optional<std::string> path;  // nullopt: `stdout_stream`
    std::FILE* stdout_stream = stdout;
    bool stdout_is_tty = false;
    bool stdout_explicit = false;  // "-o -": the user asked for the terminal
    bool create_dirs = false;
    bool append = false;  // -C: keep what the file has
    bool unbuffered = false;  // -N: flush after every write
  };

  explicit OutputSink(Settings settings);

  // Writes body or header bytes. On failure the message is curl's warning text ("Failed to
  // open the file X: reason", the binary-output refusal); the transfer then ends with 23.
  Result<void> write(const char* data, size_t size, bool is_body);

  // At the end of a transfer: creates an empty file when the transfer succeeded without data
  // (as curl does) and flushes. An error is a write error (23).
  Result<void> finish(bool success);

  // Before a retry: back to the size the file had at the start ("Throwing away N bytes" is
  // the caller's to print). Returns the number of bytes thrown away.
  int64_t rewind_for_retry();

  // -R: the file's modification time (no-op for stdout).
  void set_mtime(std::time_t when);

  int64_t bytes() const { return bytes_; }
  bool to_stdout() const { return !settings_.path.has_value(); }
  const std::optional<std::string>& path() const { return settings_.path; }

 private:
  Result<void> open_file();
  std::FILE* stream() const;

  Settings settings_;
  FileHandle file_;
  int64_t initial_size_ = 0;
  int64_t bytes_ = 0;
  bool failed_ = false;
};

}  // namespace wgnet::curl
