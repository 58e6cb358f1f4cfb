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
agent_pids() {
  local pid argv
  for pid in $(ip netns pids "$LAB_TOOL_NS" 2>/dev/null); do
    argv=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    # argv[0] is the path a tool found it by (maybe through "..").
    case $argv in */wgnet-agent" run "*) echo "$pid" ;; esac
  done
}
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

# sha_of FILE: its SHA-256, hex.
sha_of() { sha256sum <"$1" | cut -d' ' -f1; }
