#!/usr/bin/env bash
# Lossy-link benchmark (issue 10): wg-nc's TCP (lwIP in the process) against kernel TCP over a
# wireguard-go TUN, on the same veth, through the same impairment, to the same lab services.
# A benchmark, not a test: run it by hand, as root:   bench/lossy_link.sh
#
#   tool ns                                     peer ns (tests/lab/lab.bash)
#   wg-nc (10.77.0.2) ----------------------+
#                                           +--> [relay :51821 / :51822] --> wireguard-go :51820
#   socat -> TUN wgk<id> (10.77.0.4)        |    (or straight to :51820 when "direct")
#          wireguard-go (own key) ----------+    --> TUN wgl<id> --> services.py
#
# Each path has its own relay with the same options (delay, loss, seed), so each path's counters
# are its own. Per scenario (direct; N ms each way with 0.1% loss; the same with 1% loss) it
# uploads a file to the SHA-256 sink (TCP 9000, which answers with the digest) and downloads the
# lab's source file (TCP 9001, digest known), BENCH_RUNS times per path, alternating the paths,
# checks every digest and prints a markdown table of MB/s (10^6 bytes per second, wall clock of
# the client process; wg-nc's time includes its handshake, the kernel path's tunnel is warmed up
# first; the median, the lower middle for an even BENCH_RUNS), the ratio wgnet/kernel, the UDP
# datagrams dropped for full receive buffers in each namespace, then each relay's counters and
# which long-lived sockets dropped datagrams.
#
# Environment (defaults: issue 10's table, about 5 minutes on 2 cores):
#   WGNET_BUILD           build directory (default: build/ beside this script's parent)
#   BENCH_DIRECT_UP_MIB   upload size on the direct path (256)
#   BENCH_LOSSY_UP_MIB    upload size through the relay (32)
#   BENCH_DOWN_MIB        download size, every scenario (10)
#   BENCH_DELAY_MS        relay delay each way (10)
#   BENCH_LOSSES          loss percentages, one relayed scenario each ("0.1 1")
#   BENCH_SEED            relay seed (1)
#   BENCH_RUNS            transfers per path and row; the table shows the median (3)
#   BENCH_TIMEOUT         bound of one transfer in seconds (150)
#   BENCH_BUDGET          bound of all transfers in seconds (600): later ones are skipped
#   BENCH_HARSH_UP_MIB    after the table's scenarios, one upload of this size per path through
#                         BENCH_HARSH (0: none; issue 10's soak is 1024: about 15 minutes)
#   BENCH_HARSH           relay options of that run ("--loss 5 --reorder 5 --reorder-ms 15
#                         --dup 1", with BENCH_DELAY_MS and BENCH_SEED); its bound is
#                         BENCH_HARSH_TIMEOUT seconds per transfer (900), outside BENCH_BUDGET
# Exit status: 0, 1 when a transfer had no figure (timeout, failure, wrong digest, over budget) or
# the lab did not come up, 2 when it cannot run here (not root, bad BENCH_* value).
# Traffic stays inside the lab's namespaces (198.18.0.0/24 outer, 10.77.0.0/24 inner); every
# process this starts is stopped by PID on exit (the lab's lab_down does the rest).
set -u

BENCH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "lossy_link.sh: needs root (it creates network namespaces and TUN devices)" >&2
  exit 2
fi

DIRECT_UP_MIB=${BENCH_DIRECT_UP_MIB:-256}
LOSSY_UP_MIB=${BENCH_LOSSY_UP_MIB:-32}
DOWN_MIB=${BENCH_DOWN_MIB:-10}
DELAY_MS=${BENCH_DELAY_MS:-10}
LOSSES=${BENCH_LOSSES:-0.1 1}
SEED=${BENCH_SEED:-1}
TIMEOUT=${BENCH_TIMEOUT:-150}
BUDGET=${BENCH_BUDGET:-600}
RUNS=${BENCH_RUNS:-3}
HARSH_UP_MIB=${BENCH_HARSH_UP_MIB:-0}
HARSH=${BENCH_HARSH:---loss 5 --reorder 5 --reorder-ms 15 --dup 1}
HARSH_TIMEOUT=${BENCH_HARSH_TIMEOUT:-900}
for v in RUNS DIRECT_UP_MIB LOSSY_UP_MIB DOWN_MIB DELAY_MS SEED TIMEOUT BUDGET HARSH_UP_MIB \
  HARSH_TIMEOUT; do
  case ${!v} in
    '' | *[!0-9]*) echo "lossy_link.sh: BENCH_$v must be a whole number, not '${!v}'" >&2; exit 2 ;;
  esac
done
[ "$RUNS" -ge 1 ] || { echo "lossy_link.sh: BENCH_RUNS must be at least 1" >&2; exit 2; }
for loss in $LOSSES; do
  case $loss in
    *[!0-9.]* | *.*.* | . | '') echo "lossy_link.sh: BENCH_LOSSES: '$loss' is not a percentage" >&2; exit 2 ;;
  esac
done

export WGNET_BUILD=${WGNET_BUILD:-$BENCH_TOP/build}
case $WGNET_BUILD in /*) ;; *) WGNET_BUILD="$PWD/$WGNET_BUILD" ;; esac
WGNC="$WGNET_BUILD/tools/wg-nc/wg-nc"
# Each run's own in-process tunnel, handshake included (as measured before the shared agent).
export WGNET_NO_SHARE=1

# shellcheck source=tests/lab/lab.bash
source "$BENCH_TOP/tests/lab/lab.bash"
# shellcheck source=tests/lab/relay.bash
source "$BENCH_TOP/tests/lab/relay.bash"
RELAY_BIN=$(lab__relay_binary)

for bin in "$WGNC" "$RELAY_BIN"; do
  if [ ! -x "$bin" ]; then
    echo "lossy_link.sh: $bin is missing (build the wg-nc and wgnet-udp-relay targets)" >&2
    exit 1
  fi
done
if reason=$(lab_unusable_reason); then
  echo "lossy_link.sh: $reason" >&2
  exit 2
fi

KERN_INNER4=10.77.0.4
KERN_RELAY_PORT=$((LAB_RELAY_PORT + 1))
KERN_PID=""
KERN_RELAY_PID=""

bench_cleanup() {
  kern_relay_down >/dev/null
  lab_relay_down >/dev/null
  if [ -n "$KERN_PID" ]; then
    lab__stop "$KERN_PID" "$LAB_TOOL_NS"
    rm -f "/var/run/wireguard/$KERN_IF.sock"
    KERN_PID=""
  fi
  lab_down
}

# The kernel reference path: a second wireguard-go, on a TUN in the tool namespace, as one more
# peer of the lab's wireguard-go with its own key and inner address.
kern_up() {
  KERN_IF="wgk$LAB_ID"
  (umask 077 && wg genkey >"$LAB_DIR/kern.key")
  local pub
  pub=$(wg pubkey <"$LAB_DIR/kern.key")
  lab__spawn kern-wireguard-go "$LAB_TOOL_NS" env WG_PROCESS_FOREGROUND=1 \
    wireguard-go -f "$KERN_IF" || return 1
  # shellcheck disable=SC2154 # set by lab__spawn
  KERN_PID=$LAB_PID_kern_wireguard_go
  lab__wait 10 test -S "/var/run/wireguard/$KERN_IF.sock" || return 1
  timeout 10 ip netns exec "$LAB_PEER_NS" wg set "$LAB_WG_IF" \
    peer "$pub" allowed-ips "$KERN_INNER4/32" || return 1
  timeout 10 ip netns exec "$LAB_TOOL_NS" wg set "$KERN_IF" private-key "$LAB_DIR/kern.key" \
    peer "$LAB_PEER_PUB" endpoint "$LAB_PEER_OUTER4:$LAB_WG_PORT" allowed-ips 10.77.0.0/24 ||
    return 1
  ip -n "$LAB_TOOL_NS" addr add "$KERN_INNER4/32" dev "$KERN_IF" &&
    ip -n "$LAB_TOOL_NS" link set "$KERN_IF" up mtu "$LAB_MTU" &&
    ip -n "$LAB_TOOL_NS" route add 10.77.0.0/24 dev "$KERN_IF"
}

kern_endpoint() {
  timeout 10 ip netns exec "$LAB_TOOL_NS" wg set "$KERN_IF" peer "$LAB_PEER_PUB" endpoint "$1"
}

# A small echo through the kernel path, so its handshake is not part of the first measurement.
kern_warm_up() {
  local i
  for i in 1 2 3; do
    [ "$(echo hi | timeout 10 ip netns exec "$LAB_TOOL_NS" socat -t 5 - \
      "TCP:$LAB_PEER_INNER4:7,connect-timeout=8" 2>/dev/null)" = hi ] && return 0
  done
  echo "lossy_link.sh: the kernel path does not answer (warm-up echo failed)" >&2
  return 1
}

# kern_relay_up RELAY OPTIONS...: the kernel path's own relay, options as the wgnet path's.
kern_relay_up() {
  rm -f "$LAB_DIR/relay-kernel.ready" "$LAB_DIR/relay-kernel.log"
  lab__spawn relay-kernel "$LAB_PEER_NS" "$RELAY_BIN" \
    --listen "$LAB_PEER_OUTER4:$KERN_RELAY_PORT" --upstream "127.0.0.1:$LAB_WG_PORT" \
    --ready "$LAB_DIR/relay-kernel.ready" "$@" || return 1
  # shellcheck disable=SC2154 # set by lab__spawn
  KERN_RELAY_PID=$LAB_PID_relay_kernel
  lab__wait 5 test -s "$LAB_DIR/relay-kernel.ready"
}
kern_relay_down() {
  [ -n "$KERN_RELAY_PID" ] || return 0
  lab__stop "$KERN_RELAY_PID" "$LAB_PEER_NS"
  KERN_RELAY_PID=""
  grep '^wgnet-udp-relay:' "$LAB_DIR/relay-kernel.log" 2>/dev/null
}

# UdpRcvbufErrors of a namespace (datagrams dropped because a socket's receive buffer was full).
rcvbuf_errors() {
  # shellcheck disable=SC2016 # an awk program
  ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
    else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# UDP datagrams dropped for a full receive buffer in both namespaces (wireguard-go's socket, wg-nc's
# and the relays'): on the direct path these are the only losses.
udp_drops() {
  echo "$(rcvbuf_errors "$LAB_PEER_NS") $(rcvbuf_errors "$LAB_TOOL_NS")"
}
# drops_between "P0 T0" "P1 T1": peer/tool drops between two udp_drops readings.
drops_between() {
  local p0 t0 p1 t1
  read -r p0 t0 <<<"$1"
  read -r p1 t1 <<<"$2"
  echo "$((p1 - p0)) $((t1 - t0))"
}

BENCH_T0=$SECONDS
# transfer_timeout: this transfer's bound, at most what is left of the budget.
transfer_timeout() {
  local left=$((BUDGET - (SECONDS - BENCH_T0)))
  [ "$left" -lt "$TIMEOUT" ] && echo "$left" || echo "$TIMEOUT"
}

# measure EXPECTED_SHA BYTES CMD...: runs CMD (a pipeline's last stage prints the digest as its
# first word) under the transfer bound and prints MB/s, or why there is no figure.
measure() {
  local expect=$1 bytes=$2
  shift 2
  local secs
  secs=$(transfer_timeout)
  if [ "$secs" -le 0 ]; then
    echo "skipped"
    return
  fi
  local t0 t1 out rc
  t0=$(date +%s%N)
  out=$("$@" "$secs" 2>>"$LAB_DIR/bench.err")
  rc=$?
  t1=$(date +%s%N)
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "timeout"
  elif [ "$rc" != 0 ]; then
    echo "failed($rc)"
  elif [ "${out%% *}" != "$expect" ]; then
    echo "bad-sha"
  else
    awk -v b="$bytes" -v ns="$((t1 - t0))" 'BEGIN { printf "%.2f\n", b * 1000 / ns }'
  fi
}

# The four transfers; the last argument of each is its bound in seconds.
wgnet_upload() {
  timeout -k 5 "$2" ip netns exec "$LAB_TOOL_NS" "$WGNC" -c "$LAB_CONF" -N \
    "$LAB_PEER_INNER4" 9000 <"$1"
}
kern_upload() {
  timeout -k 5 "$2" ip netns exec "$LAB_TOOL_NS" socat -t "$2" - "TCP:$LAB_PEER_INNER4:9000" <"$1"
}
wgnet_download() {
  set -o pipefail
  timeout -k 5 "$1" ip netns exec "$LAB_TOOL_NS" "$WGNC" -c "$LAB_CONF" \
    "$LAB_PEER_INNER4" 9001 </dev/null | sha256sum
}
kern_download() {
  set -o pipefail
  timeout -k 5 "$1" ip netns exec "$LAB_TOOL_NS" socat -u "TCP:$LAB_PEER_INNER4:9001" - |
    sha256sum
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'
}

ROWS=()
COUNTERS=()
FAILED=0 # 1 once a transfer timed out, failed, had a wrong digest or was skipped
# run_pair LABEL KIND(upload|download) [FILE SHA BYTES]
# summary VALUE...: "median (min-max)" of MB/s figures, or the failures when any run failed.
summary() {
  local v bad=()
  for v in "$@"; do
    case $v in *[!0-9.]*) bad+=("$v") ;; esac
  done
  if [ "${#bad[@]}" -gt 0 ]; then
    echo "${bad[*]} ($# runs)"
    return
  fi
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { m = v[int((NR + 1) / 2)]; if (NR == 1) print m; else printf "%s (%s-%s)\n", m, v[1], v[NR] }'
}
median_of() { echo "${1%% *}"; }

ROWS=()
COUNTERS=()
FAILED=0 # 1 once a transfer timed out, failed, had a wrong digest or was skipped
# run_pair LABEL KIND(upload|download) [FILE SHA BYTES]: RUNS transfers per path, alternating.
run_pair() {
  local label=$1 kind=$2 i w=() k=() d0 d1 pw=0 tw=0 pk=0 tk=0 p t
  echo "# $label ..." >&2
  for i in $(seq 1 "$RUNS"); do
    d0=$(udp_drops)
    if [ "$kind" = upload ]; then
      w+=("$(measure "$4" "$5" wgnet_upload "$3")")
    else
      w+=("$(measure "$LAB_SOURCE_SHA" "$LAB_SOURCE_BYTES" wgnet_download)")
    fi
    d1=$(udp_drops)
    read -r p t <<<"$(drops_between "$d0" "$d1")"
    pw=$((pw + p)) tw=$((tw + t))
    if [ "$kind" = upload ]; then
      k+=("$(measure "$4" "$5" kern_upload "$3")")
    else
      k+=("$(measure "$LAB_SOURCE_SHA" "$LAB_SOURCE_BYTES" kern_download)")
    fi
    read -r p t <<<"$(drops_between "$d1" "$(udp_drops)")"
    pk=$((pk + p)) tk=$((tk + t))
    echo "#   run $i: wgnet ${w[-1]}, kernel ${k[-1]}" >&2
  done
  case " ${w[*]} ${k[*]} " in *[!0-9.\ ]*) FAILED=1 ;; esac
  local ws ks
  ws=$(summary "${w[@]}")
  ks=$(summary "${k[@]}")
  ROWS+=("| $label | $ws | $ks | $(ratio "$(median_of "$ws")" "$(median_of "$ks")") | $pw/$tw, $pk/$tk |")
}

# socket_drops SCENARIO: the UDP sockets of both namespaces that dropped datagrams for a full
# receive buffer (skmem d<N>), with their owner, e.g. to tell wireguard-go's from a relay's.
socket_drops() {
  local ns
  for ns in "$LAB_PEER_NS" "$LAB_TOOL_NS"; do
    ip netns exec "$ns" ss -Huanmp 2>/dev/null | awk -v s="$1" -v n="${ns%%-[0-9]*}" '
      /users:/ { sock = $4; match($0, /"[^"]+"/); who = substr($0, RSTART + 1, RLENGTH - 2) }
      /skmem:/ { if (match($0, /,d[0-9]+\)/)) { d = substr($0, RSTART + 2, RLENGTH - 3)
        if (d > 0) printf "| %s | %s | %s %s | %s |\n", s, n, who, sock, d } }'
  done
}
SOCKDROPS=()

# make_payload MIB: a random file of MIB MiB; prints its path and digest.
make_payload() {
  local f="$LAB_DIR/up-$1.bin"
  [ -f "$f" ] || head -c "$(($1 * 1024 * 1024))" /dev/urandom >"$f"
  echo "$f $(sha256sum <"$f" | cut -d' ' -f1)"
}

# counters_row SCENARIO PATH RELAY_LINES: one row of the counters table.
counters_row() {
  printf '%s\n' "$3" | awk -v s="$1" -v p="$2" '
    function pct(l, r) { return r > 0 ? sprintf("%d (%.2f%%)", l, 100 * l / r) : l }
    / to upstream: / { ur = $5; ul = $9; uq = $15 }
    / to clients: /  { cr = $5; cl = $9; cq = $15 }
    END { printf "| %s | %s | %s | %s | %s | %s | %d |\n", s, p, ur, pct(ul, ur), cr, pct(cl, cr), uq + cq }'
}

# lab_up must not set its own EXIT trap: bench_cleanup (which ends with lab_down) is ours.
# shellcheck disable=SC2034
LAB_NO_TRAP=1
LAB_SOURCE_BYTES=$((DOWN_MIB * 1024 * 1024))
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck disable=SC2119 # the lab's default options
lab_up || exit 1
kern_up || { echo "lossy_link.sh: the kernel path did not come up" >&2; exit 1; }
kern_warm_up || exit 1

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

read -r file sha <<<"$(make_payload "$DIRECT_UP_MIB")"
run_pair "upload $DIRECT_UP_MIB MiB, direct" upload "$file" "$sha" $((DIRECT_UP_MIB * 1024 * 1024))
run_pair "download $DOWN_MIB MiB, direct" download
mapfile -t -O "${#SOCKDROPS[@]}" SOCKDROPS < <(socket_drops direct)
rm -f "$file"

read -r file sha <<<"$(make_payload "$LOSSY_UP_MIB")"
for loss in $LOSSES; do
  opts=(--delay-ms "$DELAY_MS" --loss "$loss" --seed "$SEED" --idle-seconds 900
    --max-seconds $((BUDGET + 300)))
  lab_relay_up "${opts[@]}" || exit 1
  kern_relay_up "${opts[@]}" || { echo "lossy_link.sh: the kernel path's relay did not start" >&2; exit 1; }
  kern_endpoint "$LAB_PEER_OUTER4:$KERN_RELAY_PORT" || exit 1
  where="${DELAY_MS} ms each way, $loss% loss"
  run_pair "download $DOWN_MIB MiB, $where" download
  run_pair "upload $LOSSY_UP_MIB MiB, $where" upload "$file" "$sha" $((LOSSY_UP_MIB * 1024 * 1024))
  mapfile -t -O "${#SOCKDROPS[@]}" SOCKDROPS < <(socket_drops "$where")
  COUNTERS+=("$(counters_row "$where" wgnet "$(lab_relay_down)")")
  COUNTERS+=("$(counters_row "$where" kernel "$(kern_relay_down)")")
done

# The soak: one large upload per path through loss, reordering and duplication at once (issue
# 10: "1 GiB through 5% loss + reorder + duplication completes intact"), outside the budget.
if [ "$HARSH_UP_MIB" -gt 0 ]; then
  read -r file sha <<<"$(make_payload "$HARSH_UP_MIB")"
  # shellcheck disable=SC2206 # relay options, split on purpose
  opts=(--delay-ms "$DELAY_MS" --seed "$SEED" $HARSH --idle-seconds 900
    --max-seconds $((2 * HARSH_TIMEOUT + 300)))
  lab_relay_up "${opts[@]}" || exit 1
  kern_relay_up "${opts[@]}" || { echo "lossy_link.sh: the kernel path's relay did not start" >&2; exit 1; }
  kern_endpoint "$LAB_PEER_OUTER4:$KERN_RELAY_PORT" || exit 1
  where="${DELAY_MS} ms each way, $HARSH"
  RUNS=1 TIMEOUT=$HARSH_TIMEOUT BUDGET=$((SECONDS - BENCH_T0 + 2 * HARSH_TIMEOUT)) \
    run_pair "upload $HARSH_UP_MIB MiB, $where" upload "$file" "$sha" $((HARSH_UP_MIB * 1024 * 1024))
  mapfile -t -O "${#SOCKDROPS[@]}" SOCKDROPS < <(socket_drops "$where")
  COUNTERS+=("$(counters_row "$where" wgnet "$(lab_relay_down)")")
  COUNTERS+=("$(counters_row "$where" kernel "$(kern_relay_down)")")
  rm -f "$file"
fi

echo
echo "Lossy-link benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
  "load average before ${LOAD_BEFORE}, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "MB/s: median of $RUNS runs (min-max); UDP drops: datagrams dropped for a full socket receive"
echo "buffer during that path's runs, in the peer namespace/the tool namespace."
echo
echo "| MB/s | wgnet (wg-nc) | kernel TCP over wireguard-go TUN | wgnet/kernel | UDP drops wgnet, kernel |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [ "${#COUNTERS[@]}" -gt 0 ]; then
  echo
  echo "| relay | path | to peer: received | lost | to tool: received | lost | queue-full |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${COUNTERS[@]}"
fi
if [ "${#SOCKDROPS[@]}" -gt 0 ]; then
  echo
  echo "Sockets still open at the end of a scenario that dropped datagrams (counted since they opened):"
  echo
  echo "| scenario | namespace | socket | receive-buffer drops |"
  echo "|---|---|---|---|"
  printf '%s\n' "${SOCKDROPS[@]}"
fi
if [ -s "$LAB_DIR/bench.err" ]; then
  echo
  echo "stderr of the transfers:"
  sed 's/^/  /' "$LAB_DIR/bench.err"
fi
if [ "$FAILED" = 1 ]; then
  echo "lossy_link.sh: some transfers have no figure (see the table)" >&2
  exit 1
fi
