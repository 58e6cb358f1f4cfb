/* Hooks lwIP calls into our glue (LWIP_HOOK_FILENAME): included by lwIP's .c files after their
 * own headers, so lwIP's types are available. */
#ifndef WGNET_LWIP_HOOKS_H
#define WGNET_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

/* RFC 6528 initial sequence number: 4 us clock + keyed hash of the connection's 4-tuple. */
u32_t wgnet_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port, const ip_addr_t* remote_ip,
                         u16_t remote_port);
/* Monotonic microseconds, wrapping (LWIP_TCP_NOW_US: delivery-rate samples and pacing). */
u32_t wgnet_lwip_now_us(void);
/* IPv6 route for a non-link-local destination: the tunnel netif (the default one). */
struct netif* wgnet_lwip_ip6_route(const ip6_addr_t* src, const ip6_addr_t* dest);

#ifdef __cplusplus
}
#endif

#endif /* WGNET_LWIP_HOOKS_H */
