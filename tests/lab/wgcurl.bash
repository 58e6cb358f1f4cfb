# shellcheck shell=bash
# Helpers for tests/bats/wg-curl*.bats. Load after the lab and its web servers:
#   load ../lab/wgnc; source ../lab/web.bash; source ../lab/wgcurl.bash
# WGNET_BUILD names the build directory holding tools/wg-curl/wg-curl (default: build/).

WGCURL="$wgnc__build/tools/wg-curl/wg-curl"
# Upper bound for any single wg-curl run; a hang fails the test instead of stalling the suite.
WGCURL_TIMEOUT=${WGCURL_TIMEOUT:-30}

wgcurl_require_binary() { lab_require_binary wg-curl "$WGCURL"; }

# wgcurl ARGS...: wg-curl with the lab's config, inside the tool namespace, bounded in time.
wgcurl() { wgcurl_conf "$LAB_CONF" "$@"; }
# wgcurl_conf CONF ARGS...: the same with another config file.
wgcurl_conf() { lab_tool_conf "$WGCURL_TIMEOUT" "$WGCURL" "$@"; }
# wgcurl_without_terminal ARGS...: the same in a session of its own, so /dev/tty cannot be
# opened (a prompt must then read stdin, not the terminal of whoever runs the suite).
wgcurl_without_terminal() {
  lab_tool_timeout "$WGCURL_TIMEOUT" setsid -w "$WGCURL" -c "$LAB_CONF" "$@"
}
# wgcurl_env VAR=VALUE... -- ARGS...: the same with environment variables set for wg-curl only.
wgcurl_env() {
  local vars=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  lab_tool_timeout "$WGCURL_TIMEOUT" env "${vars[@]}" "$WGCURL" -c "$LAB_CONF" "$@"
}

# web_log_since N: the access-log lines ("METHOD PATH HOST STATUS") after line N.
web_log_since() { since "$LAB_WEB_LOG" "$1"; }

# The leak sink: on the peer's OUTER address (198.18.0.1, reachable from the tool namespace
# without the tunnel), a DNS server on UDP and TCP 53 and two proxies (TCP 3128 for http_proxy,
# 1080 for ALL_PROXY) that answer nothing and log every datagram or connection to
# $LAB_DIR/leak.log. Anything there came from outside the tunnel.
wgcurl_leak_sink_up() {
  LEAK_LOG="$LAB_DIR/leak.log"
  : >"$LEAK_LOG"
  cat >"$LAB_DIR/leak_sink.py" <<'EOF'
import selectors, socket, sys
log_path, ready_path, addr = sys.argv[1], sys.argv[2], sys.argv[3]
sel = selectors.DefaultSelector()
def log(line):
    with open(log_path, "a") as f:
        f.write(line + "\n")
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, 53))
sel.register(udp, selectors.EVENT_READ, "udp")
for port in (53, 3128, 1080):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    sel.register(s, selectors.EVENT_READ, "tcp%d" % port)
open(ready_path, "w").write("ready\n")
while True:
    for key, _ in sel.select(timeout=120):
        if key.data == "udp":
            data, peer = udp.recvfrom(4096)
            log("udp53 %s %d bytes" % (peer[0], len(data)))
        else:
            conn, peer = key.fileobj.accept()
            log("%s %s" % (key.data, peer[0]))
            conn.close()
EOF
  lab_spawn_peer leak python3 -u "$LAB_DIR/leak_sink.py" "$LEAK_LOG" "$LAB_DIR/leak.ready" \
    "$LAB_PEER_OUTER4" || return 1
  wait_for 10 test -s "$LAB_DIR/leak.ready"
}

# wgcurl_poison_resolver: the tool namespace's resolv.conf (what `ip netns exec` mounts over
# /etc/resolv.conf) names the leak sink as its only DNS server. Undone at lab_down, and by
# wgcurl_unpoison_resolver.
wgcurl_poison_resolver() {
  local dir="/etc/netns/$LAB_TOOL_NS"
  if [ ! -d /etc/netns ]; then
    mkdir /etc/netns || return 1
    lab_on_down rmdir --ignore-fail-on-non-empty /etc/netns
  fi
  mkdir -p "$dir" || return 1
  lab_on_down rm -rf "$dir"
  printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$LAB_PEER_OUTER4" >"$dir/resolv.conf"
}
wgcurl_unpoison_resolver() { rm -rf "/etc/netns/$LAB_TOOL_NS"; }

# wgcurl_count_outside_packets start|read|stop: an nftables counter in the tool namespace for
# every packet it sends that is neither loopback, nor WireGuard to the peer's endpoint, nor
# the kernel's own: IPv6 neighbour discovery, and ICMP port-unreachable answering a WireGuard
# keepalive that wireguard-go sent to the UDP port of a wg-curl which has already exited.
# "read" prints the count, "show" the chain with its per-protocol counters.
wgcurl_count_outside_packets() {
  case $1 in
    start)
      lab_tool nft -f - <<EOF
table inet wgcurl_leak {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" accept
    ip daddr $LAB_PEER_OUTER4 udp dport $LAB_WG_PORT accept
    meta l4proto ipv6-icmp accept
    icmp type destination-unreachable accept
    meta l4proto tcp counter
    meta l4proto udp counter
    meta l4proto != { tcp, udp } counter
  }
}
EOF
      ;;
    read)
      lab_tool nft list chain inet wgcurl_leak out |
        sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
      ;;
    show)
      lab_tool nft list chain inet wgcurl_leak out
      ;;
    stop)
      lab_tool nft delete table inet wgcurl_leak
      ;;
  esac
}
