#!/usr/bin/env bats
# The shared tunnel against the real lab (issue 9): every tool run attaches to one wgnet-agent per
# config instead of taking the peer's one session from the others. The agent lives in the tool
# namespace with its socket in the suite's own XDG_RUNTIME_DIR; teardown stops it (and kills it by
# the PID it wrote, should stop fail). Needs root; otherwise every test is skipped with the reason.

# shellcheck disable=SC2034  # read by wgnc.bash: this suite shares the tunnel (the default)
LAB_SHARE=1
load ../lab/wgnc
# shellcheck source=tests/lab/web.bash
source "$BATS_TEST_DIRNAME/../lab/web.bash"
# shellcheck source=tests/lab/wgcurl.bash
source "$BATS_TEST_DIRNAME/../lab/wgcurl.bash"

AGENT="$wgnc__build/tools/wgnet-agent/wgnet-agent"

setup_file() {
  wgcurl_require_binary || return 1
  lab_require_binary wgnet-agent "$AGENT" || return 1
  lab_setup_file || return 1
  [ -n "$WGNC_SKIP" ] && return 0
  export XDG_RUNTIME_DIR="$LAB_DIR/agent-run"
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  unset WGNET_NO_SHARE
  lab_web_up || return 1
}
teardown_file() {
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -z "$WGNC_SKIP" ]; then
    agent_stop
  fi
  lab_teardown_file
}
setup() { wgnc_skip_if_unusable; }

agent() { lab_tool_timeout 20 "$AGENT" "$@" -c "$LAB_CONF"; }
agent_pid() { agent status 2>/dev/null | awk '$1 == "pid" { print $2 }'; }
agent_stop() {
  local pid
  pid=$(agent_pid)
  agent stop >/dev/null 2>&1 || { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; }
  return 0
}

@test "8 parallel wg-curl of the 10 MiB file, 5 rounds: 40 of 40 intact, one agent" {
  agent_stop
  local round i ok=0 pids=()
  for round in 1 2 3 4 5; do
    pids=()
    for i in 1 2 3 4 5 6 7 8; do
      wgcurl -sS -o "$BATS_TEST_TMPDIR/r$round-$i.bin" http://web.lab.wgnet/big \
        2>"$BATS_TEST_TMPDIR/r$round-$i.err" &
      pids+=($!)
    done
    for i in "${!pids[@]}"; do
      if wait "${pids[$i]}" &&
        [ "$(sha256sum <"$BATS_TEST_TMPDIR/r$round-$((i + 1)).bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]; then
        ok=$((ok + 1))
      else
        echo "round $round client $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/r$round-$((i + 1)).err")"
      fi
      rm -f "$BATS_TEST_TMPDIR/r$round-$((i + 1)).bin"
    done
  done
  echo "# $ok of 40 parallel 10 MiB GETs intact" >&3
  assert_equal "$ok" 40
  run agent status
  assert_success
  assert_line --regexp '^pid [0-9]+$'
  run bash -c "ls '$XDG_RUNTIME_DIR'/wgnet/*.sock | wc -l"
  assert_output 1
}

@test "a second run attaches to the agent and does not handshake again" {
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  local before
  before=$(timeout 5 wg show "$LAB_WG_IF" latest-handshakes)
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  [[ "$stderr" == *"wg-curl: attached to agent pid "* ]] || { echo "$stderr"; false; }
  assert_equal "$(timeout 5 wg show "$LAB_WG_IF" latest-handshakes)" "$before"
}

@test "an agent killed with SIGKILL is replaced by the next run within 1 s" {
  run --separate-stderr wgcurl -sS http://web.lab.wgnet/
  assert_success
  local old
  old=$(agent_pid)
  [ -n "$old" ]
  kill -KILL "$old"
  # The stale socket is still there; `start` is what every tool does first (attach or spawn).
  local t0 took
  t0=$(now_ms)
  run --separate-stderr agent start -v
  took=$(($(now_ms) - t0))
  assert_success
  [[ "$stderr" == *"started agent pid "* ]] || { echo "$stderr"; false; }
  echo "# new agent serving $took ms after SIGKILL (wgnet-agent start, process start included)" >&3
  # Two program starts are in that figure; a sanitizer build starts each several times slower.
  local limit=1000
  if grep -q '^WGNET_SANITIZE:BOOL=ON' "$wgnc__build/CMakeCache.txt" 2>/dev/null; then
    limit=3000
  fi
  [ "$took" -lt "$limit" ]
  run --separate-stderr lab_tool_timeout 20 "$WGNC" -v -z -c "$LAB_CONF" 10.77.0.1 7
  assert_success
  [[ "$stderr" == *"attached to agent pid $(agent_pid) "* ]] || { echo "$stderr"; false; }
  [ "$(agent_pid)" != "$old" ]
}

@test "--no-share and WGNET_NO_SHARE=1 open the tool's own tunnel" {
  run --separate-stderr lab_tool_timeout 20 "$WGNC" -v -z --no-share -c "$LAB_CONF" 10.77.0.1 7
  assert_success
  [[ "$stderr" != *"agent"* ]] || { echo "$stderr"; false; }
  run --separate-stderr wgcurl_env WGNET_NO_SHARE=1 -- -v -sS http://web.lab.wgnet/
  assert_success
  [[ "$stderr" != *"agent pid"* ]] || { echo "$stderr"; false; }
}
