// When curl 7.88 asks for a -u password, and the credentials it then sends (tool_paramhlp.c's
// checkpasswd: a ':' means a password was given; ";OPTIONS" stays with the name).
#include "password_prompt.hpp"

#include <gtest/gtest.h>

namespace wgnet::curl {
namespace {

TEST(PasswordPrompt, AsksOnlyWhenNoPasswordWasGiven) {
  EXPECT_EQ(password_question("alice"), "Enter host password for user 'alice':");
  EXPECT_EQ(password_question(""), "Enter host password for user '':");
  EXPECT_EQ(password_question("alice:"), std::nullopt);  // an empty password is still a password
  EXPECT_EQ(password_question("alice:pw"), std::nullopt);
  EXPECT_EQ(password_question(";AUTH=NTLM"), std::nullopt);
}

TEST(PasswordPrompt, LoginOptionsAreNotPartOfTheNameAsked) {
  EXPECT_EQ(password_question("alice;AUTH=NTLM"), "Enter host password for user 'alice':");
  EXPECT_EQ(with_password("alice;AUTH=NTLM", "pw"), "alice;AUTH=NTLM:pw");
}

TEST(PasswordPrompt, TheTypedPasswordIsJoinedAsIs) {
  EXPECT_EQ(with_password("alice", "p:w d"), "alice:p:w d");
  EXPECT_EQ(with_password("alice", ""), "alice:");
}

}  // namespace
}  // namespace wgnet::curl
