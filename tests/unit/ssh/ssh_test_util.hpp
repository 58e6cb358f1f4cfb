// Helpers for wg-ssh's unit tests: a scratch directory, running the real OpenSSH tools
// (ssh-keygen, ssh -G) as oracles, and small file helpers.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wgnet::ssh::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int status = -1;  // exit status, -1 if it could not run or was killed
  std::string out;  // stdout and stderr together
};

// Runs argv (no shell) with stdin from /dev/null, collecting its output.
CommandResult run_command(const std::vector<std::string>& argv);

// True when `program` is an executable on PATH (tests that use it skip with a reason otherwise).
bool have_program(const std::string& program);

void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);
int file_mode(const std::string& path);  // st_mode & 07777, -1 when missing

// The decoded key blob and type of an OpenSSH public key file ("type base64 comment").
struct PublicKey {
  std::string type;
  std::string base64;
  std::string blob;
};
PublicKey read_public_key(const std::string& pub_path);

// Generates an unencrypted key of `type` ("ed25519", "rsa", "ecdsa") at `path` with ssh-keygen.
PublicKey generate_key(const std::string& path, const std::string& type);

// One known_hosts line "HOSTS TYPE BASE64\n" for `key`; HOSTS may start with a marker
// ("@revoked *").
std::string host_line(const std::string& hosts, const PublicKey& key);

// Base for fixtures whose keys come from the real ssh-keygen (made in their SetUpTestSuite, which
// returns early without it): each test skips, saying why, where it is missing.
class KeygenTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

}  // namespace wgnet::ssh::testing
