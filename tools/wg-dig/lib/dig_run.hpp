// Running wg-dig's queries over an open tunnel: pick the server (@server or the first DNS= of
// the config, a name resolved through the tunnel), walk the search list with +search
// (wgnet::dns_search_names), send the query with Tunnel::query_dns and print the reply as dig
// does. Only libwgnet's public API.
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"
#include "dig_options.hpp"
#include "wgnet/config.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::dig {

// dig's exit statuses.
inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_USAGE = 1;
inline constexpr int EXIT_BATCH_FILE = 8;
inline constexpr int EXIT_NO_REPLY = 9;
inline constexpr int EXIT_INTERNAL = 10;

struct RunContext {
  const Config& config;
  Tunnel& tunnel;
  const tools::Diagnostics& diag;
  std::function<void(std::string_view)> out;  // stdout
  std::function<std::time_t()> now = [] { return std::time(nullptr); };
  std::string args_text;  // for the banner
};

// Runs one query and prints its result; returns its exit status (0, 1, 9 or 10).
// `first` is true for the first query of the run (dig prints its global options once).
int run_query(RunContext& ctx, const Query& query, bool first);

// Runs all queries in order; the status is that of the last query that failed, else 0.
int run_queries(RunContext& ctx, const std::vector<Query>& queries);

}  // namespace wgnet::dig
