/* lwIP port definitions for wgnet (Linux, gcc/clang, x86-64 or arm64). lwIP's source package has
 * no contrib/ port, so this is ours. Included by lwip/arch.h from every lwIP file, C and C++. */
#ifndef WGNET_ARCH_CC_H
#define WGNET_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 32-bit value from the kernel CSPRNG (getrandom): ephemeral ports and IDs must not be
 * predictable from outside (H9). */
uint32_t wgnet_lwip_rand(void);
/* Aborts the process: a broken lwIP invariant is a bug, continuing would corrupt memory. */
void wgnet_lwip_assert_failed(const char* message, int line, const char* file);
/* H1: aborts unless called on the thread that owns the stack (see netstack_glue.hpp). */
void wgnet_lwip_assert_core_locked(void);
/* RFC 1071 Internet checksum, 8 bytes per step (LWIP_CHKSUM; netstack/chksum.cpp). */
uint16_t wgnet_lwip_chksum(const void* data, int len);

#ifdef __cplusplus
}
#endif

#define LWIP_RAND() wgnet_lwip_rand()
#define LWIP_PLATFORM_ASSERT(x) wgnet_lwip_assert_failed((x), __LINE__, __FILE__)
/* Only reached with LWIP_DEBUG, which is off unless a developer turns it on. */
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
    printf x;                 \
  } while (0)

#endif /* WGNET_ARCH_CC_H */
