// The words of a dig command line that name things: record types, classes, and the reverse
// name -x builds from an address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wgnet::dig {

// "A", "mx", "TYPE65535" (case-insensitive) -> the type number; nullopt if it names no type.
std::optional<uint16_t> parse_type(std::string_view word);
// "IN", "ch", "HS", "CLASS3" -> the class number; nullopt otherwise.
std::optional<uint16_t> parse_class(std::string_view word);
// Presentation names as dig prints them ("A", "TYPE65535", "IN", "CLASS253").
std::string type_name(uint16_t type);
std::string class_name(uint16_t klass);

// "10.77.0.1" -> "1.0.77.10.in-addr.arpa.", "fd77::1" -> nibbles under ip6.arpa.; a partial
// IPv4 address ("10.77") gives the zone of that prefix, as dig does. nullopt when the text is
// not an address.
std::optional<std::string> reverse_name(std::string_view address);

}  // namespace wgnet::dig
