// DNS query IDs: with a fresh source port per try they are the only defence against off-path
// reply spoofing, so they come from injected randomness (the kernel CSPRNG in the tunnel,
// io/os_random), never from rand() or a counter (TESTPLAN I8). The DNS code never calls the OS.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace wgnet::dns {

using RandomBytes = std::function<void(std::span<uint8_t>)>;

uint16_t random_query_id(const RandomBytes& random);

}  // namespace wgnet::dns
