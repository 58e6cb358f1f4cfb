// Entry points: parse_config picks the syntax from the content; load_config reads a file and
// applies wg-quick's permission warning.
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "config/parse_support.hpp"
#include "core/crypto.hpp"

namespace wgnet {
namespace {

// The file's text holds the private key: wipe it however we leave.
struct SecretText {
  std::string text;
  ~SecretText() { crypto::secure_zero(text.data(), text.size()); }
};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Result<void> read_file(const std::string& path, std::string& out) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorCode::kConfig, "cannot read " + path + ": " + std::strerror(errno));
  // Read in place rather than through growing buffers that would leave copies of the key behind.
  struct stat st{};
  if (fstat(fileno(file.get()), &st) == 0 && st.st_size > 0) out.reserve(size_t(st.st_size) + 1);
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) out.append(chunk, n);
  const bool failed = std::ferror(file.get()) != 0;
  const int err = errno;
  crypto::secure_zero(chunk, sizeof chunk);
  if (failed) return make_error(ErrorCode::kConfig, "cannot read " + path + ": " + std::strerror(err));
  return {};
}

// wg-quick's rule, applied to the resolved path (it runs `readlink -f` first):
//   (( (mode of file) & (mode of its directory) & 0007 )) != 0  =>  "is world accessible"
// i.e. a warning only when others have some permission on the file AND on its directory (a
// world-readable file in a 0700 directory is not reachable by others). Group bits do not count.
// A warning, never a refusal.
void warn_if_world_accessible(const std::string& path, const WarningSink& warn) {
  if (!warn) return;
  std::unique_ptr<char, decltype(&std::free)> real(realpath(path.c_str(), nullptr), &std::free);
  if (!real) return;
  const std::string resolved(real.get());
  const auto slash = resolved.rfind('/');
  const std::string dir = slash == 0 ? "/" : resolved.substr(0, slash);
  struct stat file_st{}, dir_st{};
  if (stat(resolved.c_str(), &file_st) != 0 || stat(dir.c_str(), &dir_st) != 0) return;
  if ((file_st.st_mode & dir_st.st_mode & 0007) != 0)
    warn("warning: `" + resolved + "' is world accessible");
}

}  // namespace

Result<Config> parse_config(std::string_view text, std::string_view source,
                            const WarningSink& warn) {
  if (config_detail::looks_like_uapi(text)) return config_detail::parse_uapi(text, source, warn);
  return config_detail::parse_ini(text, source, warn);
}

Result<Config> load_config(const std::string& path, const WarningSink& warn) {
  SecretText contents;
  if (auto ok = read_file(path, contents.text); !ok) return ok.error();
  warn_if_world_accessible(path, warn);
  return parse_config(contents.text, path, warn);
}

}  // namespace wgnet
