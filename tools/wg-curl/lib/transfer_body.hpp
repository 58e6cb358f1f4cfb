// Request bodies read at transfer time: -T's file (or stdin) and -F's multipart form.
// Errors are kIo with curl's words; the transfer reports them as exit 26 (read error).
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "curl_handle.hpp"
#include "curl_options.hpp"
#include "wgnet/result.hpp"

namespace wgnet::curl {

class UploadSource {
 public:
  // "-" and "." read `stdin_stream`; anything else is a file opened now.
  static Result<UploadSource> open(const std::string& name, std::FILE* stdin_stream);

  // Points libcurl's read and seek callbacks at this source (which must outlive the transfer).
  void install(CURL* easy);

  // Back to the start before the body is sent again (a 307/308, a retry). False when the
  // body came from stdin and was read already: it cannot be sent twice.
  bool rewind();

  int64_t size() const { return size_; }  // -1: unknown (stdin, a pipe): sent chunked

 private:
  static size_t read(char* buffer, size_t size, size_t count, void* self);
  static int seek(void* self, curl_off_t offset, int origin);

  FileHandle file_;  // empty for stdin
  std::FILE* stream_ = nullptr;
  int64_t size_ = -1;
  int64_t consumed_ = 0;
};

// The -F parts as a curl_mime for CURLOPT_MIMEPOST. Files ("@file") are read by libcurl as it
// sends them; "<file" contents and "-" (stdin) are read now.
Result<MimeHandle> build_form(CURL* easy, const std::vector<FormPart>& parts,
                              std::FILE* stdin_stream);

}  // namespace wgnet::curl
