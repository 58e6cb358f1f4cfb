# shellcheck shell=bash
# Helpers for wg-ssh's Bats suites (tests/bats/wg-ssh*.bats). Load after the wg-nc helpers:
#   load ../lab/wgnc
#   load ../lab/wgssh
# wg-ssh runs in the tool namespace (whose only way out is the tunnel), bounded by `timeout`,
# with HOME set to the test's own directory so that ~/.ssh (known_hosts, identities, config)
# belongs to the test, and with -F naming that test's (empty) config so that the machine's
# /etc/ssh/ssh_config plays no part.

# shellcheck source=tests/lab/sshd.bash
source "$BATS_TEST_DIRNAME/../lab/sshd.bash"
# shellcheck source=tests/lab/term.bash
source "$BATS_TEST_DIRNAME/../lab/term.bash"

WGSSH="$wgnc__build/tools/wg-ssh/wg-ssh"
WGSSH_TIMEOUT=${WGSSH_TIMEOUT:-30}
# Sanitizer builds: a known leak inside libssh2 1.10 is not ours (see the file). libcrypto has no
# frame pointers, so the suppression needs the slow unwinder to see the libssh2 call it names.
export LSAN_OPTIONS="suppressions=$BATS_TEST_DIRNAME/../lab/wgssh.lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

# wgssh_setup_file: lab_setup_file, then sshd behind the peer.
wgssh_setup_file() {
  lab_require_binary wg-ssh "$WGSSH" || return 1
  lab_setup_file || return 1
  [ -z "${WGNC_SKIP:-}" ] || return 0
  if ! command -v tmux >/dev/null || ! command -v ssh-agent >/dev/null; then
    lab_teardown_file
    export WGNC_SKIP="needs tmux and openssh-client (run scripts/setup.sh)"
    return 0
  fi
  lab_sshd_up || return 1
}

# wgssh_setup: for setup(): a fresh HOME with ~/.ssh, no agent, the lab's known_hosts.
wgssh_setup() {
  wgnc_skip_if_unusable
  export HOME="$BATS_TEST_TMPDIR/home"
  mkdir -p "$HOME/.ssh"
  chmod 700 "$HOME/.ssh"
  : >"$HOME/.ssh/config"
  unset SSH_AUTH_SOCK SSH_AGENT_PID
  term_setup
  WGSSH_AGENT_PID=""
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts"
}

# wgssh_teardown: stops what the test started (by PID / by its private tmux socket).
wgssh_teardown() {
  term_teardown
  if [ -n "${WGSSH_AGENT_PID:-}" ]; then
    kill "$WGSSH_AGENT_PID" 2>/dev/null || true
    wait "$WGSSH_AGENT_PID" 2>/dev/null || true
  fi
}

# ssh_tool ARGS...: wg-ssh with the lab's WireGuard config and the test's ssh config.
ssh_tool() { lab_tool_conf "$WGSSH_TIMEOUT" "$WGSSH" "$LAB_CONF" -F "$HOME/.ssh/config" "$@"; }
# ssh_key ARGS...: the same, logging in with the lab's unencrypted ed25519 key and never asking.
ssh_key() { ssh_tool -o BatchMode=yes -i "$LAB_SSH_KEY" "$@"; }

# Lines sshd logged since line N (for "what did the server see of this connection").
sshd_log_since() { since "$LAB_SSHD_LOG" "$1"; }

# wgssh_agent_start KEY...: a private ssh-agent (stopped by PID in teardown) holding KEYs.
wgssh_agent_start() {
  export SSH_AUTH_SOCK="$BATS_TEST_TMPDIR/agent.sock"
  ssh-agent -D -a "$SSH_AUTH_SOCK" </dev/null >/dev/null 2>&1 3>&- &
  WGSSH_AGENT_PID=$!
  wait_for 5 test -S "$SSH_AUTH_SOCK" || return 1
  ssh-add -q "$@" </dev/null
}

# --- the terminal for interactive tests: tests/lab/term.bash -------------------------------------

# wgssh_term_cmd ARGS...: the command line for wg-ssh ARGS inside the terminal, recording its
# PID; bounded by timeout --foreground (so wg-ssh stays in the terminal's foreground group).
WGSSH_PIDFILE_NAME=wgssh.pid
wgssh_term_cmd() {
  local args="" a
  for a in "$@"; do args+=" $(printf '%q' "$a")"; done
  printf 'timeout --foreground %q bash -c %q' "$WGSSH_TIMEOUT" \
    "echo \$\$ >$BATS_TEST_TMPDIR/$WGSSH_PIDFILE_NAME; exec ip netns exec $LAB_TOOL_NS $WGSSH -c $LAB_CONF -F $HOME/.ssh/config$args"
}

