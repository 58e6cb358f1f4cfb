#!/usr/bin/env bats
# The built-in demo peer (tools/wgnet-demo-peer) that the README's first command uses: no root,
# loopback only. Its configs are written as secrets should be (TESTPLAN G6), and wg-nc reaches
# every service it offers inside its tunnel, names included.

load ../lab/wgnc

DEMO="$wgnc__build/tools/wgnet-demo-peer/wgnet-demo-peer"

setup_file() {
  wgnc_require_binary
  [ -x "$DEMO" ] || { echo "wgnet-demo-peer not built: $DEMO" >&2; return 1; }
  export DEMO_DIR="$BATS_FILE_TMPDIR/demo"
  mkdir -p "$DEMO_DIR"
  # A loopback service for --forward: reads to EOF, answers with the byte count and SHA-256.
  python3 -c '
import hashlib, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4); s.settimeout(300)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0
    while (d := c.recv(65536)):
        h.update(d); n += len(d)
    c.sendall(f"{n} {h.hexdigest()}\n".encode()); c.close()
' >"$DEMO_DIR/sink.port" 3>&- &
  export SINK_PID=$!
  wait_for 10 test -s "$DEMO_DIR/sink.port" || { echo "loopback sink did not start" >&2; return 1; }
  "$DEMO" --dir "$DEMO_DIR" --timeout 300 --forward "2222=127.0.0.1:$(cat "$DEMO_DIR/sink.port")" \
    >"$DEMO_DIR/out" 2>"$DEMO_DIR/err" 3>&- &
  export DEMO_PID=$!
  wait_for 10 grep -q '^ready ' "$DEMO_DIR/out" || {
    echo "demo peer did not start: $(cat "$DEMO_DIR/err")" >&2
    return 1
  }
}

teardown_file() {
  local pid
  for pid in "${DEMO_PID:-}" "${SINK_PID:-}"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
}

demo_nc() { timeout -k 5 30 "$WGNC" -c "$DEMO_DIR/client.conf" "$@"; }
echo_by_name() { printf 'by name\n' | demo_nc -N echo 7; }
udp_echo() { printf 'udp\n' | demo_nc -u -w 2 10.200.0.1 7; }
web_v6() { printf 'GET / HTTP/1.0\r\n\r\n' | demo_nc -N fd00:200::1 80; }

@test "demo peer: configs are 0600, written whole (no temporary file left)" {
  assert_equal "$(stat -c %a "$DEMO_DIR/client.conf")" 600
  assert_equal "$(stat -c %a "$DEMO_DIR/peer.conf")" 600
  [ ! -e "$DEMO_DIR/client.conf.tmp" ] && [ ! -e "$DEMO_DIR/peer.conf.tmp" ]
  grep -q '^Endpoint = 127.0.0.1:' "$DEMO_DIR/client.conf"
}

@test "demo peer: TCP echo by a name only its tunnel DNS knows" {
  run --separate-stderr echo_by_name
  assert_success
  assert_output "by name"
}

@test "demo peer: UDP echo and the web page over IPv6" {
  run --separate-stderr udp_echo
  assert_success
  assert_output "udp"
  run --separate-stderr web_v6
  assert_success
  assert_line --partial "HTTP/1.1 200 OK"
  assert_line --partial "Hello from inside the tunnel"
}

@test "demo peer: --forward carries a tunnel port to a loopback service, both half-closes" {
  head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/up.bin"
  local want
  want="3000000 $(sha256sum <"$BATS_TEST_TMPDIR/up.bin" | cut -d' ' -f1)"
  run --separate-stderr demo_nc -N 10.200.0.1 2222 <"$BATS_TEST_TMPDIR/up.bin"
  assert_success
  assert_output "$want"
}

@test "demo peer: --forward refuses anything but loopback, naming the option" {
  run --separate-stderr "$DEMO" --dir "$BATS_TEST_TMPDIR" --timeout 1 --forward 22=10.0.0.1:22
  assert_equal "$status" 2
  assert_equal "$stderr" "wgnet-demo-peer: error: --forward '22=10.0.0.1:22': the target must be a loopback address (127.0.0.0/8 or ::1)"
  run --separate-stderr "$DEMO" --dir "$BATS_TEST_TMPDIR" --timeout 1 --forward 22
  assert_equal "$status" 2
  assert_equal "$stderr" "wgnet-demo-peer: error: --forward '22': expected TUNNEL_PORT=ADDRESS:PORT"
}

# What every step of scripts/demo prints when it works (run with stderr merged into $output).
assert_demo_ran_every_step() {
  assert_success
  refute_output --partial "this step failed"
  assert_output --regexp $'\nhello from [^ ]+ over WireGuard\n'
  assert_output --partial "Hello from inside the tunnel"
  assert_output --regexp $'\n200 from (10\\.200\\.0\\.1|fd00:200::1)\n'
  assert_output --partial $'\n"hello from inside the tunnel"\n'
  assert_output --partial $'\nhello by name\n'
  assert_output --partial $'\nhello over IPv6\n'
  assert_output --partial $'\nhello over UDP\n'
  assert_output --regexp 'Connection to 10\.200\.0\.1 (port )?80 .*succeeded'
  assert_output --partial "3 packets transmitted, 3 received, 0% packet loss"
  assert_output --partial "demo: done."
}

@test "demo peer: stops at once on SIGTERM, whenever it comes (services wait, never poll)" {
  local dir="$BATS_TEST_TMPDIR" pid start elapsed pause total=0 limit=120 times=""
  # Three stops at moments 80 ms apart: a service that woke every 250 ms to look for a stop flag
  # makes the three waits add up to at least ~240 ms whatever its phase; services that wait on
  # their sockets stop in a few ms each. The sum, not each stop, is held to the limit, so one
  # stop slowed by a busy machine (seen: 144 ms) does not fail the test. The sanitizer build's
  # exit runs LeakSanitizer's scan (~70 ms a stop), hence its higher limit.
  grep -q '^WGNET_SANITIZE:BOOL=ON' "$wgnc__build/CMakeCache.txt" 2>/dev/null && limit=330
  for pause in 0.05 0.13 0.21; do
    rm -f "$dir/out"
    "$DEMO" --dir "$dir" --timeout 60 >"$dir/out" 2>"$dir/err" 3>&- &
    pid=$!
    wait_for 10 grep -q '^ready ' "$dir/out" || { kill "$pid"; fail "did not start: $(cat "$dir/err")"; }
    sleep "$pause"
    start=$(date +%s%N)
    kill -TERM "$pid"
    wait "$pid" || fail "exit status $? on SIGTERM"
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    total=$((total + elapsed))
    times+=" ${elapsed}"
  done
  [ "$total" -lt "$limit" ] || fail "the three stops took${times} ms, ${total} ms in all (limit ${limit})"
}

# bats test_tags=plain-build-only
@test "scripts/demo, the README's first command, runs every step to its end" {
  [ -x /usr/sbin/sshd ] || skip "needs /usr/sbin/sshd for the wg-ssh step (scripts/setup.sh installs it)"
  run timeout -k 5 300 env WGNET_BUILD="$wgnc__build" "$WGNC_TOP/scripts/demo"
  assert_demo_ran_every_step
}

# sshd started as root by hand stops with "Missing privilege separation directory: /run/sshd"
# on a machine where no system sshd ever ran (systemd makes that directory). A private mount of
# an empty /run makes such a machine here.
# bats test_tags=plain-build-only
@test "scripts/demo as root on a machine where no sshd ever ran (no /run/sshd): every step passes" {
  [ "$(id -u)" -eq 0 ] || skip "needs root (the same demo as a user is the test above)"
  [ -x /usr/sbin/sshd ] || skip "needs /usr/sbin/sshd for the wg-ssh step (scripts/setup.sh installs it)"
  command -v unshare >/dev/null || skip "needs unshare (util-linux) for a private /run"
  run timeout -k 5 300 unshare --mount --propagation private bash -c '
    mount -t tmpfs -o mode=0755 wgnet-demo-run /run || exit 97
    WGNET_BUILD="$1" WGNET_DEMO_BUILD=0 "$2"; rc=$?
    [ ! -e /run/sshd ] || echo "the demo left /run/sshd behind"
    exit $rc' bash "$wgnc__build" "$WGNC_TOP/scripts/demo"
  assert_demo_ran_every_step
  refute_output --partial "left /run/sshd behind"
}

# A read-only, empty /run: sshd cannot have its /run/sshd, so the ssh step fails; the demo must
# still run every other step and end with exit 1 and the failed step's name.
# bats test_tags=plain-build-only
@test "scripts/demo: a failing step (sshd cannot start) does not hide the others; exit 1 names it" {
  [ "$(id -u)" -eq 0 ] || skip "needs root (a private read-only /run)"
  [ -x /usr/sbin/sshd ] || skip "needs /usr/sbin/sshd for the wg-ssh step (scripts/setup.sh installs it)"
  command -v unshare >/dev/null || skip "needs unshare (util-linux) for a private /run"
  run timeout -k 5 300 unshare --mount --propagation private bash -c '
    mount -t tmpfs -o mode=0755,ro wgnet-demo-run /run || exit 97
    WGNET_BUILD="$1" WGNET_DEMO_BUILD=0 "$2"' bash "$wgnc__build" "$WGNC_TOP/scripts/demo"
  assert_failure 1
  assert_output --partial "Missing privilege separation directory"
  assert_output --partial "Hello from inside the tunnel"
  assert_output --partial $'\nhello over UDP\n'
  assert_output --regexp 'Connection to 10\.200\.0\.1 (port )?80 .*succeeded'
  assert_output --partial $'demo: 1 step(s) failed:\n  - ssh through the tunnel'
  refute_output --partial "demo: done."
}

# A new user's run: a throwaway account with a login shell (sshd runs the remote command with
# it) and a copy of the demo and its tools that the account can read wherever the checkout is.
# bats test_tags=plain-build-only
@test "scripts/demo as a normal user (a throwaway account): every step passes" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to make a throwaway user (as a user, the first demo test is this one)"
  [ -x /usr/sbin/sshd ] || skip "needs /usr/sbin/sshd for the wg-ssh step (scripts/setup.sh installs it)"
  DEMO_USER="wgdemo$$"
  DEMO_TREE=$(mktemp -d /tmp/wgnet-demo-user.XXXXXX)
  chmod 755 "$DEMO_TREE"
  mkdir -p "$DEMO_TREE/home" "$DEMO_TREE/scripts"
  cp "$WGNC_TOP/scripts/demo" "$DEMO_TREE/scripts/"
  local tool
  for tool in wg-nc wg-curl wg-ssh wg-dig wg-ping wgnet-agent wgnet-demo-peer; do
    mkdir -p "$DEMO_TREE/build/tools/$tool"
    cp "$wgnc__build/tools/$tool/$tool" "$DEMO_TREE/build/tools/$tool/"
  done
  useradd --no-create-home --home-dir "$DEMO_TREE/home" --shell /bin/bash "$DEMO_USER"
  chown "$DEMO_USER" "$DEMO_TREE/home"
  run timeout -k 5 300 runuser -u "$DEMO_USER" -- env -i HOME="$DEMO_TREE/home" \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin WGNET_BUILD="$DEMO_TREE/build" \
    WGNET_DEMO_BUILD=0 "$DEMO_TREE/scripts/demo"
  assert_demo_ran_every_step
}

# Only the demo-as-a-user test makes these; each is removed by its own name or path.
teardown() {
  if [ -n "${DEMO_USER:-}" ]; then userdel "$DEMO_USER" 2>/dev/null || true; fi
  if [ -n "${DEMO_TREE:-}" ]; then rm -rf "$DEMO_TREE"; fi
}
