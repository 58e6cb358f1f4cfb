// What wg-ssh needs to know about an identity file before handing it to libssh2: whether it
// is encrypted (a passphrase prompt) and its public key (to offer it before asking, and to match
// it with the agent's keys). Pure parsing of the files' text.
//
// libssh2 1.10 (OpenSSL backend, as Debian builds it) reads OpenSSH-format keys
// ("BEGIN OPENSSH PRIVATE KEY", ed25519/ecdsa/rsa, also encrypted with bcrypt-pbkdf + aes256-ctr)
// and PEM keys. It signs RSA keys only with "ssh-rsa" (SHA-1), which OpenSSH 8.8+ servers refuse
// by default: see rsa_sha1_note().
#pragma once

#include <string>
#include <string_view>

namespace wgnet::ssh {

enum class PrivateKeyFormat { kUnknown, kOpenSsh, kPem };

struct PrivateKeyInfo {
  PrivateKeyFormat format = PrivateKeyFormat::kUnknown;
  bool encrypted = false;
  std::string public_blob;  // OpenSSH format keeps the public key unencrypted; else empty
};

// From the text of a private key file.
PrivateKeyInfo inspect_private_key(std::string_view text);

// The wire-format key of a "TYPE BASE64 [COMMENT]" line (an id_*.pub file); empty if malformed
// or if the type word does not match the blob's own type.
std::string parse_public_key_line(std::string_view text);

// Why an RSA key may be refused although it is authorized, for the final error.
std::string rsa_sha1_note();

}  // namespace wgnet::ssh
