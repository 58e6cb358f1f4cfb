// Authentication order as OpenSSH's sshconnect2.c: PreferredAuthentications' default order
// (publickey, keyboard-interactive, password) restricted to what the server offers, and the
// public keys in pubkey_prepare's order.
#include <gtest/gtest.h>

#include "auth_plan.hpp"

namespace wgnet::ssh {
namespace {

using M = AuthMethod;

TEST(SessionAuthPlan, DefaultOrderIsOpenSshs) {
  EXPECT_EQ(auth_order({}), (std::vector<M>{M::kPublicKey, M::kKeyboardInteractive, M::kPassword}));
}

TEST(SessionAuthPlan, BatchModeDropsWhatOnlyPrompts) {
  AuthSwitches switches;
  switches.batch_mode = true;
  EXPECT_EQ(auth_order(switches), (std::vector<M>{M::kPublicKey}));
}

TEST(SessionAuthPlan, SwitchedOffMethodsAreLeftOut) {
  AuthSwitches switches;
  switches.pubkey = false;
  switches.keyboard_interactive = false;
  EXPECT_EQ(auth_order(switches), (std::vector<M>{M::kPassword}));
}

TEST(SessionAuthPlan, NextMethodFollowsOurOrderNotTheServers) {
  auto order = auth_order({});
  EXPECT_EQ(next_auth_method(order, "password,keyboard-interactive,publickey", {}), M::kPublicKey);
  EXPECT_EQ(next_auth_method(order, "password,keyboard-interactive,publickey", {M::kPublicKey}),
            M::kKeyboardInteractive);
  EXPECT_EQ(next_auth_method(order, "password,keyboard-interactive,publickey",
                             {M::kPublicKey, M::kKeyboardInteractive}),
            M::kPassword);
}

TEST(SessionAuthPlan, OnlyWhatTheServerOffers) {
  auto order = auth_order({});
  EXPECT_EQ(next_auth_method(order, "password", {}), M::kPassword);
  EXPECT_EQ(next_auth_method(order, "publickey", {M::kPublicKey}), std::nullopt);
  EXPECT_EQ(next_auth_method(order, "gssapi-with-mic,hostbased", {}), std::nullopt);
}

TEST(SessionAuthPlan, NamesMatchWholeListItems) {
  auto order = auth_order({});
  // "publickeyx" is not "publickey"; "password" inside another word does not count either.
  EXPECT_EQ(next_auth_method(order, "publickeyx,nopassword", {}), std::nullopt);
  EXPECT_EQ(next_auth_method(order, "", {}), std::nullopt);
}

TEST(SessionAuthPlan, BatchModeNeverPicksPassword) {
  AuthSwitches switches;
  switches.batch_mode = true;
  EXPECT_EQ(next_auth_method(auth_order(switches), "password,keyboard-interactive", {}),
            std::nullopt);
}

TEST(SessionAuthPlan, PermissionDeniedText) {
  EXPECT_EQ(permission_denied_text("publickey,password"), "Permission denied (publickey,password).");
}

using Source = KeyCandidate::Source;

std::vector<std::pair<Source, size_t>> flat(const std::vector<KeyCandidate>& plan) {
  std::vector<std::pair<Source, size_t>> out;
  for (const auto& c : plan) out.emplace_back(c.source, c.index);
  return out;
}

TEST(SessionAuthPlan, AgentKeysFirstThenFilesTheAgentDoesNotHold) {
  std::vector<AgentKey> agent = {{"A", "a"}, {"B", "b"}};
  std::vector<FileKey> files = {{"~/.ssh/id_ed25519", "B"}, {"~/.ssh/id_ecdsa", "C"},
                                {"~/.ssh/id_rsa", ""}};
  EXPECT_EQ(flat(plan_public_keys(agent, files, false)),
            (std::vector<std::pair<Source, size_t>>{
                {Source::kAgent, 0}, {Source::kAgent, 1}, {Source::kFile, 1}, {Source::kFile, 2}}));
}

TEST(SessionAuthPlan, IdentitiesOnlyKeepsOnlyAgentKeysOfTheFiles) {
  std::vector<AgentKey> agent = {{"A", "a"}, {"B", "b"}};
  std::vector<FileKey> files = {{"key", "B"}, {"other", "C"}};
  EXPECT_EQ(flat(plan_public_keys(agent, files, true)),
            (std::vector<std::pair<Source, size_t>>{{Source::kAgent, 1}, {Source::kFile, 1}}));
}

TEST(SessionAuthPlan, NoAgentMeansFilesInOrder) {
  std::vector<FileKey> files = {{"one", ""}, {"two", "X"}};
  EXPECT_EQ(flat(plan_public_keys({}, files, false)),
            (std::vector<std::pair<Source, size_t>>{{Source::kFile, 0}, {Source::kFile, 1}}));
}

TEST(SessionAuthPlan, UnknownPublicKeyNeverMatchesTheAgent) {
  std::vector<AgentKey> agent = {{"", "empty blob"}};
  std::vector<FileKey> files = {{"locked", ""}};
  EXPECT_EQ(flat(plan_public_keys(agent, files, false)),
            (std::vector<std::pair<Source, size_t>>{{Source::kAgent, 0}, {Source::kFile, 0}}));
}

}  // namespace
}  // namespace wgnet::ssh
