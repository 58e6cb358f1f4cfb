// The one place that reads the kernel CSPRNG (getrandom): the device's keys and indices
// (through OsEnvironment), lwIP's ports and ISNs (netstack glue) and DNS query IDs (injected
// into the DNS engine) all come from here. A target of its own so that the lwIP port, which
// libwgnet/io sits on, can use it without a dependency cycle.
#pragma once

#include <cstdint>
#include <span>

namespace wgnet::io {

// Fills `out`; aborts when the kernel cannot provide randomness (predictable keys, ports or
// query IDs would be worse than stopping).
void os_random_bytes(std::span<uint8_t> out);

}  // namespace wgnet::io
