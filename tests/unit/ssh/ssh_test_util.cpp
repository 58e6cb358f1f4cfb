#include "ssh_test_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "known_hosts.hpp"

namespace wgnet::ssh::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wgssh-test-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult run_command(const std::vector<std::string>& argv) {
  CommandResult result;
  int fds[2];
  if (::pipe(fds) != 0) return result;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return result;
  }
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) result.out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool have_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

int file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

PublicKey read_public_key(const std::string& pub_path) {
  std::istringstream in(read_file(pub_path));
  PublicKey key;
  in >> key.type >> key.base64;
  if (!base64_decode(key.base64, key.blob)) throw std::runtime_error("bad key in " + pub_path);
  return key;
}

PublicKey generate_key(const std::string& path, const std::string& type) {
  std::vector<std::string> argv{"ssh-keygen", "-q", "-t", type, "-N", "", "-C", "test", "-f", path};
  if (type == "rsa") {
    argv.insert(argv.begin() + 4, {"-b", "2048"});
  }
  auto r = run_command(argv);
  if (r.status != 0) throw std::runtime_error("ssh-keygen failed: " + r.out);
  return read_public_key(path + ".pub");
}

std::string host_line(const std::string& hosts, const PublicKey& key) {
  return hosts + " " + key.type + " " + key.base64 + "\n";
}

void KeygenTest::SetUp() {
  if (!have_program("ssh-keygen")) GTEST_SKIP() << "ssh-keygen (openssh-client) not installed";
}

}  // namespace wgnet::ssh::testing
