#include "config_select.hpp"

#include <CLI/CLI.hpp>

namespace wgnet::tools {

void add_config_option(CLI::App& app, std::string& path) {
  app.add_option("-c,--wg-config", path,
                 "WireGuard config file (wg-quick format); default: $WGNET_CONFIG")
      ->type_name("FILE");
}

Result<std::string> select_config_path(const std::string& flag_value, const char* env_value) {
  if (!flag_value.empty()) return flag_value;
  if (env_value != nullptr && *env_value != '\0') return std::string(env_value);
  return make_error(ErrorCode::kInvalidArgument,
                    "no WireGuard config: give -c FILE (--wg-config FILE) or set WGNET_CONFIG");
}

}  // namespace wgnet::tools
