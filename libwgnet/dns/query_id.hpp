// DNS query IDs from the kernel CSPRNG: with a fresh source port per try they are the only
// defence against off-path reply spoofing, so never from rand() or a counter (TESTPLAN I8).
#pragma once

#include <cstdint>

namespace wgnet::dns {

uint16_t random_query_id();

}  // namespace wgnet::dns
