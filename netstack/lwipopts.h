/* lwIP 2.1.3 options for wgnet: a userspace TCP/IP stack behind a WireGuard tunnel.
 *
 * The stack sees whole IP packets (no link layer), lives in one process, is driven by our event
 * loop, and must move bulk TCP at tunnel speed while staying small (<= 10 MiB RSS per process).
 * Every choice below says why; the glue (netstack/*.cpp) static_asserts the relations that
 * matter (H2 lwip_sanity), on top of lwIP's own checks in core/init.c.
 *
 * This header is included by C (lwIP) and by C++ (our glue): keep it plain preprocessor. */
#ifndef WGNET_LWIPOPTS_H
#define WGNET_LWIPOPTS_H

/* ---- Threading ------------------------------------------------------------------------------ */

/* Our event loop owns the stack and calls it from one thread: no tcpip thread, no mailboxes, no
 * locks. Cross-thread work is queued to the loop (EventLoop::post). */
#define NO_SYS 1
/* lwIP keeps its own timer list (sys_check_timeouts); the loop sleeps exactly until
 * sys_timeouts_sleeptime() says the next one is due. */
#define LWIP_TIMERS 1
/* Single thread: no SYS_ARCH_PROTECT critical sections needed. */
#define SYS_LIGHTWEIGHT_PROT 0
/* H1 lwip_single_owner: every raw-API entry point asserts it runs on the owner (loop) thread. */
#define LWIP_ASSERT_CORE_LOCKED() wgnet_lwip_assert_core_locked()

/* ---- Memory --------------------------------------------------------------------------------- */

/* Heap and pools come from malloc, so memory is only used while connections need it (1 MiB
 * windows would otherwise be a static multi-MiB arena per process, against the 10 MiB RSS
 * target). With this, the MEMP_NUM_* values below are no longer hard limits: they document the
 * sizing, and the glue enforces its own caps (connections per host). MEM_STATS/MEMP_STATS still
 * count live objects, which the leak tests (H5) compare against a baseline. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
/* x86-64/arm64: 8-byte alignment for everything lwIP allocates. */
#define MEM_ALIGNMENT 8
/* Unused as an arena with MEM_LIBC_MALLOC; > 64000 makes mem_size_t 32-bit so sizes never wrap. */
#define MEM_SIZE (4 * 1024 * 1024)

/* PCBs: enough for H4 (50 parallel streams) plus TIME_WAIT churn and listeners. */
#define MEMP_NUM_TCP_PCB 128
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_UDP_PCB 64
/* Segments: one per queued MSS-sized piece of both the send queue and out-of-order data. */
#define MEMP_NUM_TCP_SEG (2 * TCP_SND_QUEUELEN)
/* Pool pbufs (used by lwIP internally, e.g. for reassembly and ICMP) hold one full packet. */
#define PBUF_POOL_SIZE 256
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_PBUF 256
#define MEMP_NUM_REASSDATA 8
#define MEMP_NUM_FRAG_PBUF 64

/* ---- Link: none ----------------------------------------------------------------------------- */

/* The tunnel carries bare IP packets: no Ethernet header, no ARP, no headroom for one. */
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define PBUF_LINK_HLEN 0
#define PBUF_LINK_ENCAPSULATION_HLEN 0
/* Outgoing packets are built as one contiguous pbuf, so the netif hands the tunnel a single span
 * without copying. */
#define LWIP_NETIF_TX_SINGLE_PBUF 1
/* One netif per IPv4 address (lwIP allows one v4 address per netif); IPv6 addresses go on the
 * first one. */
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_API 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

/* ---- IPv4 / IPv6 ---------------------------------------------------------------------------- */

#define LWIP_IPV4 1
#define LWIP_IPV6 1
/* Inner packets may be fragmented (large UDP, e.g. DNS); reassemble and fragment both ways. A
 * tunnel delivers fragments together, so a short reassembly age bounds memory under floods. */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAXAGE 5
#define IP_REASS_MAX_PBUFS 64 /* a 64 KiB datagram in 1280-byte fragments */
#define LWIP_IPV6_REASS 1
#define LWIP_IPV6_FRAG 1
#define IPV6_REASS_MAXAGE 5
/* 64-bit pointers do not fit lwIP's in-place reassembly helper in the 8-byte fragment header:
 * copy the header aside instead (lwIP asserts otherwise on the first IPv6 fragment). */
#define IPV6_FRAG_COPYHEADER 1
#define IP_DEFAULT_TTL 64
/* A point-to-point tunnel: addresses come from the config, nothing to discover or defend. */
#define LWIP_IPV6_NUM_ADDRESSES 5 /* slot 0 is link-local (unused): 4 configured addresses */
#define LWIP_IPV6_SCOPES 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_ADDRESS_LIFETIMES 0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_ND6_QUEUEING 0
#define LWIP_ND6_ALLOW_RA_UPDATES 0
#define LWIP_ND6_TCP_REACHABILITY_HINTS 0
#define LWIP_ND6_NUM_NEIGHBORS 2
#define LWIP_ND6_NUM_DESTINATIONS 4
#define LWIP_ND6_NUM_PREFIXES 2
#define LWIP_ND6_NUM_ROUTERS 1
/* Everything not on-link goes into the tunnel (AllowedIPs decide there), as netif_default does
 * for IPv4. lwIP's IPv6 routing would otherwise want a default router learned from an RA. */
#define LWIP_HOOK_IP6_ROUTE(src, dest) wgnet_lwip_ip6_route((src), (dest))
/* The peer can ping our tunnel addresses (useful for interop checks); no broadcast/multicast. */
#define LWIP_ICMP 1
#define LWIP_ICMP6 1
#define LWIP_BROADCAST_PING 0
#define LWIP_MULTICAST_PING 0
/* Raw pcbs for ICMP and ICMPv6 so that Tunnel::open_pinger gets echo replies to its own requests
 * (libwgnet/io/netstack_icmp.cpp). lwIP's icmp.c/icmp6.c still answer echo requests to us: the
 * pinger's pcb passes on everything that is not a reply to it. Pingers are few; with
 * MEMP_MEM_MALLOC the count is a sizing note, not a limit. */
#define LWIP_RAW 1
#define MEMP_NUM_RAW_PCB 16
#define LWIP_IGMP 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
/* wgnet resolves names itself (libwgnet/dns, through the tunnel). */
#define LWIP_DNS 0

/* ---- Checksums ------------------------------------------------------------------------------ */

/* Inbound packets were just authenticated by WireGuard's Poly1305 tag: a checksum check cannot
 * find anything the AEAD did not, and costs a pass over every byte. */
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_ICMP 0
#define CHECKSUM_CHECK_ICMP6 0
/* Outbound packets reach a real stack (the peer's kernel or wireguard-go's TUN), which checks. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_GEN_ICMP6 1
/* lwIP's own routine adds 16 bits per step and showed as 8% of the sending side's CPU in a bulk
 * transfer; ours adds 64 bits at a time (same result, netstack/chksum.cpp). */
#define LWIP_CHKSUM wgnet_lwip_chksum

/* ---- UDP ------------------------------------------------------------------------------------ */

#define LWIP_UDP 1
#define LWIP_UDPLITE 0

/* ---- TCP ------------------------------------------------------------------------------------ */

#define LWIP_TCP 1
/* Raw API with callbacks (tcp_recv/tcp_sent/tcp_err), the model of contrib/apps/tcpecho_raw. */
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0
/* The largest MSS our default tunnel (MTU 1420, wg-quick's) allows for IPv4: 1420 - 20 - 20.
 * It is a ceiling, not the value used: TCP_CALCULATE_EFF_SEND_MSS derives each connection's MSS
 * from the netif MTU and the address family (1420 - 40 - 20 = 1360 for IPv6; 1240 for IPv4 on an
 * MTU 1280 tunnel), both for the MSS option we advertise and for what we send. */
#define TCP_MSS 1380
#define TCP_CALCULATE_EFF_SEND_MSS 1
/* Window scaling: a 64 KiB window would cap a 50 ms path at ~10 Mbit/s. 4 MiB, not 1 MiB: through
 * loss the window's left edge waits a round trip or more for each hole's repair while the sender
 * keeps going, and downloads through 0.1% and 1% loss at 10 ms each way (bench/lossy_link.sh,
 * Linux sender) ran at 0.87x and 0.76x the kernel path with 1 MiB, 1.13x and 1.04x with 4 MiB.
 * The window costs memory only while the application does not read (the bridge queues at most
 * one window per connection). Scale 7 allows windows up to 65535 << 7 (~8 MiB). */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 7
#define TCP_WND (4 * 1024 * 1024)
/* Without SACK (the peer's SYN did not offer it), 1 MiB (netstack/patches/0005): such a sender
 * repairs one hole per round trip or, after a timeout, resends its whole flight, so a bigger
 * window only raises what one loss costs. A Linux BBR sender with tcp_sack=0 through 1% loss
 * stalled in 3 of 5 lab downloads with 4 MiB (timeouts backing off to 14 s). */
#define TCP_WND_WITHOUT_SACK (1024 * 1024)
/* Send side twice the receive side: the same bandwidth-delay reason, plus loss. Data the peer
 * has SACKed stays in the send buffer until the hole below it is repaired, a round trip or more;
 * with 1 MiB, uploads through 0.1% and 1% loss at 10 ms each way were held to 15-18 MB/s
 * (0.71-0.85x the kernel path beside them), with 2 MiB 21-23 MB/s (1.10-1.17x). The buffer is
 * allocated as the application writes, so idle connections do not pay for it. */
#define TCP_SND_BUF (2 * 1024 * 1024)
/* snd_queuelen counts pbufs (u16): our copied writes make about one per MSS; 4x leaves room for
 * partly filled segments. lwIP wants at least 2 * TCP_SND_BUF / TCP_MSS. */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
/* Only the netconn/socket API (off here) reads these, but lwIP checks them against u16 overflow
 * (TCP_SNDLOWAT must stay below 0xFFFF - 4 * TCP_MSS), and the default (TCP_SND_BUF / 2) is far
 * above that with a 1 MiB buffer. The bridge has its own low-water mark (tcp_bridge.cpp). */
#define TCP_SNDLOWAT (32 * 1024)
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 2)
/* Keep out-of-order segments (a lossy Internet path under the tunnel) instead of making the
 * sender retransmit everything after a hole. Bounded by the receive window. */
#define TCP_QUEUE_OOSEQ 1
/* Receiver SACK (RFC 2018, issue 10): SACK-permitted in our SYN and, only when the peer's SYN had
 * it, in the SYN-ACK; then every ACK sent while the out-of-order queue is non-empty lists its
 * blocks, most recent first, merged, trimmed as holes fill. A Linux sender then repairs every
 * hole of a window in one round trip instead of NewReno's one per round trip. Checked:
 * tests/unit/netstack/sack_test.cpp (negotiation both ways; one, two, three and more holes than
 * LWIP_TCP_MAX_SACK_NUM = 4; partial fills; duplicates); blocks go only into empty ACKs, so the
 * MSS is untouched (lwip_sanity.cpp); the glue never holds an ACK while pcb->ooseq is set
 * (tcp_bridge.cpp hold_ack); a Linux sender through 1% loss recovers by SACK only
 * (wg-nc-impaired-path.bats). lwIP forgets blocks beyond the 4 it remembers even when room frees
 * up later (RFC 2018 SHOULD repeat them): harmless, the sender's scoreboard keeps them. */
#define LWIP_TCP_SACK_OUT 1
/* Sender SACK (netstack/patches/0001-sender-sack.patch): act on the peer's SACK blocks with an
 * RFC 6675 scoreboard, loss detection and pipe-limited retransmission of every hole in one round
 * trip. It must come with receiver SACK: once SACK is agreed Linux compresses its ACKs, and
 * lwIP's stock sender, counting only pure duplicate ACKs, then waited for the RTO (uploads
 * through 1% loss were 40% slower with receiver SACK alone). Checked:
 * tests/unit/netstack/sack_sender_test.cpp. */
#define LWIP_TCP_SACK_IN 1
/* Tail loss probes (netstack/patches/0002-tail-loss-probe.patch, RFC 8985 section 7): 2 SRTT
 * after the last send with no ACK, the last segment goes again, so a lost tail is found by the
 * peer's SACK of the probe in about an RTT instead of by the RTO (300 ms or more). Checked:
 * tests/unit/netstack/sack_sender_test.cpp. */
#define LWIP_TCP_TLP 1
/* Model-based congestion control, pacing and RACK (netstack/patches/0004-model-cc-pacing.patch)
 * for connections that agreed SACK: the window follows the measured delivery rate times the
 * minimum RTT (after BBR v1) instead of halving on every loss, segments leave paced at that rate
 * in bursts of about 1 ms, and a lost retransmission is resent when later data arrives instead of
 * at the RTO. Reno, which lwIP has, reads the random loss of a tunnel's path as congestion:
 * uploads through 1% loss ran at its ceiling, 0.05x the kernel path here. WGNET_TCP_CC=reno
 * (netstack_host.cpp) keeps Reno, to compare. Checked: tests/unit/netstack/bbr_model_test.cpp
 * (the model, fake clock), sack_sender_test.cpp (pacing, RACK), bench/lossy_link.sh (README). */
#define LWIP_TCP_BBR 1
/* Its microsecond clock (sys_arch.cpp): pacing a 40 MB/s flow spaces segments ~34 us apart. */
#define LWIP_TCP_NOW_US() wgnet_lwip_now_us()
/* SYN retransmissions before a connect gives up on its own (callers normally pass a timeout):
 * with the 1 s initial RTO the glue sets (RFC 6298) and lwIP's doubling backoff, 1+2+4+8+16+32 s,
 * about a minute, as Linux's default. lwIP's own 6 retries from its 3 s RTO would take 6 min. */
#define TCP_SYNMAXRTX 5
/* Timestamps cost 12 bytes of every segment and lwIP uses them for little (no PAWS tuning). */
#define LWIP_TCP_TIMESTAMPS 0
/* Dead-peer detection is available per connection (off by default on each pcb, as in POSIX). */
#define LWIP_TCP_KEEPALIVE 1
/* Bound half-open connections per listener (SYN flood through a compromised peer). u8 field. */
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
/* TCP timers tick every 50 ms (fast: delayed ACKs) and 100 ms (slow: RTO, TIME_WAIT) instead of
 * lwIP's 250/500 ms. lwIP's RTO bottoms out at 3 slow ticks (its RTT estimator works in ticks),
 * i.e. 1.5 s with the defaults: every lost retransmission (only the RTO finds one) stalls a
 * connection that long; with 100 ms ticks it is 300 ms, near Linux's 200 ms minimum. The delayed
 * ACK (at most one fast tick) also meets a Nagle-ing sender on the other side on every
 * request/response exchange. Cost: 20 wake-ups a second while any TCP pcb exists. */
#define TCP_TMR_INTERVAL 50
/* TIME_WAIT lasts 2 * TCP_MSL = 10 s instead of lwIP's 120 s. It exists to absorb delayed
 * duplicates and to re-ACK a retransmitted FIN; packets inside a tunnel do not linger for a
 * minute, and the peer's FIN retransmissions (RTO-spaced) all fall well within 10 s. Short
 * TIME_WAIT bounds live pcbs under connection churn (H6). Ports are random (RFC 6056-style), so a
 * reused 4-tuple within 10 s is unlikely, and the RFC 6528 ISN protects it anyway. */
#define TCP_MSL 5000UL
/* RFC 6528: ISN = 4 us clock + keyed hash of the 4-tuple (netstack/tcp_isn.cpp). */
#define LWIP_HOOK_FILENAME "wgnet_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
  wgnet_lwip_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))
/* Ephemeral ports start at a random point (LWIP_RAND, a CSPRNG); the glue also binds explicit
 * random ports for every connection it dials. */
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* ---- APIs not used ------------------------------------------------------------------------- */

#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_ALTCP 0

/* ---- Statistics ---------------------------------------------------------------------------- */

/* Plain counters (no locks with NO_SYS): live pcb/pbuf/segment counts for H5 baselines and drop
 * counters for H8. Nothing printed (no LWIP_STATS_DISPLAY). */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define IP6_STATS 1
#define ICMP6_STATS 1
#define IP6_FRAG_STATS 1
#define SYS_STATS 0
#define ETHARP_STATS 0
#define IGMP_STATS 0
#define MLD6_STATS 0
#define ND6_STATS 0
#define MIB2_STATS 0

/* ---- Debug --------------------------------------------------------------------------------- */

/* No LWIP_DEBUG by default (it would print); define it on the compiler command line to debug.
 * LWIP_ASSERT stays on: a broken invariant aborts rather than corrupting memory. */

#endif /* WGNET_LWIPOPTS_H */
