// RAII owners for libcurl's and stdio's handles, so that no path through the transfer code
// can leak one (early returns on errors, retries, redirects).
#pragma once

#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

namespace wgnet::curl {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using MimeHandle = std::unique_ptr<curl_mime, MimeDeleter>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

// A curl_slist that frees itself. libcurl keeps the pointer given to it (CURLOPT_HTTPHEADER,
// CURLOPT_RESOLVE), so the list must outlive the transfer that uses it.
class StringList {
 public:
  StringList() = default;
  StringList(StringList&& other) noexcept : head_(other.head_) { other.head_ = nullptr; }
  StringList& operator=(StringList&& other) noexcept {
    if (this != &other) {
      curl_slist_free_all(head_);
      head_ = other.head_;
      other.head_ = nullptr;
    }
    return *this;
  }
  StringList(const StringList&) = delete;
  StringList& operator=(const StringList&) = delete;
  ~StringList() { curl_slist_free_all(head_); }

  // False only when libcurl could not allocate.
  bool append(const std::string& item) {
    curl_slist* grown = curl_slist_append(head_, item.c_str());
    if (!grown) return false;
    head_ = grown;
    return true;
  }
  curl_slist* get() const { return head_; }
  // Gives the list away (to an API that frees it itself).
  curl_slist* release() { return std::exchange(head_, nullptr); }
  bool empty() const { return head_ == nullptr; }

 private:
  curl_slist* head_ = nullptr;
};

// curl_global_init/cleanup for the lifetime of a program (or a test).
class CurlGlobal {
 public:
  CurlGlobal() : ok_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}
  ~CurlGlobal() {
    if (ok_) curl_global_cleanup();
  }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

}  // namespace wgnet::curl
