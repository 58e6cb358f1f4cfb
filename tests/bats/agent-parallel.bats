#!/usr/bin/env bats
# Many tool runs at once over one shared tunnel (issue 9): before the agent, each process made its
# own WireGuard session with the same key and took the peer away from the others (parallel
# wg-curl failed with exit 28, wg-ssh stalled). Now every run attaches to one wgnet-agent.
# Lab: wireguard-go peer with the web servers (web.bash) and sshd (sshd.bash) behind it; the
# tools run in the tool namespace. Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): bulk (40 downloads, 100
# MiB) and a timing median; the agent runs under the sanitizers in the other agent suites.
# bats file_tags=plain-build-only

# shellcheck disable=SC2034  # read by wgnc.bash: this suite shares the tunnel (the default)
LAB_SHARE=1
load ../lab/wgnc
load ../lab/wgssh
# shellcheck source=tests/lab/web.bash
source "$BATS_TEST_DIRNAME/../lab/web.bash"
# shellcheck source=tests/lab/wgcurl.bash
source "$BATS_TEST_DIRNAME/../lab/wgcurl.bash"
# shellcheck source=tests/lab/agent.bash
source "$BATS_TEST_DIRNAME/../lab/agent.bash"

setup_file() {
  agent_require_binaries || return 1
  wgssh_setup_file || return 1
  [ -z "$WGNC_SKIP" ] || return 0
  lab_web_up || return 1
}
teardown_file() { lab_teardown_file; }
setup() {
  wgssh_setup
  BG_PIDS=()
}
teardown() {
  local pid
  for pid in "${BG_PIDS[@]}"; do stop_bg "$pid"; done
  wgssh_teardown
  agent_teardown
}

# bg_curl NAME URL: wg-curl URL into $BATS_TEST_TMPDIR/NAME.bin in the background (-v into
# NAME.err, exit status into NAME.rc); its PID is appended to BG_PIDS.
bg_curl() {
  local d=$BATS_TEST_TMPDIR
  (
    rc=0  # (not `echo $?`: Bats' errexit would end the subshell at a failure)
    wgcurl -sS -v -o "$d/$1.bin" "$2" 2>"$d/$1.err" || rc=$?
    echo "$rc" >"$d/$1.rc"
  ) 3>&- &
  BG_PIDS+=($!)
}

# check_curls NAME...: each run exited 0 with the lab's 10 MiB source, byte for byte; prints
# the failures and returns 1 if any.
check_curls() {
  local d=$BATS_TEST_TMPDIR name bad=0
  for name in "$@"; do
    if [ "$(cat "$d/$name.rc" 2>/dev/null)" != 0 ]; then
      echo "$name: exit $(cat "$d/$name.rc" 2>/dev/null): $(grep -v '^[<>*{}]' "$d/$name.err" | tail -n 3)"
      bad=1
    elif [ "$(sha_of "$d/$name.bin")" != "$LAB_SOURCE_SHA" ]; then
      echo "$name: wrong SHA-256 ($(stat -c %s "$d/$name.bin") bytes)"
      bad=1
    fi
    rm -f "$d/$name.bin"
  done
  return "$bad"
}

# The agent PIDs named by the -v lines of the runs NAME... (sorted, unique).
agents_named() {
  local name
  for name in "$@"; do agent_pid_of "$(cat "$BATS_TEST_TMPDIR/$name.err")"; done | sort -u
}

@test "8 parallel wg-curl of the 10 MiB file, 5 rounds: every one intact, all through one agent" {
  local rounds=5 parallel=8 r i names=() round
  for r in $(seq 1 "$rounds"); do
    round=()
    BG_PIDS=()
    for i in $(seq 1 "$parallel"); do
      bg_curl "r$r-$i" "http://web.lab.wgnet/big"
      round+=("r$r-$i")
    done
    for i in "${BG_PIDS[@]}"; do wait "$i" || true; done
    BG_PIDS=()
    run check_curls "${round[@]}"
    assert_success
    names+=("${round[@]}")
  done
  echo "# $((rounds * parallel)) of $((rounds * parallel)) downloads intact" >&3
  # Every run named the same agent, and that agent is the only one.
  run agents_named "${names[@]}"
  assert_success
  assert_equal "${#lines[@]}" 1
  local agent=${lines[0]}
  assert_equal "$(agent_pids)" "$agent"
  # Exactly one run started it; all the others attached.
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/*.err | grep -c "started agent pid $agent ")" 1
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/*.err | grep -c "attached to agent pid $agent ")" \
    $((rounds * parallel - 1))
}

# A reader for wg-ssh's stdout: SHA-256 of everything, the byte count, and the largest gap
# between two reads once data flows (a stall of the ssh stream shows as a gap). Progress (bytes
# so far) goes to the file argv[1] so the test knows when the stream is under way.
write_gap_reader() {
  cat >"$BATS_TEST_TMPDIR/gap_reader.py" <<'EOF'
import hashlib, os, sys, time
progress = sys.argv[1]
h = hashlib.sha256()
n = 0
gap = 0.0
last = None
reported = 0
while True:
    data = os.read(0, 1 << 16)
    now = time.monotonic()
    if not data:
        break
    if last is not None:
        gap = max(gap, now - last)
    last = now
    h.update(data)
    n += len(data)
    if n - reported >= 1 << 20:
        reported = n
        with open(progress + ".tmp", "w") as f:
            f.write("%d\n" % n)
        os.replace(progress + ".tmp", progress)
print(n, h.hexdigest(), int(gap * 1000))
EOF
}
progress_at_least() { [ "$(cat "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }

@test "wg-ssh streams 100 MiB while 4 wg-curl run: no read gap over 1 s, same SHA-256" {
  write_gap_reader
  local d=$BATS_TEST_TMPDIR reps=10
  # The lab's 10 MiB source 10 times over: 100 MiB of random bytes, read by the lab user.
  local remote="for i in \$(seq 1 $reps); do cat $LAB_SOURCE; done"
  local want
  want=$(for _ in $(seq 1 "$reps"); do cat "$LAB_SOURCE"; done | sha256sum | cut -d' ' -f1)
  WGSSH_TIMEOUT=120
  (
    ssh_key "$LAB_SSH_USER@$LAB_PEER_INNER4" "$remote" 2>"$d/ssh.err" |
      python3 "$d/gap_reader.py" "$d/progress" >"$d/ssh.out"
    echo "${PIPESTATUS[0]}" >"$d/ssh.rc"
  ) 3>&- &
  local ssh_job=$!
  BG_PIDS+=("$ssh_job")
  # Once the stream flows (first 4 MiB), four downloads start beside it.
  wait_for 60 progress_at_least "$d/progress" $((4 << 20)) ||
    fail "the ssh stream did not start: $(cat "$d/ssh.err")"
  local i names=()
  for i in 1 2 3 4; do
    bg_curl "c$i" "http://web.lab.wgnet/big"
    names+=("c$i")
  done
  for i in "${BG_PIDS[@]}"; do wait "$i" || true; done
  BG_PIDS=()
  run check_curls "${names[@]}"
  assert_success
  assert_equal "$(cat "$d/ssh.rc")" 0
  local bytes sha gap_ms
  read -r bytes sha gap_ms <"$d/ssh.out"
  echo "# 100 MiB over wg-ssh beside 4 downloads: largest gap between reads ${gap_ms} ms" >&3
  assert_equal "$bytes" $((reps * LAB_SOURCE_BYTES))
  assert_equal "$sha" "$want"
  [ "$gap_ms" -le 1000 ] || fail "the ssh stream stalled for ${gap_ms} ms"
  assert_equal "$(agent_count)" 1
}

# Issue 9's target was a median at most half of --no-share's; libcurl's own start-up is more
# than that half (real curl takes 44 ms for --version alone on the idle lab machine where a run
# with its own tunnel took 71), so issue 9 is blocked on that target. What the agent delivers is
# checked here: no handshake after the first run, one agent, every run served. The medians of a
# small GET both ways are printed, not compared: performance is a benchmark's job, not a test's,
# and this comparison depends on load. Idle, the agent is quicker (24 against 29 ms,
# 2026-12-03); in CI beside the sanitizer build (nice 19) it was slower in both of two
# measurements, 42-43 against 37-39 ms: each of its runs wakes two processes (the tool and the
# agent) many times where a tunnel of one's own wakes one.
@test "later runs attach to the agent without a handshake; every small GET is served, medians printed" {
  local d=$BATS_TEST_TMPDIR runs=10
  local get=("$WGCURL" -c "$LAB_CONF" -sS http://web.lab.wgnet/)
  # In-process tunnels first: each run handshakes for itself (and would take the peer's session
  # away from an agent already running, so the two kinds do not interleave).
  timed_runs "$runs" env WGNET_NO_SHARE=1 "${get[@]}" >"$d/own"
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  local agent
  agent=$(agent_pid_of "$stderr")
  [[ $stderr == *"started agent pid $agent "* ]] || fail "the first shared run did not start an agent: $stderr"
  local handshakes
  handshakes=$(agent_peer_handshakes)
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  [[ $stderr == *"attached to agent pid $agent "* ]] || fail "the second run did not attach: $stderr"
  timed_runs "$runs" "${get[@]}" >"$d/shared"
  # No run after the first made the peer see a handshake initiation.
  assert_equal "$(agent_peer_handshakes)" "$handshakes"
  assert_equal "$(agent_pids)" "$agent"
  # Every timed run succeeded with the page.
  assert_equal "$(grep -c ' 0 hello from web.lab.wgnet$' "$d/own" "$d/shared")" \
    "$d/own:$runs
$d/shared:$runs"
  echo "# small GET median of $runs: $(cut -d' ' -f1 "$d/own" | median) ms with its own tunnel," \
    "$(cut -d' ' -f1 "$d/shared" | median) ms through the agent (printed, not compared)" >&3
}
