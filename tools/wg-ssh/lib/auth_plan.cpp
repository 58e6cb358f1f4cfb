#include "auth_plan.hpp"

#include <algorithm>

namespace wgnet::ssh {

std::string_view auth_method_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::kPublicKey:
      return "publickey";
    case AuthMethod::kKeyboardInteractive:
      return "keyboard-interactive";
    case AuthMethod::kPassword:
      return "password";
  }
  return "unknown";
}

std::vector<AuthMethod> auth_order(const AuthSwitches& switches) {
  std::vector<AuthMethod> order;
  if (switches.pubkey) order.push_back(AuthMethod::kPublicKey);
  if (!switches.batch_mode) {
    if (switches.keyboard_interactive) order.push_back(AuthMethod::kKeyboardInteractive);
    if (switches.password) order.push_back(AuthMethod::kPassword);
  }
  return order;
}

namespace {

bool list_contains(std::string_view list, std::string_view name) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    size_t end = comma == std::string_view::npos ? list.size() : comma;
    if (list.substr(start, end - start) == name) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

std::optional<AuthMethod> next_auth_method(const std::vector<AuthMethod>& order,
                                           std::string_view server_list,
                                           const std::set<AuthMethod>& exhausted) {
  for (AuthMethod method : order) {
    if (exhausted.count(method) != 0) continue;
    if (list_contains(server_list, auth_method_name(method))) return method;
  }
  return std::nullopt;
}

std::string permission_denied_text(std::string_view server_list) {
  return "Permission denied (" + std::string(server_list) + ").";
}

std::vector<KeyCandidate> plan_public_keys(const std::vector<AgentKey>& agent,
                                           const std::vector<FileKey>& files,
                                           bool identities_only) {
  std::vector<KeyCandidate> plan;
  std::vector<bool> file_in_agent(files.size(), false);
  for (size_t a = 0; a < agent.size(); ++a) {
    bool matches_file = false;
    for (size_t f = 0; f < files.size(); ++f) {
      if (!files[f].public_blob.empty() && files[f].public_blob == agent[a].blob) {
        file_in_agent[f] = true;
        matches_file = true;
      }
    }
    if (identities_only && !matches_file) continue;
    plan.push_back({KeyCandidate::Source::kAgent, a});
  }
  for (size_t f = 0; f < files.size(); ++f) {
    if (!file_in_agent[f]) plan.push_back({KeyCandidate::Source::kFile, f});
  }
  return plan;
}

}  // namespace wgnet::ssh
