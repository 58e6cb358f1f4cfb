// The host key check before authentication (TESTPLAN I1/I2 at the unit level): each
// StrictHostKeyChecking mode against missing, unknown, matching and changed entries, with the
// question and messages captured instead of a terminal.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "host_key_check.hpp"
#include "known_hosts.hpp"

namespace wgnet::ssh {
namespace {

// Two throwaway ed25519 public keys (ssh-keygen 9.2).
const char* kKeyA = "AAAAC3NzaC1lZDI1NTE5AAAAIHN4D9Ccu5M8Re4VYxTT5Wm4B4/N/11ZRDEAuIsfccuT";
const char* kKeyB = "AAAAC3NzaC1lZDI1NTE5AAAAIC5YbqHK0aca1WX4FDYL8fPfWbSLVKsroZOq+viGIeRK";

ServerHostKey key(const char* base64) {
  ServerHostKey k;
  EXPECT_TRUE(base64_decode(base64, k.blob));
  k.type_name = "ssh-ed25519";
  return k;
}

class HostKeyCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wgssh-hostkey-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    file_ = dir_ + "/ssh/known_hosts";  // the directory does not exist yet
    policy_.host = "ssh.lab.wgnet";
    policy_.address = "10.77.0.1";
    policy_.user_files = {file_};
    io_.message = [this](const std::string& text) { messages_ += text; };
    io_.ask = [this](const std::string& prompt) -> Result<std::string> {
      prompts_.push_back(prompt);
      if (answers_.empty()) return make_error(ErrorCode::kIo, "no terminal");
      std::string a = answers_.front();
      answers_.erase(answers_.begin());
      return a;
    };
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void write_known(const std::string& text) {
    ::mkdir((dir_ + "/ssh").c_str(), 0700);
    std::ofstream(file_) << text;
  }
  std::string known() const {
    std::ifstream in(file_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  bool verify(const char* k) { return verify_host_key(key(k), policy_, io_).ok(); }

  std::string dir_, file_;
  HostKeyPolicy policy_;
  HostKeyIo io_;
  std::string messages_;
  std::vector<std::string> prompts_;
  std::vector<std::string> answers_;
};

TEST_F(HostKeyCheckTest, StrictYesRefusesAnUnknownHostWithAMissingFile) {
  policy_.mode = StrictHostKeyChecking::kYes;
  EXPECT_FALSE(verify(kKeyA));
  EXPECT_NE(messages_.find("No ED25519 host key is known for ssh.lab.wgnet"), std::string::npos)
      << messages_;
  EXPECT_NE(messages_.find("Host key verification failed."), std::string::npos);
  EXPECT_TRUE(prompts_.empty());
}

TEST_F(HostKeyCheckTest, AcceptNewRecordsA0600EntryAndThenMatches) {
  policy_.mode = StrictHostKeyChecking::kAcceptNew;
  EXPECT_TRUE(verify(kKeyA));
  EXPECT_NE(messages_.find("Permanently added 'ssh.lab.wgnet'"), std::string::npos);
  EXPECT_EQ(known(), std::string("ssh.lab.wgnet ssh-ed25519 ") + kKeyA + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  messages_.clear();
  policy_.mode = StrictHostKeyChecking::kYes;
  EXPECT_TRUE(verify(kKeyA));
  EXPECT_EQ(messages_, "");
}

TEST_F(HostKeyCheckTest, QuietAcceptNewSaysNothing) {
  policy_.mode = StrictHostKeyChecking::kAcceptNew;
  policy_.quiet = true;
  EXPECT_TRUE(verify(kKeyA));
  EXPECT_EQ(messages_, "");
}

TEST_F(HostKeyCheckTest, HashedRecording) {
  policy_.mode = StrictHostKeyChecking::kAcceptNew;
  policy_.hash_known_hosts = true;
  EXPECT_TRUE(verify(kKeyA));
  EXPECT_EQ(known().rfind("|1|", 0), 0u) << known();
  EXPECT_EQ(known().find("ssh.lab.wgnet"), std::string::npos);
  policy_.mode = StrictHostKeyChecking::kYes;
  EXPECT_TRUE(verify(kKeyA));
}

TEST_F(HostKeyCheckTest, MismatchIsFatalInEveryModeAndNeverAsks) {
  write_known(std::string("ssh.lab.wgnet ssh-ed25519 ") + kKeyA + "\n");
  for (auto mode : {StrictHostKeyChecking::kYes, StrictHostKeyChecking::kAsk,
                    StrictHostKeyChecking::kAcceptNew, StrictHostKeyChecking::kNo}) {
    messages_.clear();
    policy_.mode = mode;
    answers_ = {"yes"};
    EXPECT_FALSE(verify(kKeyB));
    EXPECT_NE(messages_.find("REMOTE HOST IDENTIFICATION HAS CHANGED"), std::string::npos);
    EXPECT_NE(messages_.find(file_ + ":1"), std::string::npos) << messages_;
    EXPECT_TRUE(prompts_.empty());
  }
  EXPECT_EQ(known(), std::string("ssh.lab.wgnet ssh-ed25519 ") + kKeyA + "\n");
}

TEST_F(HostKeyCheckTest, AskShowsTheSha256FingerprintAndYesRecords) {
  policy_.mode = StrictHostKeyChecking::kAsk;
  answers_ = {"maybe", "yes"};
  EXPECT_TRUE(verify(kKeyA));
  ASSERT_EQ(prompts_.size(), 2u);
  ServerHostKey k = key(kKeyA);
  EXPECT_NE(prompts_[0].find("ED25519 key fingerprint is " + sha256_fingerprint(k.blob)),
            std::string::npos)
      << prompts_[0];
  EXPECT_NE(prompts_[0].find("'ssh.lab.wgnet (10.77.0.1)'"), std::string::npos) << prompts_[0];
  EXPECT_EQ(prompts_[1], retry_prompt_text());
  EXPECT_NE(known().find(kKeyA), std::string::npos);
}

TEST_F(HostKeyCheckTest, AskAcceptsTheFingerprintItself) {
  policy_.mode = StrictHostKeyChecking::kAsk;
  answers_ = {sha256_fingerprint(key(kKeyA).blob)};
  EXPECT_TRUE(verify(kKeyA));
}

TEST_F(HostKeyCheckTest, AskNoRefusesAndRecordsNothing) {
  policy_.mode = StrictHostKeyChecking::kAsk;
  answers_ = {"no"};
  EXPECT_FALSE(verify(kKeyA));
  EXPECT_NE(messages_.find("Host key verification failed."), std::string::npos);
  EXPECT_EQ(known(), "");
}

TEST_F(HostKeyCheckTest, AskWithoutATerminalRefuses) {
  policy_.mode = StrictHostKeyChecking::kAsk;
  EXPECT_FALSE(verify(kKeyA));
  EXPECT_EQ(prompts_.size(), 1u);
}

TEST_F(HostKeyCheckTest, BatchModeNeverAsks) {
  policy_.mode = StrictHostKeyChecking::kAsk;
  policy_.batch_mode = true;
  answers_ = {"yes"};
  EXPECT_FALSE(verify(kKeyA));
  EXPECT_TRUE(prompts_.empty());
}

TEST_F(HostKeyCheckTest, PortEntriesAreLookedUpBracketed) {
  write_known(std::string("[ssh.lab.wgnet]:2222 ssh-ed25519 ") + kKeyA + "\n");
  policy_.mode = StrictHostKeyChecking::kYes;
  policy_.port = 2222;
  EXPECT_TRUE(verify(kKeyA));
  policy_.port = 22;
  EXPECT_FALSE(verify(kKeyA));
}

TEST_F(HostKeyCheckTest, RevokedKeyIsRefusedEvenWithModeNo) {
  write_known(std::string("@revoked * ssh-ed25519 ") + kKeyA + "\n" +
              "ssh.lab.wgnet ssh-ed25519 " + kKeyA + "\n");
  policy_.mode = StrictHostKeyChecking::kNo;
  answers_ = {"yes"};
  EXPECT_FALSE(verify(kKeyA));
  EXPECT_NE(messages_.find("REVOKED HOST KEY DETECTED"), std::string::npos) << messages_;
  EXPECT_TRUE(prompts_.empty());
}

TEST_F(HostKeyCheckTest, NoKeyFromTheServerIsRefused) {
  policy_.mode = StrictHostKeyChecking::kNo;
  EXPECT_FALSE(verify_host_key(ServerHostKey{}, policy_, io_).ok());
}

}  // namespace
}  // namespace wgnet::ssh
