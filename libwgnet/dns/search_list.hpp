// Which names to ask for a name the user typed, following glibc's res_search: a name with a
// trailing dot is absolute; one with at least `ndots` dots is tried as it is first and then with
// each search domain; a shorter one gets the search domains first and itself last.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wgnet::dns {

std::vector<std::string> search_candidates(std::string_view name,
                                           const std::vector<std::string>& search, int ndots);

}  // namespace wgnet::dns
