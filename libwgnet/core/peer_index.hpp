// The one name for "which peer": its position in DeviceConfig::peers. device.hpp declares the
// same alias (an identical redeclaration is legal), so either header may be included alone.
#pragma once

#include <cstdint>

namespace wgnet::core {

using PeerIndex = uint32_t;

}  // namespace wgnet::core
