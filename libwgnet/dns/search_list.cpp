// The one search-list walk, shared by the tunnel's resolver and wg-dig's +search (wgnet/dns.hpp).
#include <algorithm>

#include "wgnet/dns.hpp"

namespace wgnet {

std::vector<std::string> dns_search_names(std::string_view name,
                                          const std::vector<std::string>& search, int ndots) {
  if (name.empty()) return {};
  if (name.back() == '.') return {std::string(name)};
  auto dots = std::count(name.begin(), name.end(), '.');
  std::vector<std::string> out;
  if (dots >= ndots) out.emplace_back(name);
  for (std::string_view domain : search) {
    while (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    if (domain.empty()) continue;  // the root as a search domain adds nothing new
    std::string candidate(name);
    candidate += '.';
    candidate += domain;
    if (std::find(out.begin(), out.end(), candidate) == out.end()) out.push_back(candidate);
  }
  if (dots < ndots) out.emplace_back(name);
  return out;
}

}  // namespace wgnet
