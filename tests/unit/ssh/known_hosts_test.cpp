// known_hosts reading and writing against files and fingerprints made by the real ssh-keygen.
#include "known_hosts.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "ssh_test_util.hpp"

namespace wgnet::ssh {
namespace {

using testing::generate_key;
using testing::host_line;
using testing::PublicKey;
using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::write_file;

// Keys are generated once: RSA generation costs a moment.
class KnownHosts : public testing::KeygenTest {
 protected:
  static void SetUpTestSuite() {
    if (!testing::have_program("ssh-keygen")) return;
    keys_ = std::make_unique<TempDir>();
    ed_ = generate_key(keys_->file("ed"), "ed25519");
    ed2_ = generate_key(keys_->file("ed2"), "ed25519");
    rsa_ = generate_key(keys_->file("rsa"), "rsa");
    ecdsa_ = generate_key(keys_->file("ecdsa"), "ecdsa");
  }
  static void TearDownTestSuite() { keys_.reset(); }
  HostKeyCheck check(const std::string& text, const std::string& host, uint16_t port,
                     const PublicKey& k) {
    write_file(dir_.file("kh"), text);
    return check_host_key({dir_.file("kh")}, host, port, k.type, k.blob);
  }

  static inline std::unique_ptr<TempDir> keys_;
  static inline PublicKey ed_, ed2_, rsa_, ecdsa_;
  TempDir dir_;
};

TEST_F(KnownHosts, FingerprintIsWhatSshKeygenPrints) {
  for (const char* name : {"ed", "rsa", "ecdsa"}) {
    auto r = run_command({"ssh-keygen", "-l", "-E", "sha256", "-f", keys_->file(name) + ".pub"});
    ASSERT_EQ(r.status, 0) << r.out;
    // "256 SHA256:xxxx test (ED25519)"
    std::string expected = r.out.substr(r.out.find(' ') + 1);
    expected = expected.substr(0, expected.find(' '));
    EXPECT_EQ(sha256_fingerprint(testing::read_public_key(keys_->file(name) + ".pub").blob),
              expected)
        << name;
  }
}

TEST_F(KnownHosts, KeyTypeFromBlobAndDisplayNames) {
  EXPECT_EQ(blob_key_type(ed_.blob), "ssh-ed25519");
  EXPECT_EQ(blob_key_type(rsa_.blob), "ssh-rsa");
  EXPECT_EQ(blob_key_type(ecdsa_.blob), "ecdsa-sha2-nistp256");
  EXPECT_EQ(blob_key_type(""), "");
  EXPECT_EQ(blob_key_type(std::string("\0\0\1\0ab", 6)), "");  // length beyond the blob
  EXPECT_EQ(key_type_display("ssh-ed25519"), "ED25519");
  EXPECT_EQ(key_type_display("ssh-rsa"), "RSA");
  EXPECT_EQ(key_type_display("ecdsa-sha2-nistp384"), "ECDSA");
}

TEST_F(KnownHosts, PlainNamesListsWildcardsAndCase) {
  EXPECT_EQ(check(host_line("web.lab", ed_), "web.lab", 22, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("WEB.lab", ed_), "web.LAB", 22, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("a,web.lab,10.0.0.1", ed_), "10.0.0.1", 22, ed_).status,
            HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("*.lab", ed_), "web.lab", 22, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("web?.lab", ed_), "web2.lab", 22, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("*.lab,!web.lab", ed_), "web.lab", 22, ed_).status,
            HostKeyStatus::kNotFound);  // a matching negation vetoes the line
  EXPECT_EQ(check(host_line("*.lab,!web.lab", ed_), "db.lab", 22, ed_).status,
            HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("other", ed_), "web.lab", 22, ed_).status, HostKeyStatus::kNotFound);
  auto found =
      check("# comment\n\n" + host_line("x", ed2_) + host_line("web", ed_), "web", 22, ed_);
  EXPECT_EQ(found.status, HostKeyStatus::kMatch);
  EXPECT_EQ(found.line, 4);
  EXPECT_EQ(found.file, dir_.file("kh"));
}

TEST_F(KnownHosts, PortFormAndPlainHostFallback) {
  EXPECT_EQ(check(host_line("[web]:2222", ed_), "web", 2222, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("[web]:2222", ed_), "web", 22, ed_).status, HostKeyStatus::kNotFound);
  EXPECT_EQ(check(host_line("[web]:2222", ed_), "web", 2200, ed_).status, HostKeyStatus::kNotFound);
  // sshconnect.c: "checking without port identifier" when [web]:2222 is unknown: the very key
  // under the plain name is accepted; another key there does not count as a change.
  EXPECT_EQ(check(host_line("web", ed_), "web", 2222, ed_).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("web", ed2_), "web", 2222, ed_).status, HostKeyStatus::kNotFound);
  EXPECT_EQ(check(host_line("[web]:2222", ed2_) + host_line("web", ed_), "web", 2222, ed_).status,
            HostKeyStatus::kMismatch);
  EXPECT_EQ(known_hosts_name("Web", 22), "web");
  EXPECT_EQ(known_hosts_name("fd77::1", 2222), "[fd77::1]:2222");
}

TEST_F(KnownHosts, KnownKeyTypesForAHost) {
  write_file(dir_.file("kh"), host_line("web", rsa_) + host_line("other", ecdsa_) +
                                  host_line("web,x", ed_) + host_line("web", ed2_) +
                                  "@revoked web " + ecdsa_.type + " " + ecdsa_.base64 + "\n" +
                                  host_line("[web]:2222", ecdsa_));
  EXPECT_EQ(known_host_key_types({dir_.file("kh")}, "web", 22),
            (std::vector<std::string>{"ssh-rsa", "ssh-ed25519"}));
  EXPECT_EQ(known_host_key_types({dir_.file("kh")}, "web", 2222),
            (std::vector<std::string>{"ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"}));
  EXPECT_TRUE(known_host_key_types({dir_.file("kh")}, "nobody", 22).empty());
}

TEST_F(KnownHosts, MismatchNamesTheLastOtherKeyWhateverItsType) {
  auto r = check(host_line("web", ed2_) + host_line("web", rsa_), "web", 22, ed_);
  EXPECT_EQ(r.status, HostKeyStatus::kMismatch);
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.offending_key_type, "ssh-rsa");
  // A matching line anywhere wins over other keys of the host.
  EXPECT_EQ(check(host_line("web", rsa_) + host_line("web", ed_), "web", 22, ed_).status,
            HostKeyStatus::kMatch);
}

TEST_F(KnownHosts, RevokedAndCertAuthorityMarkers) {
  auto r = check(host_line("web", ed_) + host_line("@revoked *", ed_), "web", 22, ed_);
  EXPECT_EQ(r.status, HostKeyStatus::kRevoked);
  EXPECT_EQ(r.line, 2);
  // A @revoked line for other hosts, or for another key, does not touch this one.
  EXPECT_EQ(check(host_line("web", ed_) + host_line("@revoked other", ed_), "web", 22, ed_).status,
            HostKeyStatus::kMatch);
  EXPECT_EQ(check(host_line("web", ed_) + host_line("@revoked *", ed2_), "web", 22, ed_).status,
            HostKeyStatus::kMatch);
  // CA keys are not host keys: neither a match nor a change.
  EXPECT_EQ(check(host_line("@cert-authority *", ed_), "web", 22, ed_).status,
            HostKeyStatus::kNotFound);
  EXPECT_EQ(check(host_line("@cert-authority *", ed2_), "web", 22, ed_).status,
            HostKeyStatus::kNotFound);
  EXPECT_EQ(check(host_line("@bogus web", ed2_), "web", 22, ed_).status, HostKeyStatus::kNotFound);
}

TEST_F(KnownHosts, MalformedLinesAreSkipped) {
  std::string text = "web\nweb ssh-ed25519\nweb ssh-ed25519 !!!notbase64\n" +
                     ("web ssh-rsa " + ed2_.base64 + "\n") +  // type field disagrees with blob
                     host_line("web", ed_);
  auto r = check(text, "web", 22, ed_);
  EXPECT_EQ(r.status, HostKeyStatus::kMatch);
  EXPECT_EQ(r.line, 5);
  EXPECT_EQ(check(host_line("web", ed_) + "\r\n", "web", 22, ed_).status, HostKeyStatus::kMatch);
  std::string crlf = host_line("web", ed_);
  crlf.insert(crlf.size() - 1, "\r");
  EXPECT_EQ(check(crlf, "web", 22, ed_).status, HostKeyStatus::kMatch);
}

TEST_F(KnownHosts, SeveralFilesMissingOnesIgnored) {
  write_file(dir_.file("b"), host_line("web", ed_));
  auto r = check_host_key({dir_.file("missing"), dir_.file("b")}, "web", 22, ed_.type, ed_.blob);
  EXPECT_EQ(r.status, HostKeyStatus::kMatch);
  EXPECT_EQ(r.file, dir_.file("b"));
  EXPECT_EQ(check_host_key({dir_.file("missing")}, "web", 22, ed_.type, ed_.blob).status,
            HostKeyStatus::kNotFound);
  EXPECT_EQ(check_host_key({}, "web", 22, ed_.type, ed_.blob).status, HostKeyStatus::kNotFound);
  EXPECT_EQ(check_host_key_text(host_line("web", ed_), "mem", "web", 22, ed_.type, ed_.blob).file,
            "mem");
}

TEST_F(KnownHosts, EntriesHashedBySshKeygenMatch) {
  std::string kh = dir_.file("kh");
  write_file(kh,
             host_line("web.lab", ed_) + host_line("[web.lab]:2222", ed_) + host_line("db", rsa_));
  auto r = run_command({"ssh-keygen", "-H", "-f", kh});
  ASSERT_EQ(r.status, 0) << r.out;
  ASSERT_EQ(read_file(kh).rfind("|1|", 0), 0u) << read_file(kh);
  EXPECT_EQ(check_host_key({kh}, "web.lab", 22, ed_.type, ed_.blob).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check_host_key({kh}, "WEB.lab", 22, ed_.type, ed_.blob).status, HostKeyStatus::kMatch);
  EXPECT_EQ(check_host_key({kh}, "web.lab", 2222, ed_.type, ed_.blob).line, 2);
  EXPECT_EQ(check_host_key({kh}, "db", 22, ed_.type, ed_.blob).status, HostKeyStatus::kMismatch);
  EXPECT_EQ(check_host_key({kh}, "web", 22, ed_.type, ed_.blob).status, HostKeyStatus::kNotFound);
}

TEST_F(KnownHosts, HashMatchesOpenSshFormat) {
  // |1|salt|hmac with a fixed salt, against an entry hashed by ssh-keygen.
  std::string kh = dir_.file("kh");
  write_file(kh, host_line("web.lab", ed_));
  ASSERT_EQ(run_command({"ssh-keygen", "-H", "-f", kh}).status, 0);
  std::string field = read_file(kh).substr(0, read_file(kh).find(' '));
  std::string salt;
  ASSERT_TRUE(base64_decode(field.substr(3, field.find('|', 3) - 3), salt));
  EXPECT_EQ(hash_known_host("web.lab", salt), field);
}

TEST_F(KnownHosts, AppendPlainIsFoundBySshKeygen) {
  std::string kh = dir_.file("sub/known_hosts");  // the directory does not exist yet
  ASSERT_TRUE(append_host_key(kh, "Web.Lab", 22, ed_.type, ed_.blob, false).ok());
  EXPECT_EQ(read_file(kh), "web.lab " + ed_.type + " " + ed_.base64 + "\n");
  EXPECT_EQ(testing::file_mode(kh), 0600);
  EXPECT_EQ(testing::file_mode(dir_.file("sub")), 0700);
  ASSERT_TRUE(append_host_key(kh, "web.lab", 2222, rsa_.type, rsa_.blob, false).ok());
  auto r = run_command({"ssh-keygen", "-F", "[web.lab]:2222", "-f", kh});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("[web.lab]:2222 ssh-rsa " + rsa_.base64), std::string::npos) << r.out;
  EXPECT_EQ(check_host_key({kh}, "web.lab", 2222, rsa_.type, rsa_.blob).status,
            HostKeyStatus::kMatch);
}

TEST_F(KnownHosts, AppendHashedIsFoundBySshKeygen) {
  std::string kh = dir_.file("known_hosts");
  ASSERT_TRUE(append_host_key(kh, "web.lab", 2222, ed_.type, ed_.blob, true).ok());
  ASSERT_TRUE(append_host_key(kh, "db.lab", 22, ed_.type, ed_.blob, true).ok());
  std::string text = read_file(kh);
  EXPECT_EQ(text.rfind("|1|", 0), 0u);
  EXPECT_EQ(text.find("web"), std::string::npos);
  // Two hashes of the same key use different salts.
  auto second = text.substr(text.find('\n') + 1);
  EXPECT_NE(text.substr(0, 30), second.substr(0, 30));
  for (const char* host : {"[web.lab]:2222", "db.lab"}) {
    auto r = run_command({"ssh-keygen", "-F", host, "-f", kh});
    EXPECT_EQ(r.status, 0) << host << ": " << r.out;
  }
  EXPECT_EQ(check_host_key({kh}, "web.lab", 2222, ed_.type, ed_.blob).status,
            HostKeyStatus::kMatch);
}

TEST_F(KnownHosts, AppendKeepsModeAndFixesMissingNewline) {
  std::string kh = dir_.file("known_hosts");
  write_file(kh, "other " + ed2_.type + " " + ed2_.base64);  // no final newline
  ::chmod(kh.c_str(), 0644);
  ASSERT_TRUE(append_host_key(kh, "web", 22, ed_.type, ed_.blob, false).ok());
  EXPECT_EQ(testing::file_mode(kh), 0644);
  EXPECT_EQ(read_file(kh), host_line("other", ed2_) + host_line("web", ed_));
  EXPECT_EQ(check_host_key({kh}, "other", 22, ed2_.type, ed2_.blob).status, HostKeyStatus::kMatch);
}

TEST_F(KnownHosts, AppendFailureIsAnError) {
  auto r = append_host_key("/proc/no/such/dir/known_hosts", "web", 22, ed_.type, ed_.blob, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

TEST_F(KnownHosts, OtherNamesForTheSameKey) {
  std::string kh = dir_.file("known_hosts");
  write_file(kh, host_line("web", ed_) + host_line("alias1,alias2", ed_) + host_line("db", ed2_) +
                     host_line("@revoked gone", ed_));
  ASSERT_TRUE(append_host_key(kh, "hidden", 22, ed_.type, ed_.blob, true).ok());
  auto names = other_names_for_key({kh}, "web", 22, ed_.type, ed_.blob, dir_.path());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "~/known_hosts:2: alias1,alias2");
  EXPECT_EQ(names[1], "~/known_hosts:5: [hashed name]");
  EXPECT_EQ(other_names_for_key({kh}, "web", 22, ed_.type, ed_.blob)[0], kh + ":2: alias1,alias2");
}

TEST(Base64, RoundTripAndRejects) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                        std::string("\0\xff\x10", 3)}) {
    std::string back;
    ASSERT_TRUE(base64_decode(base64_encode(s), back)) << s;
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9v!", out));
  EXPECT_FALSE(base64_decode("Zm=8", out));
  EXPECT_FALSE(base64_decode("Z", out));
}

}  // namespace
}  // namespace wgnet::ssh
