#!/usr/bin/env bats
# wg-dig against the real lab (tests/lab/lab.bash): a wireguard-go peer with dnsmasq behind it
# on 10.77.0.1 (zone lab.wgnet). wg-dig runs in the tool namespace, which has no route but the
# outer veth, so every answer came through the tunnel. Real dig (bind9-dnsutils) runs inside the
# peer namespace, an OS-level path to the same dnsmasq, for the +short comparisons.
# Lab tests need root and are skipped with the reason otherwise; "self:" tests use the built-in
# demo peer over loopback and need no root. Issue 3's test list.

bats_require_minimum_version 1.5.0
# Normal build only (scripts/test runs the sanitizer pass without it): wg-dig's own code (options,
# query, presentation format) is unit-tested under the sanitizers; its tunnel path is wg-nc's.
# bats file_tags=plain-build-only

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load
# shellcheck source=tests/lab/lab.bash
source "$BATS_TEST_DIRNAME/../lab/lab.bash"

DIG_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
dig__build=${WGNET_BUILD:-build}
case $dig__build in /*) ;; *) dig__build="$DIG_TOP/$dig__build" ;; esac
WGDIG="$dig__build/tools/wg-dig/wg-dig"
WGDIG_TIMEOUT=${WGDIG_TIMEOUT:-60}

# The built-in demo peer (tools/wgnet-demo-peer): a libwgnet peer on 127.0.0.1 with DNS for
# demo.wgnet inside its tunnel. The "self:" tests use it and need no root; "offline:" tests
# stop before any traffic; the others need the lab (root).
DEMO_BIN="$dig__build/tools/wgnet-demo-peer/wgnet-demo-peer"
[ -x "$DEMO_BIN" ] || DEMO_BIN="$dig__build/tools/wgnet-demo-peer"
# shellcheck source=tests/lab/demo.bash
source "$BATS_TEST_DIRNAME/../lab/demo.bash"

setup_file() {
  # A missing binary is a failure, not a skip: the suite exists to test it.
  if [ ! -x "$WGDIG" ]; then
    echo "wg-dig not built: $WGDIG is missing (build it, or set WGNET_BUILD)" >&2
    return 1
  fi
  demo_start
  local reason
  if reason=$(lab_unusable_reason); then
    export DIG_SKIP="$reason"
    return 0
  fi
  if ! command -v dig >/dev/null 2>&1; then
    export DIG_SKIP="needs real dig for the comparisons (apt-get install bind9-dnsutils)"
    return 0
  fi
  export DIG_SKIP=""
  lab_up || return 1
  echo "# lab up in ${LAB_UP_SECONDS}s: $LAB_PEER_NS / $LAB_TOOL_NS" >&3
}

teardown_file() {
  demo_stop
  lab_down
}

setup() {
  if [[ $BATS_TEST_DESCRIPTION == offline:* ]]; then
    return 0  # never reaches the network
  elif [[ $BATS_TEST_DESCRIPTION == self:* ]]; then
    if [ -n "${DEMO_SKIP:-}" ]; then skip "$DEMO_SKIP"; fi
  elif [ -n "${DIG_SKIP:-}" ]; then
    skip "$DIG_SKIP"
  fi
}

# self_dig ARGS...: wg-dig against the demo peer, over loopback only, bounded in time.
self_dig() { timeout -k 5 "$WGDIG_TIMEOUT" "$WGDIG" -c "$DEMO_CONF" "$@"; }

# wg_dig ARGS...: wg-dig with the lab's config, in the tool namespace, bounded in time.
wg_dig() { timeout -k 5 "$WGDIG_TIMEOUT" ip netns exec "$LAB_TOOL_NS" "$WGDIG" -c "$LAB_CONF" "$@"; }
# real_dig ARGS...: BIND's dig in the peer namespace, asking the same dnsmasq directly.
real_dig() { timeout -k 5 30 ip netns exec "$LAB_PEER_NS" dig @10.77.0.1 +time=2 +tries=2 "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

@test "A record: full dig-format output, server from DNS= of the config" {
  run --separate-stderr wg_dig echo.lab.wgnet
  assert_success
  assert_line --partial '<<>> wg-dig '
  assert_line --regexp '^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: [0-9]+$'
  assert_line --regexp '^;; flags: qr aa rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1$'
  assert_line $';echo.lab.wgnet.\t\t\tIN\tA'
  assert_line $'echo.lab.wgnet.\t\t0\tIN\tA\t10.77.0.1'
  assert_line --regexp '^;; Query time: [0-9]+ msec$'
  assert_line ';; SERVER: 10.77.0.1#53(10.77.0.1) (UDP)'
  assert_line --regexp '^;; WHEN: [A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} '
  assert_line --regexp '^;; MSG SIZE  rcvd: [0-9]+$'
  # dnsmasq logs the query from the tool's tunnel address: it came through the tunnel.
  run grep -c 'query\[A\] echo.lab.wgnet from 10.77.0.2' "$LAB_DNS_LOG"
  assert_success
}

@test "A/AAAA/MX/TXT/SRV/PTR/CAA answers: +short equals real dig's against the same dnsmasq" {
  local q mine theirs
  for q in "echo.lab.wgnet A" "echo.lab.wgnet AAAA" "v6only.lab.wgnet AAAA" "lab.wgnet MX" \
    "txt.lab.wgnet TXT" "_echo._tcp.lab.wgnet SRV" "-x 10.77.0.1" "-x fd77::1" \
    "lab.wgnet CAA" "www.lab.wgnet A" "nx.lab.wgnet A"; do
    # shellcheck disable=SC2086
    mine=$(wg_dig +short $q)
    # shellcheck disable=SC2086
    theirs=$(real_dig +short $q)
    echo "# $q: wg-dig [$mine] dig [$theirs]"
    [ "$mine" = "$theirs" ]
  done
  # And what the server holds.
  [ "$(wg_dig +short lab.wgnet MX)" = "10 mail.lab.wgnet." ]
  [ "$(wg_dig +short txt.lab.wgnet TXT)" = '"hello wgnet" "second string"' ]
  [ "$(wg_dig +short _echo._tcp.lab.wgnet SRV)" = "0 5 7 echo.lab.wgnet." ]
  [ "$(wg_dig +short echo.lab.wgnet AAAA)" = "fd77::1" ]
}

@test "+noall +answer sections equal real dig's (columns, tabs, TTL, class)" {
  local q
  for q in "echo.lab.wgnet" "lab.wgnet MX" "txt.lab.wgnet TXT" "-x fd77::1" "www.lab.wgnet"; do
    # shellcheck disable=SC2086
    run diff <(wg_dig +noall +answer $q) <(real_dig +noall +answer $q)
    assert_success
  done
}

# The parts of dig's output that differ from run to run: the message id, the query time, the date.
normalize() { sed -E 's/id: [0-9]+$/id: N/; s/^;; Query time: [0-9]+ msec$/;; Query time: N msec/; /^;; WHEN: /d'; }

@test "whole output (header, flags, EDNS, sections, stats) equals real dig's" {
  local q
  for q in "echo.lab.wgnet" "echo.lab.wgnet AAAA" "lab.wgnet MX" "nx.lab.wgnet" \
    "big.lab.wgnet TXT" "-x 10.77.0.1" "txt.lab.wgnet TXT +norec" "echo.lab.wgnet +dnssec" \
    "_echo._tcp.lab.wgnet SRV +tcp" "lab.wgnet CAA +nocomments" "www.lab.wgnet +noquestion +nostats" \
    "lab.wgnet ANY" "lab.wgnet ANY +notcp"; do
    echo "# $q"
    # shellcheck disable=SC2086
    run diff <(wg_dig +nocmd $q | normalize) <(real_dig +nocmd $q | normalize)
    assert_success
  done
}

@test "several queries with the banner: laid out as real dig lays them out" {
  local q
  for q in "@10.77.0.1 echo.lab.wgnet lab.wgnet MX +nostats -x 10.77.0.1" \
    "@10.77.0.1 echo.lab.wgnet lab.wgnet MX +nostats -x 10.77.0.1 +noall +answer"; do
    # shellcheck disable=SC2086
    run diff <(wg_dig $q | grep -v '^; <<>> ' | normalize) <(real_dig $q | grep -v '^; <<>> ' | normalize)
    assert_success
  done
  # One banner for the run, as dig prints.
  [ "$(wg_dig echo.lab.wgnet lab.wgnet MX | grep -c '^; <<>> wg-dig ')" -eq 1 ]
  run diff <(wg_dig lab.wgnet MX echo.lab.wgnet +short) <(real_dig lab.wgnet MX echo.lab.wgnet +short)
  assert_success
}

@test "+norecurse clears RD, +dnssec sets DO (the server echoes both)" {
  run --separate-stderr wg_dig +norec echo.lab.wgnet
  assert_success
  assert_line --regexp '^;; flags: qr aa ra; '
  run --separate-stderr wg_dig +dnssec echo.lab.wgnet
  assert_success
  assert_line '; EDNS: version: 0, flags: do; udp: 1232'
}

@test "several queries in one command line, local options after each name" {
  run --separate-stderr wg_dig +short echo.lab.wgnet A echo.lab.wgnet AAAA lab.wgnet MX
  assert_success
  assert_output $'10.77.0.1\nfd77::1\n10 mail.lab.wgnet.'
}

@test "-f batch file; a missing batch file gives exit 8" {
  printf 'echo.lab.wgnet AAAA\n\n; comment\nlab.wgnet MX\n' >"$BATS_TEST_TMPDIR/batch"
  run --separate-stderr wg_dig +short -f "$BATS_TEST_TMPDIR/batch"
  assert_success
  assert_output $'fd77::1\n10 mail.lab.wgnet.'
  run --separate-stderr wg_dig -f "$BATS_TEST_TMPDIR/does-not-exist"
  assert_failure 8
  [ "$(echo "$stderr" | wc -l)" -eq 1 ]
  [[ $stderr == *"does-not-exist"* ]]
}

@test "NXDOMAIN: status in the header, exit 0" {
  run --separate-stderr wg_dig nx.lab.wgnet
  assert_success
  assert_line --regexp '^;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: [0-9]+$'
}

@test "+search: a short name found under the search domain from DNS=" {
  run --separate-stderr wg_dig +search +short echo
  assert_success
  assert_output "10.77.0.1"
}

@test "@server by name, resolved through the tunnel" {
  # echo.lab.wgnet is 10.77.0.1, where dnsmasq listens.
  run --separate-stderr wg_dig -4 @echo.lab.wgnet lab.wgnet MX
  assert_success
  assert_line '; (1 server found)'
  assert_line ';; SERVER: 10.77.0.1#53(echo.lab.wgnet) (UDP)'
}

@test "+tcp asks over TCP" {
  run --separate-stderr wg_dig +tcp echo.lab.wgnet
  assert_success
  assert_line ';; SERVER: 10.77.0.1#53(10.77.0.1) (TCP)'
  assert_line $'echo.lab.wgnet.\t\t0\tIN\tA\t10.77.0.1'
}

@test "truncated TXT set (> 512 bytes) is retried over TCP; +ignore keeps the truncated reply" {
  run --separate-stderr wg_dig big.lab.wgnet TXT
  assert_success
  assert_line ';; Truncated, retrying in TCP mode.'
  assert_line ';; SERVER: 10.77.0.1#53(10.77.0.1) (TCP)'
  local strings
  strings=$(wg_dig +short big.lab.wgnet TXT | grep -o '"t[0-5]-' | wc -l)
  [ "$strings" -eq 6 ]
  [ "$(wg_dig +short big.lab.wgnet TXT)" = "$(real_dig +short big.lab.wgnet TXT)" ]
  run --separate-stderr wg_dig +ignore +noedns big.lab.wgnet TXT
  assert_success
  assert_line --regexp '^;; flags: qr aa tc rd ra;'
  assert_line ';; SERVER: 10.77.0.1#53(10.77.0.1) (UDP)'
}

@test "no reply (nothing listening at the address): exit 9 within +time x +tries" {
  local t0 t1
  t0=$(now_ms)
  run --separate-stderr wg_dig @10.77.0.99 +time=1 +tries=2 echo.lab.wgnet
  t1=$(now_ms)
  assert_failure 9
  assert_line ';; no servers could be reached'
  echo "# took $((t1 - t0)) ms"
  # 2 s of tries, plus the handshake and process start; never the 15 s of dig's defaults.
  [ $((t1 - t0)) -lt 6000 ]
}

@test "a peer that never answers the handshake: exit 9 within +time x +tries, one line on stderr" {
  local t0 t1
  lab_write_config "$BATS_TEST_TMPDIR/wrong.conf" public_key="$(wg genkey | wg pubkey)"
  t0=$(now_ms)
  run --separate-stderr timeout 30 ip netns exec "$LAB_TOOL_NS" "$WGDIG" -c "$BATS_TEST_TMPDIR/wrong.conf" \
    +time=1 +tries=2 echo.lab.wgnet
  t1=$(now_ms)
  assert_failure 9
  echo "# took $((t1 - t0)) ms: $stderr"
  [ $((t1 - t0)) -lt 5000 ]
  [[ $stderr == "wg-dig: error: "*handshake* ]]
  [ "$(echo "$stderr" | wc -l)" -eq 1 ]
  [ -z "$output" ]
}

@test "offline: bad options: exit 1 with one line naming the option" {
  local args
  for args in "+frobnicate echo.lab.wgnet" "-k key echo.lab.wgnet" "-t BOGUS x" "+time=x x" "-p 70000 x"; do
    # shellcheck disable=SC2086
    run --separate-stderr "$WGDIG" $args
    assert_failure 1
    [ "$(echo "$stderr" | wc -l)" -eq 1 ]
    [[ $stderr == "wg-dig: error: "* ]]
    [ -z "$output" ]
  done
}

@test "config from \$WGNET_CONFIG; none at all is a one-line usage error (exit 1)" {
  run --separate-stderr env WGNET_CONFIG="$LAB_CONF" timeout 30 ip netns exec "$LAB_TOOL_NS" \
    "$WGDIG" +short echo.lab.wgnet
  assert_success
  assert_output "10.77.0.1"
  run --separate-stderr env -u WGNET_CONFIG "$WGDIG" +short echo.lab.wgnet
  assert_failure 1
  [ "$(echo "$stderr" | wc -l)" -eq 1 ]
  [[ $stderr == "wg-dig: error: "* ]]
}

@test "-v: handshake and the query's path on stderr, stdout unchanged" {
  run --separate-stderr wg_dig -v +short echo.lab.wgnet
  assert_success
  assert_output "10.77.0.1"
  [[ $stderr == *"handshake"* ]]
  [[ $stderr == *"query echo.lab.wgnet A IN to 10.77.0.1#53 over UDP"* ]]
}

@test "self: answers from the built-in demo peer over loopback, no root" {
  run --separate-stderr self_dig echo.demo.wgnet
  assert_success
  assert_line --regexp '^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: [0-9]+$'
  assert_line $'echo.demo.wgnet.\t60\tIN\tA\t10.200.0.1'
  assert_line ';; SERVER: 10.200.0.1#53(10.200.0.1) (UDP)'
  run --separate-stderr self_dig +short echo.demo.wgnet AAAA hello.demo.wgnet TXT
  assert_success
  assert_output $'fd00:200::1\n"hello from inside the tunnel"'
}

@test "self: NXDOMAIN exit 0; +search uses the domain from DNS=" {
  run --separate-stderr self_dig nothing-here.demo.wgnet
  assert_success
  assert_line --partial 'status: NXDOMAIN'
  run --separate-stderr self_dig +search +short www
  assert_success
  assert_output "10.200.0.1"
}

@test "self: no reply (no host at the address): exit 9 within +time x +tries" {
  local t0 t1
  t0=$(now_ms)
  run --separate-stderr self_dig @10.200.0.9 +time=1 +tries=1 +short echo.demo.wgnet
  t1=$(now_ms)
  assert_failure 9
  assert_output $';; communications error to 10.200.0.9#53: timed out\n;; no servers could be reached'
  [ $((t1 - t0)) -lt 4000 ]
}
