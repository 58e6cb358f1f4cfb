#include "auth_keys.hpp"

#include <cstdint>

#include "known_hosts.hpp"

namespace wgnet::ssh {
namespace {

constexpr std::string_view kOpenSshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpenSshEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpenSshMagic{"openssh-key-v1\0", 15};

// Reads SSH wire-format values from a byte string.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool skip(size_t n) {
    if (data_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  bool u32(uint32_t& out) {
    if (data_.size() - pos_ < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    out = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    pos_ += 4;
    return true;
  }
  bool string(std::string_view& out) {
    uint32_t n = 0;
    if (!u32(n) || data_.size() - pos_ < n) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool prefix(std::string_view magic) {
    if (data_.substr(pos_, magic.size()) != magic) return false;
    pos_ += magic.size();
    return true;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

std::string strip_whitespace(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') out += c;
  }
  return out;
}

PrivateKeyInfo inspect_openssh(std::string_view text) {
  PrivateKeyInfo info;
  info.format = PrivateKeyFormat::kOpenSsh;
  size_t begin = text.find(kOpenSshBegin) + kOpenSshBegin.size();
  size_t end = text.find(kOpenSshEnd, begin);
  if (end == std::string_view::npos) return PrivateKeyInfo{};
  std::string binary;
  if (!base64_decode(strip_whitespace(text.substr(begin, end - begin)), binary)) {
    return PrivateKeyInfo{};
  }
  WireReader reader(binary);
  std::string_view cipher, kdf, kdf_options, public_key;
  uint32_t keys = 0;
  if (!reader.prefix(kOpenSshMagic) || !reader.string(cipher) || !reader.string(kdf) ||
      !reader.string(kdf_options) || !reader.u32(keys) || keys < 1 ||
      !reader.string(public_key)) {
    return PrivateKeyInfo{};
  }
  info.encrypted = cipher != "none";
  info.public_blob = std::string(public_key);
  return info;
}

}  // namespace

PrivateKeyInfo inspect_private_key(std::string_view text) {
  if (text.find(kOpenSshBegin) != std::string_view::npos) return inspect_openssh(text);
  PrivateKeyInfo info;
  if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos) {
    info.format = PrivateKeyFormat::kPem;  // PKCS#8, encrypted
    info.encrypted = true;
  } else if (text.find("-----BEGIN ") != std::string_view::npos &&
             text.find("PRIVATE KEY-----") != std::string_view::npos) {
    info.format = PrivateKeyFormat::kPem;
    info.encrypted = text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
  }
  return info;
}

std::string parse_public_key_line(std::string_view text) {
  auto skip_space = [&](size_t i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    return i;
  };
  auto word_end = [&](size_t i) {
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' &&
           text[i] != '\r') {
      ++i;
    }
    return i;
  };
  size_t type_begin = skip_space(0);
  size_t type_end = word_end(type_begin);
  size_t data_begin = skip_space(type_end);
  size_t data_end = word_end(data_begin);
  if (type_end == type_begin || data_end == data_begin) return {};
  std::string blob;
  if (!base64_decode(text.substr(data_begin, data_end - data_begin), blob)) return {};
  if (blob_key_type(blob) != text.substr(type_begin, type_end - type_begin)) return {};
  return blob;
}

std::string rsa_sha1_note() {
  return "libssh2 1.10 signs RSA keys only with ssh-rsa (SHA-1), which OpenSSH 8.8 and later "
         "refuse by default; use an ed25519 or ECDSA key";
}

}  // namespace wgnet::ssh
