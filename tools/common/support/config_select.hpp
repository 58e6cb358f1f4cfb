// Which WireGuard config a tool uses: -c FILE / --wg-config FILE, else $WGNET_CONFIG.
#pragma once

#include <string>

#include "wgnet/result.hpp"

namespace CLI {
class App;
}

namespace wgnet::tools {

inline constexpr const char* kConfigEnvVar = "WGNET_CONFIG";

// Adds -c,--wg-config FILE to a tool's command line, storing the value in `path`.
void add_config_option(CLI::App& app, std::string& path);

// The flag wins over the environment; an empty value counts as unset. kInvalidArgument with a
// one-line hint when neither names a file. `env_value` is getenv(kConfigEnvVar), may be null.
Result<std::string> select_config_path(const std::string& flag_value, const char* env_value);

}  // namespace wgnet::tools
