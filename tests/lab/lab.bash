# shellcheck shell=bash
# The interop lab: a real wireguard-go peer with real services behind it, and an empty network
# namespace for the tool under test. Sourced by the Bats suites (setup_file/teardown_file) and
# usable by hand:   source tests/lab/lab.bash; lab_up; lab_tool ...; lab_down
#
# Layout (all of it created here, as root, and removed by lab_down):
#
#   wgn-tool-<id>                         wgn-peer-<id>
#   lo, veth "vtool"  <---- veth ---->    lo, veth "vpeer", TUN "wgl<id>" (wireguard-go)
#   198.18.0.2/24                         198.18.0.1/24    (outer, RFC 2544 benchmarking range)
#   2001:2::2/64                          2001:2::1/64     (outer, RFC 5180 benchmarking range)
#                                         10.77.0.1/24, fd77::1/64 on wgl<id> (tunnel, inner)
#
# The tool namespace has no interface but lo and its veth and no route but the veth's connected
# ones, so anything the tool sends outside the tunnel fails loudly instead of leaking.
# The TUN is named wgl<id>, not wg0: wireguard-go's control socket lives in the (shared)
# /var/run/wireguard/<name>.sock, so two labs at once need distinct names.
#
# Behind the peer, bound to the tunnel addresses only (see services.py):
#   TCP 7 echo, UDP 7 echo, TCP 9000 SHA-256 sink, TCP 9001 source of $LAB_SOURCE (10 MiB),
#   TCP 9002 recorder, TCP 9003 reset (RST after 1 MiB), TCP 9004 repeat (the source N times),
#   TCP 9005 late (answers 1.5 s after the client's EOF), TCP 9006 hold (echo that never closes),
#   DNS on 10.77.0.1:53 (dnsmasq, zone lab.wgnet, every query logged in $LAB_DNS_LOG).
# The peer's TUN also holds 10.77.0.3 ($LAB_PEER_INNER4_B), a second host for tests that need two
# (web2.lab.wgnet); web.lab.wgnet and ssh.lab.wgnet name 10.77.0.1/fd77::1. Extensions
# (tests/lab/web.bash, tests/lab/sshd.bash) start more services with lab_spawn_peer and register
# undo steps with lab_on_down.
#
# Functions: lab_unusable_reason, lab_up [--psk] [--mtu N] [--v6-endpoint], lab_down,
#   lab_tool CMD..., lab_peer CMD..., lab_config_path, lab_write_config FILE [overrides],
#   lab_peer_endpoint, lab_wait_endpoint_change OLD SECS, lab_reset_peer [ENDPOINT],
#   lab_spawn_peer NAME CMD..., lab_on_down CMD....
# Every wait is bounded. lab_down kills only the processes lab_up started (by PID, after
# checking each still lives in the lab's own namespace) and is safe to call twice.

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

LAB_PEER_OUTER4=198.18.0.1
LAB_TOOL_OUTER4=198.18.0.2
LAB_PEER_OUTER6=2001:2::1
LAB_TOOL_OUTER6=2001:2::2
LAB_PEER_INNER4=10.77.0.1
LAB_PEER_INNER4_B=10.77.0.3
LAB_TOOL_INNER4=10.77.0.2
LAB_PEER_INNER6=fd77::1
LAB_TOOL_INNER6=fd77::2
LAB_WG_PORT=51820
LAB_SOURCE_BYTES=$((10 * 1024 * 1024))

# Prints why the lab cannot run here and returns 0, or prints nothing and returns 1.
lab_unusable_reason() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "needs root: the interop lab creates network namespaces and a TUN device"
    return 0
  fi
  local c
  for c in ip wireguard-go wg python3 dnsmasq socat timeout setsid sha256sum; do
    if ! command -v "$c" >/dev/null 2>&1; then
      echo "needs root: '$c' not found (run scripts/setup.sh)"
      return 0
    fi
  done
  if [ ! -c /dev/net/tun ] || ! python3 -c 'import os; os.close(os.open("/dev/net/tun", os.O_RDWR))' 2>/dev/null; then
    echo "needs root: /dev/net/tun is missing or cannot be opened"
    return 0
  fi
  local probe="wgn-probe-$$-$RANDOM"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "needs root: 'ip netns add' does not work here"
    return 0
  fi
  ip netns del "$probe" 2>/dev/null
  return 1
}

# lab__wait SECS CMD...: poll CMD every 50 ms until it succeeds; fail after SECS seconds.
lab__wait() {
  local secs=$1
  shift
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.05
  done
}

lab__die() {
  echo "lab: $*" >&2
  [ -n "${LAB_DIR:-}" ] && [ -f "$LAB_DIR/wireguard-go.log" ] && sed 's/^/lab: wireguard-go: /' "$LAB_DIR/wireguard-go.log" >&2
  lab_down
  return 1
}

# lab__spawn NAME NS CMD...: start CMD inside namespace NS as its own session (so a service that
# forks can be stopped as one group), with no inherited descriptors, and record its PID.
lab__spawn() {
  local name=$1 ns=$2
  shift 2
  local pidfile="$LAB_DIR/$name.pid.spawn"
  rm -f "$pidfile"
  # fd 3 is Bats' output channel: a daemon holding it open would hang the suite.
  ip netns exec "$ns" setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$LAB_DIR/$name.log" 2>&1 3>&- &
  if ! lab__wait 5 test -s "$pidfile"; then
    echo "lab: $name did not start" >&2
    return 1
  fi
  local pid
  pid=$(cat "$pidfile")
  echo "$name $pid" >>"$LAB_DIR/pids"
  eval "LAB_PID_${name//[^A-Za-z0-9]/_}=$pid"
}

lab__pick_id() {
  local id=$$ tries=0
  while ip netns list | grep -qE "^wgn-(peer|tool)-$id( |\$)" ||
    [ -e "/var/run/wireguard/wgl$id.sock" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 50 ] || return 1
    id=$(((RANDOM << 7 ^ RANDOM) % 9000000 + 1000000))
  done
  echo "$id"
}

# lab_up [--psk] [--mtu N] [--v6-endpoint]
lab_up() {
  local psk=0 mtu=1420 v6_endpoint=0
  while [ $# -gt 0 ]; do
    case $1 in
      --psk) psk=1 ;;
      --mtu) mtu=$2; shift ;;
      --v6-endpoint) v6_endpoint=1 ;;
      *) echo "lab_up: unknown option $1" >&2; return 2 ;;
    esac
    shift
  done
  if [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ]; then
    echo "lab_up: a lab is already up in $LAB_DIR" >&2
    return 1
  fi
  local t0=$SECONDS
  local reason
  if reason=$(lab_unusable_reason); then
    echo "lab_up: $reason" >&2
    return 1
  fi

  LAB_ID=$(lab__pick_id) || { echo "lab_up: no free lab id" >&2; return 1; }
  LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wgnet-lab.$LAB_ID.XXXXXX")
  chmod 700 "$LAB_DIR"
  LAB_PEER_NS="wgn-peer-$LAB_ID"
  LAB_TOOL_NS="wgn-tool-$LAB_ID"
  LAB_WG_IF="wgl$LAB_ID"
  LAB_MTU=$mtu
  LAB_CONF="$LAB_DIR/tool.conf"
  LAB_SOURCE="$LAB_DIR/source.bin"
  LAB_DNS_LOG="$LAB_DIR/dnsmasq.log"
  export LAB_ID LAB_DIR LAB_PEER_NS LAB_TOOL_NS LAB_WG_IF LAB_MTU LAB_CONF LAB_SOURCE LAB_DNS_LOG
  # The tools' shared-tunnel agents (wgnet-agent) keep their sockets in $XDG_RUNTIME_DIR/wgnet:
  # one directory per lab, so two labs at once (or the user's own agents) never meet, and the
  # agents die with the lab (lab_down stops every process of the tool namespace by PID).
  XDG_RUNTIME_DIR="$LAB_DIR/run"
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
  printf 'peer_ns=%s\ntool_ns=%s\nwg_if=%s\n' "$LAB_PEER_NS" "$LAB_TOOL_NS" "$LAB_WG_IF" >"$LAB_DIR/state"
  : >"$LAB_DIR/pids"
  # A runner (scripts/test) can name a directory where every lab registers, to clean up labs
  # whose Bats process was killed before teardown_file ran.
  if [ -n "${WGNET_LAB_REGISTRY:-}" ]; then
    mkdir -p "$WGNET_LAB_REGISTRY" && echo "$LAB_DIR" >"$WGNET_LAB_REGISTRY/$LAB_ID"
  fi
  # Outside Bats, clean up however the caller exits (Bats has its own traps; it calls lab_down
  # from teardown_file instead).
  if [ -z "${BATS_RUN_TMPDIR:-}" ] && [ -z "${LAB_NO_TRAP:-}" ]; then
    trap lab_down EXIT
  fi

  # Namespaces and the outer link.
  ip netns add "$LAB_PEER_NS" || lab__die "cannot create $LAB_PEER_NS" || return 1
  ip netns add "$LAB_TOOL_NS" || lab__die "cannot create $LAB_TOOL_NS" || return 1
  ip -n "$LAB_PEER_NS" link set lo up
  ip -n "$LAB_TOOL_NS" link set lo up
  ip link add vpeer netns "$LAB_PEER_NS" type veth peer name vtool netns "$LAB_TOOL_NS" ||
    lab__die "cannot create the veth pair" || return 1
  ip -n "$LAB_PEER_NS" addr add "$LAB_PEER_OUTER4/24" dev vpeer
  ip -n "$LAB_PEER_NS" addr add "$LAB_PEER_OUTER6/64" dev vpeer nodad
  ip -n "$LAB_TOOL_NS" addr add "$LAB_TOOL_OUTER4/24" dev vtool
  ip -n "$LAB_TOOL_NS" addr add "$LAB_TOOL_OUTER6/64" dev vtool nodad
  ip -n "$LAB_PEER_NS" link set vpeer up
  ip -n "$LAB_TOOL_NS" link set vtool up

  # Keys.
  (umask 077
    wg genkey >"$LAB_DIR/peer.key"
    wg genkey >"$LAB_DIR/tool.key"
    wg genpsk >"$LAB_DIR/psk")
  LAB_PEER_PUB=$(wg pubkey <"$LAB_DIR/peer.key")
  LAB_TOOL_PUB=$(wg pubkey <"$LAB_DIR/tool.key")
  LAB_PSK_FILE=""
  [ "$psk" = 1 ] && LAB_PSK_FILE="$LAB_DIR/psk"
  export LAB_PEER_PUB LAB_TOOL_PUB LAB_PSK_FILE

  # The wireguard-go peer.
  lab__spawn wireguard-go "$LAB_PEER_NS" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=verbose \
    wireguard-go -f "$LAB_WG_IF" || lab__die "wireguard-go did not start" || return 1
  lab__wait 10 test -S "/var/run/wireguard/$LAB_WG_IF.sock" ||
    lab__die "wireguard-go did not create its control socket" || return 1
  local set_args=(private-key "$LAB_DIR/peer.key" listen-port "$LAB_WG_PORT"
    peer "$LAB_TOOL_PUB" allowed-ips "$LAB_TOOL_INNER4/32,$LAB_TOOL_INNER6/128")
  [ "$psk" = 1 ] && set_args+=(preshared-key "$LAB_PSK_FILE")
  timeout 10 ip netns exec "$LAB_PEER_NS" wg set "$LAB_WG_IF" "${set_args[@]}" ||
    lab__die "wg set failed" || return 1
  ip -n "$LAB_PEER_NS" addr add "$LAB_PEER_INNER4/24" dev "$LAB_WG_IF"
  ip -n "$LAB_PEER_NS" addr add "$LAB_PEER_INNER4_B/32" dev "$LAB_WG_IF"
  ip -n "$LAB_PEER_NS" addr add "$LAB_PEER_INNER6/64" dev "$LAB_WG_IF" nodad
  ip -n "$LAB_PEER_NS" link set "$LAB_WG_IF" up mtu "$mtu" ||
    lab__die "cannot bring $LAB_WG_IF up" || return 1

  # Services behind the peer.
  head -c "$LAB_SOURCE_BYTES" /dev/urandom >"$LAB_SOURCE"
  LAB_SOURCE_SHA=$(sha256sum "$LAB_SOURCE" | cut -d' ' -f1)
  export LAB_SOURCE_SHA
  lab__spawn services "$LAB_PEER_NS" python3 -u "$LAB_LIB_DIR/services.py" --dir "$LAB_DIR" \
    --source "$LAB_SOURCE" --ready "$LAB_DIR/services.ready" "$LAB_PEER_INNER4" "$LAB_PEER_INNER6" ||
    lab__die "services did not start" || return 1
  lab__wait 10 test -s "$LAB_DIR/services.ready" ||
    lab__die "services did not bind: $(cat "$LAB_DIR/services.log" 2>/dev/null)" || return 1
  lab__spawn dnsmasq "$LAB_PEER_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --user=root --group=root --pid-file="$LAB_DIR/dnsmasq.pid" \
    --no-resolv --no-hosts --local=/lab.wgnet/ \
    --host-record=echo.lab.wgnet,"$LAB_PEER_INNER4","$LAB_PEER_INNER6" \
    --host-record=v4only.lab.wgnet,"$LAB_PEER_INNER4" \
    --host-record=v6only.lab.wgnet,"$LAB_PEER_INNER6" \
    --host-record=web.lab.wgnet,"$LAB_PEER_INNER4","$LAB_PEER_INNER6" \
    --host-record=web2.lab.wgnet,"$LAB_PEER_INNER4_B" \
    --host-record=ssh.lab.wgnet,"$LAB_PEER_INNER4","$LAB_PEER_INNER6" \
    --mx-host=lab.wgnet,mail.lab.wgnet,10 --cname=www.lab.wgnet,echo.lab.wgnet \
    --txt-record=txt.lab.wgnet,"hello wgnet","second string" \
    --txt-record=big.lab.wgnet,"$(lab__big_txt)" \
    --srv-host=_echo._tcp.lab.wgnet,echo.lab.wgnet,7,0,5 \
    --dns-rr=lab.wgnet,257,000569737375656C657473656E63727970742E6F7267 \
    --listen-address="$LAB_PEER_INNER4" --bind-interfaces \
    --log-queries=extra --log-facility="$LAB_DNS_LOG" ||
    lab__die "dnsmasq did not start" || return 1
  lab__wait 10 lab__dns_bound || lab__die "dnsmasq did not bind: $(cat "$LAB_DIR/dnsmasq.log")" || return 1

  local endpoint="$LAB_PEER_OUTER4:$LAB_WG_PORT"
  [ "$v6_endpoint" = 1 ] && endpoint="[$LAB_PEER_OUTER6]:$LAB_WG_PORT"
  LAB_ENDPOINT=$endpoint
  export LAB_ENDPOINT
  lab_write_config "$LAB_CONF"
  LAB_UP_SECONDS=$((SECONDS - t0))
  export LAB_UP_SECONDS
}

# wg-dig's truncation test: a TXT record set of six 250-byte strings (~1.5 KB), larger than a
# 512-byte plain DNS reply and than dnsmasq's 1232-byte EDNS limit, so UDP replies come with TC=1.
lab__big_txt() {
  local i out=""
  for i in 0 1 2 3 4 5; do
    out+="${out:+,}t$i-$(printf '%0247d' 0)"
  done
  echo "$out"
}

lab__dns_bound() {
  ip netns exec "$LAB_PEER_NS" ss -Hlun "sport = :53" | grep -q "$LAB_PEER_INNER4:53"
}

# lab_write_config FILE [public_key=KEY] [psk_file=FILE|none] [endpoint=HOST:PORT|none]
#                  [listen_port=N]
#   Writes the tool's wg-quick config (mode 0600). Overrides make the broken variants tests need.
lab_write_config() {
  local file=$1
  shift
  local pub=$LAB_PEER_PUB psk_file=$LAB_PSK_FILE endpoint=$LAB_ENDPOINT listen_port="" kv
  for kv in "$@"; do
    case $kv in
      public_key=*) pub=${kv#*=} ;;
      psk_file=none) psk_file="" ;;
      psk_file=*) psk_file=${kv#*=} ;;
      endpoint=none) endpoint="" ;;
      endpoint=*) endpoint=${kv#*=} ;;
      listen_port=*) listen_port=${kv#*=} ;;
      *) echo "lab_write_config: unknown override $kv" >&2; return 2 ;;
    esac
  done
  (umask 077
    {
      echo "[Interface]"
      echo "PrivateKey = $(cat "$LAB_DIR/tool.key")"
      echo "Address = $LAB_TOOL_INNER4/32, $LAB_TOOL_INNER6/128"
      echo "DNS = $LAB_PEER_INNER4, lab.wgnet"
      [ "$LAB_MTU" != 1420 ] && echo "MTU = $LAB_MTU"
      [ -n "$listen_port" ] && echo "ListenPort = $listen_port"
      echo
      echo "[Peer]"
      echo "PublicKey = $pub"
      [ -n "$psk_file" ] && echo "PresharedKey = $(cat "$psk_file")"
      [ -n "$endpoint" ] && echo "Endpoint = $endpoint"
      echo "AllowedIPs = 10.77.0.0/24, fd77::/64"
    } >"$file")
  chmod 600 "$file"
}

# lab_reset_peer [ENDPOINT]: remove the tool's peer from wireguard-go and add it back (same keys,
# optionally with an endpoint), dropping every session, so the next packet needs a handshake.
lab_reset_peer() {
  local args=(peer "$LAB_TOOL_PUB" allowed-ips "$LAB_TOOL_INNER4/32,$LAB_TOOL_INNER6/128")
  [ -n "$LAB_PSK_FILE" ] && args+=(preshared-key "$LAB_PSK_FILE")
  [ -n "${1:-}" ] && args+=(endpoint "$1")
  timeout 10 ip netns exec "$LAB_PEER_NS" wg set "$LAB_WG_IF" peer "$LAB_TOOL_PUB" remove &&
    timeout 10 ip netns exec "$LAB_PEER_NS" wg set "$LAB_WG_IF" "${args[@]}"
}

lab_config_path() { echo "$LAB_CONF"; }

# lab_spawn_peer NAME CMD...: start a service inside the peer namespace; lab_down stops it (by
# PID). Its output goes to $LAB_DIR/NAME.log; its PID is in $LAB_PID_<NAME>.
lab_spawn_peer() {
  local name=$1
  shift
  lab__spawn "$name" "$LAB_PEER_NS" "$@"
}

# lab_on_down CMD...: one command (quoted as given) for lab_down to run before it removes the
# namespaces, e.g. to delete a user account an extension created. Runs in reverse order.
lab_on_down() {
  printf '%q ' "$@" >>"$LAB_DIR/on-down"
  printf '\n' >>"$LAB_DIR/on-down"
}
lab_tool() { ip netns exec "$LAB_TOOL_NS" "$@"; }
lab_peer() { ip netns exec "$LAB_PEER_NS" "$@"; }

# The tool's outer address and port as wireguard-go last saw it ("(none)" before any handshake).
lab_peer_endpoint() {
  timeout 5 wg show "$LAB_WG_IF" endpoints | awk '{print $2}'
}

# lab_wait_endpoint_change OLD SECS: wait until wireguard-go's endpoint for the tool is not OLD,
# i.e. a newly started tool process has completed a handshake.
lab_wait_endpoint_change() {
  local old=$1 secs=$2
  lab__wait "$secs" lab__endpoint_is_not "$old"
}
lab__endpoint_is_not() {
  local now
  now=$(lab_peer_endpoint)
  [ -n "$now" ] && [ "$now" != "(none)" ] && [ "$now" != "$1" ]
}

# lab__stop PID NS: stop a process group we started, if PID still lives in our namespace.
lab__stop() {
  local pid=$1 ns=$2 i
  [ -d "/proc/$pid" ] || return 0
  [ "$(ip netns identify "$pid" 2>/dev/null)" = "$ns" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 60); do
    [ -d "/proc/$pid" ] || return 0
    sleep 0.05
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
}

lab_down() {
  [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ] || return 0
  local name pid ns pns tns wif
  pns=$(sed -n 's/^peer_ns=//p' "$LAB_DIR/state" 2>/dev/null)
  tns=$(sed -n 's/^tool_ns=//p' "$LAB_DIR/state" 2>/dev/null)
  wif=$(sed -n 's/^wg_if=//p' "$LAB_DIR/state" 2>/dev/null)
  if [ -f "$LAB_DIR/pids" ]; then
    while read -r name pid; do
      [ -n "$pid" ] && lab__stop "$pid" "$pns"
    done <"$LAB_DIR/pids"
  fi
  # Anything still inside our own namespaces was started by this lab (a service's child, a
  # tool a test left behind): stop it by PID too, or the namespace would outlive its deletion.
  for ns in "$pns" "$tns"; do
    [ -n "$ns" ] || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      lab__stop "$pid" "$ns"
    done
  done
  # Undo steps of extensions, after their processes are gone.
  if [ -f "$LAB_DIR/on-down" ]; then
    tac "$LAB_DIR/on-down" | while read -r line; do
      eval "$line" || echo "lab: cleanup step failed: $line" >&2
    done
  fi
  for ns in "$pns" "$tns"; do
    [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
  done
  [ -n "$wif" ] && rm -f "/var/run/wireguard/$wif.sock"
  if [ -n "${LAB_KEEP:-}" ]; then
    echo "lab: kept $LAB_DIR" >&2
  else
    rm -rf "$LAB_DIR"
  fi
  [ -n "${WGNET_LAB_REGISTRY:-}" ] && rm -f "$WGNET_LAB_REGISTRY/${LAB_ID:-none}"
  LAB_DIR=""
  return 0
}

# lab_reap_registered: lab_down every lab still listed in $WGNET_LAB_REGISTRY (labs whose suite
# was killed before its teardown). Only labs that registered there, i.e. this runner's own.
lab_reap_registered() {
  [ -n "${WGNET_LAB_REGISTRY:-}" ] && [ -d "$WGNET_LAB_REGISTRY" ] || return 0
  local entry
  for entry in "$WGNET_LAB_REGISTRY"/*; do
    [ -f "$entry" ] || continue
    LAB_ID=$(basename "$entry")
    LAB_DIR=$(cat "$entry")
    echo "lab: cleaning up lab $LAB_ID left behind in $LAB_DIR" >&2
    lab_down
    rm -f "$entry"
  done
}
