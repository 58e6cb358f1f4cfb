#!/usr/bin/env bats
# wgnet <-> wgnet over loopback UDP, no root (TESTPLAN K2): `wg-nc -l` on one config,
# `wg-nc` on the other, 10 MiB each way with matching SHA-256, UDP, IPv6 inner.
# Needs only wg(8) from wireguard-tools for key generation (skipped with the reason otherwise).

load ../lab/wgnc

setup_file() {
  wgnc_require_binary
  export SELF_SKIP=""
  if ! command -v wg >/dev/null 2>&1; then
    SELF_SKIP="needs wireguard-tools: 'wg' not found to generate keys (run scripts/setup.sh)"
    return 0
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    SELF_SKIP="needs python3 to pick a free loopback port"
    return 0
  fi
  export SELF_DIR="$BATS_FILE_TMPDIR/self"
  mkdir -p "$SELF_DIR"
  (umask 077
    wg genkey >"$SELF_DIR/a.key"
    wg genkey >"$SELF_DIR/b.key")
  head -c $((10 * 1024 * 1024)) /dev/urandom >"$SELF_DIR/data.bin"
  export DATA_SHA
  DATA_SHA=$(sha256sum <"$SELF_DIR/data.bin" | cut -d' ' -f1)
}

setup() {
  if [ -n "${SELF_SKIP:-}" ]; then skip "$SELF_SKIP"; fi
}
teardown() { [ -z "${BG_PID:-}" ] || stop_bg "$BG_PID"; }

free_udp_port() {
  python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# write_configs PORT: A listens on 127.0.0.1:PORT, B has it as Endpoint.
write_configs() {
  local port=$1
  (umask 077
    cat >"$SELF_DIR/a.conf" <<CONF
[Interface]
PrivateKey = $(cat "$SELF_DIR/a.key")
Address = 10.99.0.1/32, fd99::1/128
ListenPort = $port

[Peer]
PublicKey = $(wg pubkey <"$SELF_DIR/b.key")
AllowedIPs = 10.99.0.2/32, fd99::2/128
CONF
    cat >"$SELF_DIR/b.conf" <<CONF
[Interface]
PrivateKey = $(cat "$SELF_DIR/b.key")
Address = 10.99.0.2/32, fd99::2/128

[Peer]
PublicKey = $(wg pubkey <"$SELF_DIR/a.key")
Endpoint = 127.0.0.1:$port
AllowedIPs = 10.99.0.1/32, fd99::1/128
CONF
  )
}

# Bound on any local address (wg-quick configs cannot name one; the peer uses 127.0.0.1).
port_bound() { ss -Hlun "sport = :$1" | grep -q ":$1 "; }

# start_listener STDIN STDOUT ARGS...: `wg-nc -c a.conf ARGS` in the background on a free port,
# retried on a new port if another process took it first. Sets BG_PID and SELF_PORT.
start_listener() {
  local in=$1 out=$2 try
  shift 2
  for try in 1 2 3; do
    SELF_PORT=$(free_udp_port)
    write_configs "$SELF_PORT"
    timeout -k 5 "$WGNC_TIMEOUT" "$WGNC" -c "$SELF_DIR/a.conf" "$@" <"$in" >"$out" 2>"$out.err" 3>&- &
    BG_PID=$!
    if wait_for 5 port_bound "$SELF_PORT"; then
      return 0
    fi
    stop_bg "$BG_PID"
    BG_PID=""
  done
  fail "wg-nc -l never bound its ListenPort: $(cat "$out.err")"
}

client() { timeout -k 5 "$WGNC_TIMEOUT" "$WGNC" -c "$SELF_DIR/b.conf" "$@"; }

@test "self-to-self: 10 MiB client -> listener, SHA-256 matches" {
  local out="$BATS_TEST_TMPDIR/recv.bin"
  start_listener /dev/null "$out" -l 10.99.0.1 5000
  run --separate-stderr client -N 10.99.0.1 5000 <"$SELF_DIR/data.bin"
  assert_success
  wait_bg "$BG_PID" 15 || fail "listener did not exit after the client closed"
  BG_PID=""
  assert_equal "$BG_STATUS" 0
  assert_equal "$(sha256sum <"$out" | cut -d' ' -f1)" "$DATA_SHA"
}

@test "self-to-self: 10 MiB listener -> client, SHA-256 matches" {
  local out="$BATS_TEST_TMPDIR/recv.bin"
  start_listener "$SELF_DIR/data.bin" "$BATS_TEST_TMPDIR/listener.out" -l -N 10.99.0.1 5000
  client 10.99.0.1 5000 </dev/null >"$out"
  wait_bg "$BG_PID" 15 || fail "listener did not exit after the transfer"
  BG_PID=""
  assert_equal "$BG_STATUS" 0
  [ "$(stat -c %s "$out")" -eq $((10 * 1024 * 1024)) ]
  assert_equal "$(sha256sum <"$out" | cut -d' ' -f1)" "$DATA_SHA"
}

@test "self-to-self: UDP datagrams both ways (-u)" {
  local out="$BATS_TEST_TMPDIR/udp.out"
  printf 'pong\n' >"$BATS_TEST_TMPDIR/pong"
  start_listener "$BATS_TEST_TMPDIR/pong" "$out" -u -l 10.99.0.1 5001
  run --separate-stderr client_udp
  assert_success
  assert_output "pong"
  wait_for 5 grep -q dgram "$out" || fail "listener did not receive: $(cat "$out" "$out.err")"
  assert_equal "$(cat "$out")" "dgram"
}
client_udp() { printf 'dgram\n' | client -u -w 2 10.99.0.1 5001; }

@test "self-to-self: IPv6 inner addresses" {
  local out="$BATS_TEST_TMPDIR/v6.out"
  start_listener /dev/null "$out" -l fd99::1 5002
  run --separate-stderr client_v6
  assert_success
  wait_bg "$BG_PID" 15 || fail "listener did not exit"
  BG_PID=""
  assert_equal "$(cat "$out")" "over fd99::"
}
client_v6() { printf 'over fd99::\n' | client -N fd99::1 5002; }

# TESTPLAN G4: at the highest verbosity, neither side's private key appears in any output, in
# base64 or in hex.
@test "self-to-self: no key material in the most verbose output" {
  local out="$BATS_TEST_TMPDIR/g4.out"
  start_listener /dev/null "$out" -vv -l 10.99.0.1 5003
  printf 'secret-free\n' | client -vv -N 10.99.0.1 5003 >"$BATS_TEST_TMPDIR/client.out" \
    2>"$BATS_TEST_TMPDIR/client.err" || fail "client failed: $(cat "$BATS_TEST_TMPDIR/client.err")"
  wait_bg "$BG_PID" 15 || fail "listener did not exit"
  BG_PID=""
  # The logs must have said something, or the check below would prove nothing.
  grep -q handshake "$BATS_TEST_TMPDIR/client.err" || fail "no verbose output to check"
  local key b64 hex
  for key in "$SELF_DIR/a.key" "$SELF_DIR/b.key"; do
    b64=$(cat "$key")
    hex=$(base64 -d <"$key" | od -An -tx1 | tr -d ' \n')
    for f in "$out" "$out.err" "$BATS_TEST_TMPDIR/client.out" "$BATS_TEST_TMPDIR/client.err"; do
      if grep -qiF -e "$b64" -e "$hex" "$f"; then fail "key material in $f"; fi
    done
  done
}
