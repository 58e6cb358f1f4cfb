// -o Ciphers/KexAlgorithms/HostKeyAlgorithms/MACs in OpenSSH's list syntax over libssh2's
// algorithms, host key type preference (order_hostkeyalgs) and the Terrapin exposure rule.
#include "session_methods.hpp"

#include <gtest/gtest.h>

#include "session_run.hpp"

namespace wgnet::ssh {
namespace {

const std::vector<std::string> kCiphers = {"aes128-ctr", "aes192-ctr", "aes256-ctr",
                                           "aes256-cbc", "3des-cbc"};

std::string list(std::string_view spec) {
  auto r = resolve_algorithm_list(spec, kCiphers, "Ciphers");
  return r ? *r : "ERROR: " + r.error().message;
}

TEST(SessionMethods, PlainListKeepsItsOrderAndDropsWhatLibssh2Lacks) {
  EXPECT_EQ(list("aes256-ctr,chacha20-poly1305@openssh.com,aes128-ctr"), "aes256-ctr,aes128-ctr");
}

TEST(SessionMethods, PlusAppendsToTheDefaults) {
  EXPECT_EQ(list("+3des-cbc"), "aes128-ctr,aes192-ctr,aes256-ctr,aes256-cbc,3des-cbc");
}

TEST(SessionMethods, MinusRemovesWithWildcards) {
  EXPECT_EQ(list("-*-cbc"), "aes128-ctr,aes192-ctr,aes256-ctr");
}

TEST(SessionMethods, CaretPutsFirst) {
  EXPECT_EQ(list("^aes256-ctr"), "aes256-ctr,aes128-ctr,aes192-ctr,aes256-cbc,3des-cbc");
}

TEST(SessionMethods, WildcardInAPlainList) {
  EXPECT_EQ(list("aes2*"), "aes256-ctr,aes256-cbc");
}

TEST(SessionMethods, NothingLeftIsAnErrorThatListsWhatExists) {
  std::string text = list("chacha20-poly1305@openssh.com");
  EXPECT_NE(text.find("ERROR: no Ciphers left"), std::string::npos) << text;
  EXPECT_NE(text.find("aes128-ctr"), std::string::npos) << text;
  EXPECT_NE(list("").find("ERROR"), std::string::npos);
  EXPECT_NE(list("+").find("ERROR"), std::string::npos);
  EXPECT_NE(list("-*").find("ERROR"), std::string::npos);
}

const std::vector<std::string> kHostKeys = {"ecdsa-sha2-nistp256", "ssh-ed25519", "rsa-sha2-256",
                                            "ssh-rsa"};

TEST(SessionMethods, KnownHostKeyTypeGoesFirst) {
  EXPECT_EQ(host_key_preference({"ssh-ed25519"}, kHostKeys),
            "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-256,ssh-rsa");
  EXPECT_EQ(host_key_preference({"ssh-rsa"}, kHostKeys),
            "rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519");
}

TEST(SessionMethods, SeveralKnownTypesKeepLibssh2sOrderAmongThem) {
  EXPECT_EQ(host_key_preference({"ssh-rsa", "ssh-ed25519"}, kHostKeys),
            "ssh-ed25519,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256");
  const std::vector<std::string> sha1_last = {"ssh-rsa", "rsa-sha2-512", "ssh-ed25519"};
  EXPECT_EQ(host_key_preference({"ssh-rsa"}, sha1_last), "rsa-sha2-512,ssh-rsa,ssh-ed25519");
}

TEST(SessionMethods, NothingKnownOrUnsupportedChangesNothing) {
  EXPECT_EQ(host_key_preference({}, kHostKeys), "");
  EXPECT_EQ(host_key_preference({"ssh-dss"}, kHostKeys), "");
}

TEST(SessionMethods, TerrapinNeedsChachaOrEncryptThenMac) {
  EXPECT_TRUE(terrapin_exposed("chacha20-poly1305@openssh.com", ""));
  EXPECT_TRUE(terrapin_exposed("aes256-cbc", "hmac-sha2-256-etm@openssh.com"));
  EXPECT_FALSE(terrapin_exposed("aes128-ctr", "hmac-sha2-256"));
  EXPECT_FALSE(terrapin_exposed("aes256-gcm@openssh.com", "hmac-sha2-512"));
}

// Checked against the real libssh2 before anything connects: every hop's lists, the jump hosts'
// too; an error names the list and the hop's spec.
TEST(SessionMethods, AlgorithmListsAreCheckedForEveryHopBeforeConnecting) {
  SshSettings settings;
  EXPECT_TRUE(check_algorithm_lists(settings));  // nothing asked: libssh2's defaults
  settings.ciphers = "aes256-ctr,chacha20-poly1305@openssh.com";
  settings.macs = "hmac-sha2-256";
  EXPECT_TRUE(check_algorithm_lists(settings));
  settings.ciphers = "chacha20-poly1305@openssh.com";
  auto refused = check_algorithm_lists(settings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(
      refused.error().message.rfind("no Ciphers left from 'chacha20-poly1305@openssh.com'", 0), 0u)
      << refused.error().message;

  settings.ciphers.clear();
  SshSettings jump;
  jump.kex_algorithms = "sntrup761x25519-sha512@openssh.com";
  settings.jump_hops.push_back(jump);
  refused = check_algorithm_lists(settings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.rfind("no KexAlgorithms left from 'sntrup761x25519", 0), 0u)
      << refused.error().message;
}

}  // namespace
}  // namespace wgnet::ssh
