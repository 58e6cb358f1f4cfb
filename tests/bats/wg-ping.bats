#!/usr/bin/env bats
# wg-ping against the real lab (tests/lab/lab.bash): the peer namespace's kernel answers ICMP on
# wireguard-go's TUN (10.77.0.1, fd77::1), so every reply came through the tunnel from a real
# stack. Real ping (iputils-ping) runs in the peer namespace against the same addresses and gives
# the reference output: wg-ping's lines must have the same shape (numbers aside). "self:" tests
# ping the built-in demo peer (libwgnet: lwIP's own echo reply) over loopback and need no root;
# "offline:" tests stop before any traffic; "loopback:" tests send only to 127.0.0.1. Issue 12.

# Normal build only (scripts/test runs the sanitizer pass without it): wg-ping's own code is unit-
# tested under the sanitizers; its tunnel path is wg-nc's.
# bats file_tags=plain-build-only

load ../lab/wgnc

WGPING="$wgnc__build/tools/wg-ping/wg-ping"
WGPING_TIMEOUT=${WGPING_TIMEOUT:-60}
DEMO_BIN="$wgnc__build/tools/wgnet-demo-peer/wgnet-demo-peer"
# shellcheck source=tests/lab/demo.bash
source "$BATS_TEST_DIRNAME/../lab/demo.bash"

setup_file() {
  lab_require_binary wg-ping "$WGPING" || return 1
  demo_start
  if ! command -v ping >/dev/null 2>&1; then
    export WGNC_SKIP="needs real ping for the reference output (apt-get install iputils-ping)"
    return 0
  fi
  lab_setup_file
}

teardown_file() {
  demo_stop
  lab_teardown_file
}

setup() {
  if [[ $BATS_TEST_DESCRIPTION == offline:* || $BATS_TEST_DESCRIPTION == loopback:* ]]; then
    return 0
  elif [[ $BATS_TEST_DESCRIPTION == self:* ]]; then
    if [ -n "${DEMO_SKIP:-}" ]; then skip "$DEMO_SKIP"; fi
  else
    wgnc_skip_if_unusable
  fi
}

# wg_ping ARGS...: wg-ping with the lab's config, in the tool namespace, bounded in time.
wg_ping() { lab_tool_timeout "$WGPING_TIMEOUT" "$WGPING" --wg-config "$LAB_CONF" "$@"; }
# real_ping ARGS...: iputils ping in the peer namespace (its own tunnel addresses: loopback).
real_ping() { timeout -k 5 30 ip netns exec "$LAB_PEER_NS" ping "$@"; }
# shape: every number becomes N, so two runs' lines compare by form alone.
shape() { sed -E 's/[0-9]+(\.[0-9]+)?/N/g'; }
# same_shape_as_real_ping ARGS...: $output (wg-ping's) has the shape of real ping's with ARGS.
same_shape_as_real_ping() {
  local mine theirs
  mine=$(printf '%s\n' "$output" | shape)
  theirs=$(real_ping "$@" | shape)
  [ "$mine" = "$theirs" ] || fail "$(printf 'shapes differ\n-- wg-ping --\n%s\n-- ping --\n%s' "$mine" "$theirs")"
}

@test "-c 3 10.77.0.1: three replies from the peer's kernel, in real ping's line shapes" {
  run --separate-stderr wg_ping -c 3 -i 0.2 10.77.0.1
  assert_success
  assert_line --index 0 'PING 10.77.0.1 (10.77.0.1) 56(84) bytes of data.'
  assert_line --regexp '^64 bytes from 10\.77\.0\.1: icmp_seq=1 ttl=64 time=[0-9.]+ ms$'
  assert_line --regexp '^64 bytes from 10\.77\.0\.1: icmp_seq=3 ttl=64 time=[0-9.]+ ms$'
  assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$'
  same_shape_as_real_ping -c 3 -i 0.2 10.77.0.1
}

@test "IPv6 fd77::1: ping6's header and reply lines" {
  run --separate-stderr wg_ping -c 2 -i 0.2 fd77::1
  assert_success
  assert_line --index 0 'PING fd77::1(fd77::1) 56 data bytes'
  assert_line --regexp '^64 bytes from fd77::1: icmp_seq=2 ttl=64 time=[0-9.]+ ms$'
  same_shape_as_real_ping -c 2 -i 0.2 fd77::1
}

@test "-s 1000 and -s 3000 (above the 1420 MTU: IP fragments both ways), v4 and v6" {
  local to size
  for to in 10.77.0.1 fd77::1; do
    for size in 1000 3000; do
      run --separate-stderr wg_ping -c 1 -s "$size" "$to"
      assert_success
      assert_line --regexp "^$((size + 8)) bytes from $to: icmp_seq=1 ttl=64 time=[0-9.]+ ms\$"
    done
  done
}

@test "-s 8: no timestamp room, so no time= and no rtt line, as ping" {
  run --separate-stderr wg_ping -c 1 -s 8 10.77.0.1
  assert_success
  assert_line --index 0 'PING 10.77.0.1 (10.77.0.1) 8(36) bytes of data.'
  assert_line --index 1 '16 bytes from 10.77.0.1: icmp_seq=1 ttl=64'
  refute_line --partial 'rtt min/avg/max/mdev'
  same_shape_as_real_ping -c 1 -s 8 10.77.0.1
}

@test "a host name resolves through the tunnel's DNS" {
  run --separate-stderr wg_ping -4 -c 1 web.lab.wgnet
  assert_success
  assert_line --index 0 'PING web.lab.wgnet (10.77.0.1) 56(84) bytes of data.'
  assert_line --regexp '^64 bytes from web\.lab\.wgnet \(10\.77\.0\.1\): icmp_seq=1 ttl=64 time='
  assert_line '--- web.lab.wgnet ping statistics ---'
  run grep -c 'query\[A\] web.lab.wgnet from 10.77.0.2' "$LAB_DNS_LOG"
  assert_success
  run --separate-stderr wg_ping -6 -n -c 1 web.lab.wgnet
  assert_success
  assert_line --index 0 'PING web.lab.wgnet(fd77::1) 56 data bytes'
  assert_line --regexp '^64 bytes from fd77::1: icmp_seq=1 ttl=64 time='
}

@test "no reply inside AllowedIPs (10.77.0.99): 100% packet loss and exit 1 within -w" {
  local t0 elapsed
  t0=$(now_ms)
  run --separate-stderr wg_ping -c 3 -w 2 10.77.0.99
  elapsed=$(($(now_ms) - t0))
  assert_failure 1
  assert_line --regexp '^[23] packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$'
  refute_line --partial 'bytes from'
  [ "$elapsed" -lt 6000 ] || fail "took ${elapsed} ms for -w 2"
  # Real ping from the peer namespace to the same silent address: the same lines.
  same_shape_as_real_ping -c 3 -w 2 10.77.0.99
}

@test "-q: the header and the statistics only" {
  run --separate-stderr wg_ping -q -c 2 -i 0.2 10.77.0.1
  assert_success
  refute_line --partial 'bytes from'
  same_shape_as_real_ping -q -c 2 -i 0.2 10.77.0.1
}

@test "SIGINT ends a run without -c with the statistics; exit 0 after replies" {
  local out="$BATS_TEST_TMPDIR/out"
  # -w 15 only bounds the test; `ip netns exec` execs wg-ping, so $! is wg-ping itself.
  ip netns exec "$LAB_TOOL_NS" "$WGPING" --wg-config "$LAB_CONF" -w 15 -i 0.2 10.77.0.1 \
    >"$out" 2>&1 3>&- &
  local pid=$!
  lab__wait 10 grep -q 'icmp_seq=3 ' "$out" || { stop_bg "$pid"; fail "no third reply: $(cat "$out")"; }
  kill -INT "$pid"
  wait_bg "$pid" 10 || { stop_bg "$pid"; fail "still running after SIGINT"; }
  [ "$BG_STATUS" -eq 0 ] || fail "exit $BG_STATUS: $(cat "$out")"
  grep -q -- '--- 10.77.0.1 ping statistics ---' "$out"
  grep -Eq '^[0-9]+ packets transmitted, [0-9]+ received' "$out"
}

@test "offline: a bad option: one line naming it, exit 2" {
  run --separate-stderr "$WGPING" -X 10.77.0.1
  assert_failure 2
  [ "$stderr" = "wg-ping: invalid option -- 'X' (see wg-ping -h)" ] || fail "stderr: $stderr"
}

@test "offline: -c 0 and -c -1: ping's own error text and status" {
  command -v ping >/dev/null 2>&1 || skip "needs real ping for its texts (apt-get install iputils-ping)"
  local count theirs
  for count in 0 -1 abc; do
    run --separate-stderr "$WGPING" -c "$count" 10.77.0.1
    theirs=$(ping -c "$count" 127.0.0.1 2>&1) || true
    assert_failure 1
    [ "$stderr" = "wg-ping: ${theirs#ping: } (see wg-ping -h)" ] ||
      fail "$(printf 'wg-ping: %s\nping:    %s' "$stderr" "$theirs")"
  done
}

@test "offline: no config: a one-line error naming --wg-config and WGNET_CONFIG, exit 2" {
  run --separate-stderr env -u WGNET_CONFIG "$WGPING" -c 1 10.77.0.1
  assert_failure 2
  [[ "$stderr" == *WGNET_CONFIG* ]] || fail "stderr: $stderr"
}

@test "self: the demo peer's lwIP answers wg-ping (no root)" {
  run --separate-stderr timeout -k 5 30 "$WGPING" --wg-config "$DEMO_CONF" -c 2 -i 0.2 10.200.0.1
  assert_success
  assert_line --regexp '^64 bytes from 10\.200\.0\.1: icmp_seq=2 ttl=[0-9]+ time=[0-9.]+ ms$'
  assert_line --regexp '^2 packets transmitted, 2 received, 0% packet loss'
}

@test "loopback: a peer that never answers the handshake: one line naming it, exit 2, within -w" {
  local conf="$BATS_TEST_TMPDIR/dead.conf" t0 elapsed
  # Nothing listens on 127.0.0.1:9 (UDP discard): the handshake is never answered.
  printf '[Interface]\nPrivateKey = %s\nAddress = 10.9.0.2/32\n[Peer]\nPublicKey = %s\nEndpoint = 127.0.0.1:9\nAllowedIPs = 10.9.0.0/24\n' \
    "$(wg genkey)" "$(wg genkey | wg pubkey)" >"$conf"
  chmod 600 "$conf"
  t0=$(now_ms)
  run --separate-stderr timeout -k 5 30 "$WGPING" --wg-config "$conf" -c 1 -w 2 10.9.0.1
  elapsed=$(($(now_ms) - t0))
  assert_failure 2
  [[ "$stderr" == *"handshake with 127.0.0.1:9"* ]] || fail "stderr: $stderr"
  [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "more than one line: $stderr"
  [ "$elapsed" -lt 5000 ] || fail "took ${elapsed} ms for -w 2"
}
