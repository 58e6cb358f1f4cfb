// TESTPLAN H2 lwip_sanity: the relations between lwIP options that the design depends on,
// checked at compile time (lwIP's own checks in core/init.c run as well).
#include "lwip/opt.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

namespace wgnet::netstack {

// wg-quick's default tunnel MTU, and the smallest MTU IPv6 allows (RFC 8200).
inline constexpr int kDefaultTunnelMtu = 1420;
inline constexpr int kMinTunnelMtu = 1280;
inline constexpr int kIpv4TcpHeaders = 20 + 20;
inline constexpr int kIpv6TcpHeaders = 40 + 20;

// The MSS ceiling is exactly what IPv4 fits in the default tunnel MTU; IPv6 (and smaller MTUs)
// get theirs from the netif MTU at connect time, which needs TCP_CALCULATE_EFF_SEND_MSS.
static_assert(TCP_MSS == kDefaultTunnelMtu - kIpv4TcpHeaders, "TCP_MSS = 1420 - 40");
static_assert(TCP_CALCULATE_EFF_SEND_MSS == 1, "per-connection MSS must follow the netif MTU");
static_assert(kDefaultTunnelMtu - kIpv6TcpHeaders == 1360, "IPv6 MSS at MTU 1420");
static_assert(kMinTunnelMtu - kIpv6TcpHeaders > 536, "MTU 1280 still beats the default MSS");

// Windows: 1 MiB each way, representable with the advertised scale, and the u16 pbuf-count
// limit of the send queue not exceeded.
static_assert(LWIP_WND_SCALE == 1, "1 MiB windows need window scaling");
static_assert(TCP_WND >= 1024 * 1024, "receive window >= 1 MiB");
static_assert(TCP_SND_BUF >= 1024 * 1024, "send buffer >= 1 MiB");
static_assert(TCP_WND <= (0xFFFFu << TCP_RCV_SCALE), "TCP_WND fits the window scale");
static_assert(TCP_SND_QUEUELEN <= 0xFFFF, "snd_queuelen is a u16");
static_assert(TCP_SND_QUEUELEN >= 2 * (TCP_SND_BUF / TCP_MSS), "queue can hold a full buffer");
static_assert(TCP_SNDLOWAT < 0xFFFF - 4 * TCP_MSS, "TCP_SNDLOWAT below u16 overflow");
static_assert(MEMP_NUM_TCP_SEG >= TCP_SND_QUEUELEN, "segments for a full send queue");
static_assert(MEMP_MEM_MALLOC == 1 && MEM_LIBC_MALLOC == 1,
              "pools are sized on demand (RSS target), so TCP_WND need not fit PBUF_POOL_SIZE");
static_assert(PBUF_POOL_BUFSIZE >= kDefaultTunnelMtu, "one pool pbuf holds a whole packet");

// Receiver SACK (issue 10): lwIP puts SACK blocks only in empty ACKs (tcp_send_empty_ack), so
// they never cut into a data segment's MSS; all the blocks it remembers fit the 40 option bytes
// (2 NOPs + 2-byte header + 8 per block, plus timestamps when on).
static_assert(LWIP_TCP_SACK_OUT == 1, "receiver SACK on (issue 10)");
static_assert(4 + 8 * LWIP_TCP_MAX_SACK_NUM + (LWIP_TCP_TIMESTAMPS ? 12 : 0) <=
                  TCP_MAX_OPTION_BYTES,
              "every remembered SACK block fits one ACK");
static_assert(LWIP_TCP_MAX_SACK_NUM == 4, "sack_test.cpp expects 4 blocks");

// lwIP's RTO never goes below 3 slow-timer ticks: keep that floor near Linux's 200 ms.
static_assert(3 * TCP_SLOW_INTERVAL <= 300, "RTO floor <= 300 ms");

// Bounded TIME_WAIT and enough PCBs for the parallel-stream test (H4: 50 streams).
static_assert(2 * TCP_MSL <= 30000, "TIME_WAIT bounded (H6)");
static_assert(MEMP_NUM_TCP_PCB >= 64, "PCBs for 50 parallel streams plus TIME_WAIT");

static_assert(NO_SYS == 1 && LWIP_NETCONN == 0 && LWIP_SOCKET == 0, "raw API only, one thread");
static_assert(CHECKSUM_CHECK_TCP == 0 && CHECKSUM_GEN_TCP == 1,
              "inbound authenticated by WireGuard; outbound checked by the peer");

}  // namespace wgnet::netstack
