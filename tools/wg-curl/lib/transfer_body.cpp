#include "transfer_body.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace wgnet::curl {
namespace {

Error read_error(const std::string& file) {
  return make_error(ErrorCode::kIo, "Can't open '" + file + "': " + std::strerror(errno));
}

Result<std::string> read_all(std::FILE* stream, const std::string& name) {
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stream)) > 0) data.append(buf, n);
  if (std::ferror(stream)) return read_error(name);
  return data;
}

Result<std::string> read_named(const std::string& name, std::FILE* stdin_stream) {
  if (name == "-") return read_all(stdin_stream, name);
  FileHandle file(std::fopen(name.c_str(), "rb"));
  if (!file) return read_error(name);
  return read_all(file.get(), name);
}

}  // namespace

Result<UploadSource> UploadSource::open(const std::string& name, std::FILE* stdin_stream) {
  UploadSource source;
  if (name == "-" || name == ".") {
    source.stream_ = stdin_stream;
    return source;
  }
  source.file_.reset(std::fopen(name.c_str(), "rb"));
  if (!source.file_) return read_error(name);
  source.stream_ = source.file_.get();
  struct stat st;
  if (::fstat(fileno(source.stream_), &st) == 0 && S_ISREG(st.st_mode))
    source.size_ = static_cast<int64_t>(st.st_size);
  return source;
}

void UploadSource::install(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &UploadSource::read);
  curl_easy_setopt(easy, CURLOPT_READDATA, this);
  curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &UploadSource::seek);
  curl_easy_setopt(easy, CURLOPT_SEEKDATA, this);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size_));
}

bool UploadSource::rewind() {
  if (consumed_ == 0) return true;
  if (!file_) return false;
  if (std::fseek(stream_, 0, SEEK_SET) != 0) return false;
  consumed_ = 0;
  return true;
}

size_t UploadSource::read(char* buffer, size_t size, size_t count, void* self) {
  auto* source = static_cast<UploadSource*>(self);
  size_t n = std::fread(buffer, 1, size * count, source->stream_);
  if (n == 0 && std::ferror(source->stream_)) return CURL_READFUNC_ABORT;
  source->consumed_ += static_cast<int64_t>(n);
  return n;
}

int UploadSource::seek(void* self, curl_off_t offset, int origin) {
  auto* source = static_cast<UploadSource*>(self);
  if (!source->file_) return CURL_SEEKFUNC_CANTSEEK;
  if (fseeko(source->stream_, static_cast<off_t>(offset), origin) != 0) return CURL_SEEKFUNC_FAIL;
  source->consumed_ = ftello(source->stream_);
  return CURL_SEEKFUNC_OK;
}

Result<MimeHandle> build_form(CURL* easy, const std::vector<FormPart>& parts,
                              std::FILE* stdin_stream) {
  MimeHandle mime(curl_mime_init(easy));
  if (!mime) return make_error(ErrorCode::kInternal, "out of memory");
  for (const auto& part : parts) {
    curl_mimepart* p = curl_mime_addpart(mime.get());
    if (!p) return make_error(ErrorCode::kInternal, "out of memory");
    curl_mime_name(p, part.name.c_str());
    if (part.kind == FormPart::Kind::kValue) {
      curl_mime_data(p, part.value.data(), part.value.size());
    } else if (part.kind == FormPart::Kind::kFile && part.value != "-") {
      // libcurl opens it as it sends, and names the part after the file.
      if (curl_mime_filedata(p, part.value.c_str()) != CURLE_OK) return read_error(part.value);
    } else {
      auto content = read_named(part.value, stdin_stream);
      if (!content) return content.error();
      curl_mime_data(p, content->data(), content->size());
      if (part.kind == FormPart::Kind::kFile) curl_mime_filename(p, "-");
    }
    if (part.type) curl_mime_type(p, part.type->c_str());
    if (part.filename) curl_mime_filename(p, part.filename->c_str());
    if (!part.headers.empty()) {
      StringList headers;
      for (const auto& h : part.headers) {
        if (!headers.append(h)) return make_error(ErrorCode::kInternal, "out of memory");
      }
      // With take_ownership=1 the part frees the list.
      if (curl_mime_headers(p, headers.get(), 1) == CURLE_OK) headers.release();
    }
  }
  return mime;
}

}  // namespace wgnet::curl
