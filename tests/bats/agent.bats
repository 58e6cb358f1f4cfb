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

# (The 8x5 parallel downloads, attaching without a handshake and the SIGKILL replacement
# are in agent-parallel.bats and agent-lifecycle.bats.)
@test "--no-share and WGNET_NO_SHARE=1 open the tool's own tunnel" {
  run --separate-stderr lab_tool_timeout 20 "$WGNC" -v -z --no-share -c "$LAB_CONF" 10.77.0.1 7
  assert_success
  [[ "$stderr" != *"agent"* ]] || { echo "$stderr"; false; }
  run --separate-stderr wgcurl_env WGNET_NO_SHARE=1 -- -v -sS http://web.lab.wgnet/
  assert_success
  [[ "$stderr" != *"agent pid"* ]] || { echo "$stderr"; false; }
}
