// libFuzzer harness for the config parser (TESTPLAN G1): both syntaxes go through parse_config,
// which picks one from the content. Besides crashes and sanitizer reports it checks two
// properties: a parsed private key survives a base64 round trip, and for 44-byte inputs the
// constant-time key decoder agrees with OpenSSL's table-driven one (plus the canonical-form rule).
#include <openssl/evp.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "wgnet/config.hpp"

namespace {

// Reference: OpenSSL decodes; a key is accepted iff it is 43 base64 characters plus '=' and
// re-encoding the 32 bytes gives back the same text (which rules out stray low bits).
bool reference_accepts(std::string_view text, wgnet::Key32& out) {
  if (text.size() != 44 || text[43] != '=') return false;
  for (size_t i = 0; i < 43; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c > 127 || !(std::isalnum(c) || c == '+' || c == '/')) return false;
  }
  unsigned char raw[33];
  if (EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(text.data()), 44) != 33)
    return false;
  unsigned char again[45];
  EVP_EncodeBlock(again, raw, 32);
  if (std::memcmp(again, text.data(), 44) != 0) return false;
  std::memcpy(out.data(), raw, 32);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  size_t warnings = 0;
  auto config = wgnet::parse_config(text, "fuzz.conf", [&](const std::string& w) {
    if (w.empty() || w.find('\n') != std::string::npos) std::abort();
    ++warnings;
  });
  if (config.ok()) {
    const auto& key = config->interface.private_key;
    if (wgnet::parse_key_base64(wgnet::key_to_base64(key)) != key) std::abort();
    for (const auto& peer : config->peers)
      if (peer.endpoint && peer.endpoint->to_string().empty()) std::abort();
  } else if (config.error().message.find('\n') != std::string::npos) {
    std::abort();  // messages are one line
  }

  if (size == 44) {
    wgnet::Key32 expected{};
    const bool ok = reference_accepts(text, expected);
    const auto ours = wgnet::parse_key_base64(text);
    if (ok != ours.has_value() || (ok && *ours != expected)) std::abort();
  }
  return 0;
}
