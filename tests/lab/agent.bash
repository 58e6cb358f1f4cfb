# shellcheck shell=bash
# Helpers for the shared-tunnel suites (tests/bats/agent-*.bats, issue 9): every tool run attaches
# to one wgnet-agent per config, started by the first run. A suite sets LAB_SHARE=1 before
# `load ../lab/wgnc` (see wgnc.bash: the older suites keep WGNET_NO_SHARE=1), then sources
# web.bash, wgcurl.bash and this file.
#
# Agents live in the lab's own $XDG_RUNTIME_DIR (lab_up) and in the tool namespace, so lab_down
# stops any that is left; teardown() stops them earlier with agent_teardown, so that each test
# starts without one, and fails the test when an agent's log holds a sanitizer report (the
# agent is a daemon: its stderr goes to <id>.log, not to the test).

WGAGENT="$wgnc__build/tools/wgnet-agent/wgnet-agent"

agent_require_binaries() {
  lab_require_binary wgnet-agent "$WGAGENT" && wgcurl_require_binary
}

# agent_setup_file: for setup_file(): the lab and its web servers.
agent_setup_file() {
  agent_require_binaries || return 1
  lab_setup_file || return 1
  [ -z "${WGNC_SKIP:-}" ] || return 0
  lab_web_up || return 1
}

# agent_is_sanitizer_build: the build under test is the ASan+UBSan one (each tool ~5x slower, so
# the heavy loops are made smaller there).
agent_is_sanitizer_build() {
  grep -q '^WGNET_SANITIZE:BOOL=ON' "$wgnc__build/CMakeCache.txt" 2>/dev/null
}

# agent_pids: the agents ("wgnet-agent run ...") living in the tool namespace, one PID a line.
# (Known by the program it runs, not by argv[0]: a tool names it by a path with "..", and
# `wgnet-agent start` as /proc/self/exe.)
agent_pids() {
  local pid argv exe
  exe=$(readlink -f "$WGAGENT")
  for pid in $(ip netns pids "$LAB_TOOL_NS" 2>/dev/null); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] || continue
    argv=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    case $argv in *" run "*) echo "$pid" ;; esac
  done
}
# agent_gone PID: it has exited (a zombie counts: the agent detached, so init reaps it, later).
agent_gone() { wgnc__gone "$1"; }
agent_count() { agent_pids | grep -c . || true; }

# agent_cli ARGS...: wgnet-agent inside the tool namespace, bounded in time.
agent_cli() { lab_tool_timeout 30 "$WGAGENT" "$@"; }

# agent_pid_of TEXT: N from a tool's -v line "started agent pid N" / "attached to agent pid N".
agent_pid_of() { sed -n 's/.*\(started\|attached to\) agent pid \([0-9]*\) .*/\2/p' <<<"$1" | head -n 1; }

# Handshake initiations wireguard-go has received so far (its verbose log): a run that attached
# to a running agent adds none.
agent_peer_handshakes() { grep -c 'Received handshake initiation' "$LAB_DIR/wireguard-go.log" || true; }

# agent_teardown: for teardown(): every agent of the tool namespace stopped (by PID, after
# `wgnet-agent stop` for the lab's config), then their logs checked for sanitizer reports.
agent_teardown() {
  [ -n "${LAB_TOOL_NS:-}" ] || return 0
  agent_cli stop -c "$LAB_CONF" >/dev/null 2>&1 || true
  local pid
  for pid in $(agent_pids); do
    lab__stop "$pid" "$LAB_TOOL_NS"
  done
  local log bad=0
  for log in "$XDG_RUNTIME_DIR"/wgnet/*.log; do
    [ -f "$log" ] || continue
    if grep -q 'Sanitizer\|runtime error:' "$log"; then
      echo "sanitizer report in the agent's log $log:" >&2
      cat "$log" >&2
      bad=1
    fi
    # Each test looks only at its own agents' logs.
    mv -f "$log" "$log.$BATS_TEST_NUMBER"
  done
  return "$bad"
}

# median: the median of the numbers on stdin (one a line; the mean of the middle two).
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# timed_runs N CMD...: CMD N times in ONE `ip netns exec` (whose own ~0.1-0.2 s is not the
# tool's), a line "MS STATUS STDOUT" per run; stderr appended to $TIMED_ERR (default: dropped).
timed_runs() {
  local n=$1
  shift
  # shellcheck disable=SC2016
  lab_tool_timeout 120 bash -c 'n=$1; shift
    for i in $(seq 1 "$n"); do
      t0=$(date +%s%N); out=$("$@" 2>>"${TIMED_ERR:-/dev/null}"); rc=$?
      echo "$((($(date +%s%N) - t0) / 1000000)) $rc $out"
    done' timed_runs "$n" "$@"
}

# agent_forward_bg ERRFILE ARGS...: `wgnet-agent forward -c $LAB_CONF ARGS -v` in the tool
# namespace, in the background, bounded by timeout, stderr into ERRFILE. Started as a plain
# command (not through a shell function such as lab_tool_timeout, which would put a subshell
# between), so FWD_PID is timeout's own PID and the forward is its only child.
agent_forward_bg() {
  local err=$1
  shift
  timeout -k 5 180 ip netns exec "$LAB_TOOL_NS" "$WGAGENT" forward -c "$LAB_CONF" "$@" -v \
    >/dev/null 2>"$err" 3>&- &
  FWD_PID=$!
}
# agent_forward_stop: SIGTERM to the forward itself (timeout would answer a TERM of its own with
# 143 whatever the forward did); it must exit within 5 s; its status in BG_STATUS.
agent_forward_stop() {
  local child
  child=$(ps -o pid= --ppid "$FWD_PID" | tr -d ' ')
  [ -n "$child" ] || { echo "the forward is not running" >&2; return 1; }
  kill -TERM "$child"
  wait_bg "$FWD_PID" 5 || { echo "the forward did not exit within 5 s of SIGTERM" >&2; return 1; }
  FWD_PID=""
}

# sha_of FILE: its SHA-256, hex.
sha_of() { sha256sum <"$1" | cut -d' ' -f1; }
