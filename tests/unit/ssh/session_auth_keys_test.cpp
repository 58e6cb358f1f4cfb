// Identity files as wg-ssh reads them before libssh2 does: encrypted or not, and the public key
// (from the .pub line, or from an OpenSSH-format private key's unencrypted header).
#include <gtest/gtest.h>

#include "auth_keys.hpp"
#include "known_hosts.hpp"

namespace wgnet::ssh {
namespace {

// Throwaway keys made with ssh-keygen 9.2 for this test only ("pw" for the encrypted one).
constexpr const char* kPlainKey = R"(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBzeA/QnLuTPEXuFWMU0+VpuAePzf9dWUQxALiLH3HLkwAAAJB6fHEnenxx
JwAAAAtzc2gtZWQyNTUxOQAAACBzeA/QnLuTPEXuFWMU0+VpuAePzf9dWUQxALiLH3HLkw
AAAEDl59tT8obKWkcI/ykMODku+tYv2Q2SxD8ZMUZNvN3mEXN4D9Ccu5M8Re4VYxTT5Wm4
B4/N/11ZRDEAuIsfccuTAAAAB2ZpeHR1cmUBAgMEBQY=
-----END OPENSSH PRIVATE KEY-----
)";
constexpr const char* kPlainPub =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN4D9Ccu5M8Re4VYxTT5Wm4B4/N/11ZRDEAuIsfccuT fixture\n";

constexpr const char* kEncryptedKey = R"(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAHUQVcfL
VvoDGO1Ts4fsJnAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIC5YbqHK0aca1WX4
FDYL8fPfWbSLVKsroZOq+viGIeRKAAAAkPTszUQGZZNWKdJhEEV30yKcgS2wjTLx13aAit
ADUx2yh/qcu/w/jwNwkRk7Zk8epT76r76e3OQIaBKIBSoGhQ6UIWPwISMUVFuigS77lROM
iKv1LKPrqMmszzN+ruZpWgGcjJr2Ci7udflzj5YiC9cwnc22K0+f6WgNaL8vLpabn5EJph
QFQ8t4iU6xtOAOMw==
-----END OPENSSH PRIVATE KEY-----
)";
constexpr const char* kEncryptedPub =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC5YbqHK0aca1WX4FDYL8fPfWbSLVKsroZOq+viGIeRK fixture-enc";

TEST(SessionAuthKeys, PlainOpenSshKey) {
  PrivateKeyInfo info = inspect_private_key(kPlainKey);
  EXPECT_EQ(info.format, PrivateKeyFormat::kOpenSsh);
  EXPECT_FALSE(info.encrypted);
  EXPECT_EQ(info.public_blob, parse_public_key_line(kPlainPub));
  EXPECT_EQ(blob_key_type(info.public_blob), "ssh-ed25519");
}

TEST(SessionAuthKeys, EncryptedOpenSshKeyStillShowsItsPublicKey) {
  PrivateKeyInfo info = inspect_private_key(kEncryptedKey);
  EXPECT_EQ(info.format, PrivateKeyFormat::kOpenSsh);
  EXPECT_TRUE(info.encrypted);
  EXPECT_FALSE(info.public_blob.empty());
  EXPECT_EQ(info.public_blob, parse_public_key_line(kEncryptedPub));
}

TEST(SessionAuthKeys, PemKeys) {
  PrivateKeyInfo plain = inspect_private_key(
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n");
  EXPECT_EQ(plain.format, PrivateKeyFormat::kPem);
  EXPECT_FALSE(plain.encrypted);
  EXPECT_TRUE(plain.public_blob.empty());
  PrivateKeyInfo locked = inspect_private_key(
      "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
      "-----END EC PRIVATE KEY-----\n");
  EXPECT_EQ(locked.format, PrivateKeyFormat::kPem);
  EXPECT_TRUE(locked.encrypted);
  EXPECT_TRUE(inspect_private_key("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n").encrypted);
}

TEST(SessionAuthKeys, GarbageIsUnknown) {
  EXPECT_EQ(inspect_private_key("hello").format, PrivateKeyFormat::kUnknown);
  // The OpenSSH armour around something that is not openssh-key-v1.
  EXPECT_EQ(inspect_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\naGVsbG8=\n"
                                "-----END OPENSSH PRIVATE KEY-----\n")
                .format,
            PrivateKeyFormat::kUnknown);
  // Truncated body.
  std::string cut = kPlainKey;
  cut = cut.substr(0, 80) + "\n-----END OPENSSH PRIVATE KEY-----\n";
  EXPECT_TRUE(inspect_private_key(cut).public_blob.empty());
}

TEST(SessionAuthKeys, PublicKeyLineMustAgreeWithItsBlob) {
  EXPECT_FALSE(parse_public_key_line(kPlainPub).empty());
  std::string wrong_type = std::string(kPlainPub);
  wrong_type.replace(0, 11, "ssh-rsa    ");
  EXPECT_TRUE(parse_public_key_line(wrong_type).empty());
  EXPECT_TRUE(parse_public_key_line("ssh-ed25519 !!!notbase64").empty());
  EXPECT_TRUE(parse_public_key_line("").empty());
  EXPECT_TRUE(parse_public_key_line("ssh-ed25519").empty());
}

TEST(SessionAuthKeys, RsaNoteNamesTheLimitation) {
  EXPECT_NE(rsa_sha1_note().find("ssh-rsa (SHA-1)"), std::string::npos);
}

}  // namespace
}  // namespace wgnet::ssh
