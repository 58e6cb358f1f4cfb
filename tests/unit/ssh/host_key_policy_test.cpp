// TESTPLAN I1/I2 at the policy level: StrictHostKeyChecking modes x known_hosts situations, from
// files written by ssh-keygen to the decision, and the texts OpenSSH prints. The expected table and
// texts were recorded from ssh 9.2p1 (Debian 12) against a throwaway sshd on 127.0.0.1:22222;
// sshconnect.c check_host_key() is the reference. wg-ssh differs in one place, on purpose:
// StrictHostKeyChecking=no does not go on after a changed or revoked key.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <map>
#include <memory>

#include "known_hosts.hpp"
#include "ssh_test_util.hpp"

namespace wgnet::ssh {
namespace {

using testing::generate_key;
using testing::host_line;
using testing::PublicKey;
using testing::run_command;
using testing::TempDir;
using testing::write_file;

using A = HostKeyAction;
using M = StrictHostKeyChecking;

enum class Situation { kMissingFile, kUnknownHost, kMatch, kMismatch, kRevoked, kHashed, kHashedMismatch, kPort };

class HostKeyMatrix : public testing::KeygenTest {
 protected:
  static void SetUpTestSuite() {
    if (!testing::have_program("ssh-keygen")) return;
    keys_ = std::make_unique<TempDir>();
    server_ = generate_key(keys_->file("server"), "ed25519");
    other_ = generate_key(keys_->file("other"), "ed25519");
  }
  static void TearDownTestSuite() { keys_.reset(); }

  // Writes the known_hosts file for a situation; returns the files and the port to look up.
  std::pair<std::vector<std::string>, uint16_t> prepare(Situation s) {
    std::string kh = dir_.file("known_hosts");
    uint16_t port = 22;
    switch (s) {
      case Situation::kMissingFile:
        return {{dir_.file("does-not-exist")}, 22};
      case Situation::kUnknownHost:
        write_file(kh, host_line("other.lab", server_) + host_line("ssh.lab.other", other_));
        break;
      case Situation::kMatch:
        write_file(kh, host_line("ssh.lab", server_));
        break;
      case Situation::kMismatch:
        write_file(kh, host_line("ssh.lab", other_));
        break;
      case Situation::kRevoked:
        write_file(kh, host_line("@revoked *", server_) + host_line("ssh.lab", server_));
        break;
      case Situation::kHashed:
      case Situation::kHashedMismatch:
        write_file(kh, host_line("ssh.lab", s == Situation::kHashed ? server_ : other_));
        EXPECT_EQ(run_command({"ssh-keygen", "-H", "-f", kh}).status, 0);
        break;
      case Situation::kPort:
        write_file(kh, host_line("[ssh.lab]:2222", server_));
        port = 2222;
        break;
    }
    return {{kh}, port};
  }

  static inline std::unique_ptr<TempDir> keys_;
  static inline PublicKey server_, other_;
  TempDir dir_;
};

TEST_F(HostKeyMatrix, ModesTimesKnownHostsSituations) {
  struct Row {
    Situation situation;
    HostKeyStatus status;
    std::map<M, A> decision;  // without BatchMode
  };
  const std::vector<Row> rows = {
      {Situation::kMissingFile, HostKeyStatus::kNotFound,
       {{M::kYes, A::kRefuse}, {M::kAsk, A::kAsk}, {M::kAcceptNew, A::kAcceptAndRecord}, {M::kNo, A::kAcceptAndRecord}}},
      {Situation::kUnknownHost, HostKeyStatus::kNotFound,
       {{M::kYes, A::kRefuse}, {M::kAsk, A::kAsk}, {M::kAcceptNew, A::kAcceptAndRecord}, {M::kNo, A::kAcceptAndRecord}}},
      {Situation::kMatch, HostKeyStatus::kMatch,
       {{M::kYes, A::kAccept}, {M::kAsk, A::kAccept}, {M::kAcceptNew, A::kAccept}, {M::kNo, A::kAccept}}},
      {Situation::kMismatch, HostKeyStatus::kMismatch,
       {{M::kYes, A::kRefuse}, {M::kAsk, A::kRefuse}, {M::kAcceptNew, A::kRefuse}, {M::kNo, A::kRefuse}}},
      {Situation::kRevoked, HostKeyStatus::kRevoked,
       {{M::kYes, A::kRefuse}, {M::kAsk, A::kRefuse}, {M::kAcceptNew, A::kRefuse}, {M::kNo, A::kRefuse}}},
      {Situation::kHashed, HostKeyStatus::kMatch,
       {{M::kYes, A::kAccept}, {M::kAsk, A::kAccept}, {M::kAcceptNew, A::kAccept}, {M::kNo, A::kAccept}}},
      {Situation::kHashedMismatch, HostKeyStatus::kMismatch,
       {{M::kYes, A::kRefuse}, {M::kAsk, A::kRefuse}, {M::kAcceptNew, A::kRefuse}, {M::kNo, A::kRefuse}}},
      {Situation::kPort, HostKeyStatus::kMatch,
       {{M::kYes, A::kAccept}, {M::kAsk, A::kAccept}, {M::kAcceptNew, A::kAccept}, {M::kNo, A::kAccept}}},
  };
  for (const auto& row : rows) {
    auto [files, port] = prepare(row.situation);
    auto check = check_host_key(files, "ssh.lab", port, server_.type, server_.blob);
    ASSERT_EQ(check.status, row.status) << "situation " << static_cast<int>(row.situation);
    for (const auto& [mode, action] : row.decision) {
      EXPECT_EQ(host_key_decision(check.status, mode, false), action)
          << "situation " << static_cast<int>(row.situation) << " mode " << static_cast<int>(mode);
      // BatchMode only changes "ask": there is nobody to ask (confirm() says no at once).
      A batch = action == A::kAsk ? A::kRefuse : action;
      EXPECT_EQ(host_key_decision(check.status, mode, true), batch);
    }
  }
}

TEST_F(HostKeyMatrix, AcceptNewRecordsA0600EntryThatMatchesNextTime) {
  std::string kh = dir_.file("home/.ssh/known_hosts");  // ~/.ssh missing: created 0700
  auto first = check_host_key({kh}, "ssh.lab", 2222, server_.type, server_.blob);
  ASSERT_EQ(host_key_decision(first.status, M::kAcceptNew, true), A::kAcceptAndRecord);
  ::mkdir(dir_.file("home").c_str(), 0755);
  ASSERT_TRUE(append_host_key(kh, "ssh.lab", 2222, server_.type, server_.blob, false).ok());
  EXPECT_EQ(testing::file_mode(kh), 0600);
  EXPECT_EQ(testing::file_mode(dir_.file("home/.ssh")), 0700);
  auto again = check_host_key({kh}, "ssh.lab", 2222, server_.type, server_.blob);
  EXPECT_EQ(again.status, HostKeyStatus::kMatch);
  EXPECT_EQ(host_key_decision(again.status, M::kYes, true), A::kAccept);
  // A different key for the recorded host is now a change, refused even with accept-new.
  auto changed = check_host_key({kh}, "ssh.lab", 2222, other_.type, other_.blob);
  EXPECT_EQ(changed.status, HostKeyStatus::kMismatch);
  EXPECT_EQ(host_key_decision(changed.status, M::kAcceptNew, false), A::kRefuse);
}

TEST(HostKeyAnswer, ConfirmAcceptsYesOrTheFingerprint) {
  const std::string fp = "SHA256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k";
  EXPECT_EQ(parse_ask_answer("yes", fp), AskAnswer::kYes);
  EXPECT_EQ(parse_ask_answer("  YES \n", fp), AskAnswer::kYes);
  EXPECT_EQ(parse_ask_answer(fp + "\n", fp), AskAnswer::kYes);
  EXPECT_EQ(parse_ask_answer("no", fp), AskAnswer::kNo);
  EXPECT_EQ(parse_ask_answer("", fp), AskAnswer::kNo);  // empty answer: no
  EXPECT_EQ(parse_ask_answer("\n", fp), AskAnswer::kNo);
  EXPECT_EQ(parse_ask_answer("maybe", fp), AskAnswer::kAgain);
  EXPECT_EQ(parse_ask_answer("y", fp), AskAnswer::kAgain);
  EXPECT_EQ(parse_ask_answer("sha256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k", fp),
            AskAnswer::kAgain);  // the fingerprint is compared exactly
  EXPECT_EQ(retry_prompt_text(), "Please type 'yes', 'no' or the fingerprint: ");
}

// The texts below are ssh 9.2p1's output, character for character (it ends lines with \r\n on a
// terminal's stderr; the texts here use \n and the caller adapts).
constexpr const char* kFp = "SHA256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k";

TEST(HostKeyTexts, UnknownHostPrompt) {
  EXPECT_EQ(host_label("127.0.0.1", "127.0.0.1", 22222), "[127.0.0.1]:22222 ([127.0.0.1]:22222)");
  EXPECT_EQ(host_label("ssh.lab.wgnet", "10.77.0.1", 22), "ssh.lab.wgnet (10.77.0.1)");
  EXPECT_EQ(unknown_host_prompt(host_label("ssh.lab.wgnet", "10.77.0.1", 22), "ssh-ed25519", kFp, {}),
            "The authenticity of host 'ssh.lab.wgnet (10.77.0.1)' can't be established.\n"
            "ED25519 key fingerprint is SHA256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k.\n"
            "This key is not known by any other names.\n"
            "Are you sure you want to continue connecting (yes/no/[fingerprint])? ");
  EXPECT_EQ(unknown_host_prompt(host_label("127.0.0.1", "127.0.0.1", 22222), "ssh-ed25519", kFp,
                                {"/tmp/sshexp/kh:1: otherhost,alias", "/tmp/sshexp/kh2:1: [hashed name]"}),
            "The authenticity of host '[127.0.0.1]:22222 ([127.0.0.1]:22222)' can't be established.\n"
            "ED25519 key fingerprint is SHA256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k.\n"
            "This host key is known by the following other names/addresses:\n"
            "    /tmp/sshexp/kh:1: otherhost,alias\n"
            "    /tmp/sshexp/kh2:1: [hashed name]\n"
            "Are you sure you want to continue connecting (yes/no/[fingerprint])? ");
  std::vector<std::string> many;
  for (int i = 1; i <= 10; ++i) many.push_back("f:" + std::to_string(i) + ": h" + std::to_string(i));
  std::string text = unknown_host_prompt("h", "ssh-rsa", kFp, many);
  EXPECT_NE(text.find("    f:8: h8\n    (2 additional names omitted)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("h9"), std::string::npos);
  EXPECT_NE(text.find("RSA key fingerprint is"), std::string::npos);
}

TEST(HostKeyTexts, ChangedKeyBlock) {
  ChangedKeyReport r;
  r.host = "127.0.0.1";
  r.port = 22222;
  r.key_type = "ssh-ed25519";
  r.fingerprint = kFp;
  r.offending_file = "/tmp/sshexp/kh";
  r.offending_line = 1;
  r.offending_key_type = "ssh-rsa";
  EXPECT_EQ(changed_host_key_text(r),
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
            "Someone could be eavesdropping on you right now (man-in-the-middle attack)!\n"
            "It is also possible that a host key has just been changed.\n"
            "The fingerprint for the ED25519 key sent by the remote host is\n"
            "SHA256:9ed4BiA+KToaykCf27GPHVRrywvXhiREENldEE9UO4k.\n"
            "Please contact your system administrator.\n"
            "Add correct host key in /tmp/sshexp/kh to get rid of this message.\n"
            "Offending RSA key in /tmp/sshexp/kh:1\n"
            "  remove with:\n"
            "  ssh-keygen -f \"/tmp/sshexp/kh\" -R \"[127.0.0.1]:22222\"\n"
            "Host key for [127.0.0.1]:22222 has changed and you have requested strict checking.\n"
            "Host key verification failed.\n");
  // The shorthand: same key type, the user's file is the offending one.
  std::string shorthand = changed_host_key_text("web", 22, "ssh-ed25519", kFp, "/h/.ssh/known_hosts", 7);
  EXPECT_NE(shorthand.find("Offending ED25519 key in /h/.ssh/known_hosts:7\n"), std::string::npos);
  EXPECT_NE(shorthand.find("ssh-keygen -f \"/h/.ssh/known_hosts\" -R \"web\"\n"), std::string::npos);
  EXPECT_NE(shorthand.find("Host key for web has changed"), std::string::npos);
}

TEST(HostKeyTexts, RevokedStrictAndAdded) {
  EXPECT_EQ(revoked_host_key_text("127.0.0.1", 22222, "ssh-ed25519"),
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "@       WARNING: REVOKED HOST KEY DETECTED!               @\n"
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
            "The ED25519 host key for [127.0.0.1]:22222 is marked as revoked.\n"
            "This could mean that a stolen key is being used to\n"
            "impersonate this host.\n"
            "ED25519 host key for [127.0.0.1]:22222 was revoked and you have requested strict "
            "checking.\n"
            "Host key verification failed.\n");
  EXPECT_EQ(strict_unknown_host_text("127.0.0.1", 22222, "ssh-ed25519"),
            "No ED25519 host key is known for [127.0.0.1]:22222 and you have requested strict "
            "checking.\nHost key verification failed.\n");
  EXPECT_EQ(permanently_added_text("127.0.0.1", 22222, "ssh-ed25519"),
            "Warning: Permanently added '[127.0.0.1]:22222' (ED25519) to the list of known hosts.\n");
  EXPECT_EQ(permanently_added_text("Web", 22, "ecdsa-sha2-nistp256"),
            "Warning: Permanently added 'web' (ECDSA) to the list of known hosts.\n");
  EXPECT_EQ(host_key_verification_failed_text(), "Host key verification failed.\n");
}

}  // namespace
}  // namespace wgnet::ssh
