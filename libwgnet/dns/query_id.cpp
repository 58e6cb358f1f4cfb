#include "dns/query_id.hpp"

namespace wgnet::dns {

uint16_t random_query_id(const RandomBytes& random) {
  uint8_t bytes[2] = {};
  random(bytes);
  return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

}  // namespace wgnet::dns
