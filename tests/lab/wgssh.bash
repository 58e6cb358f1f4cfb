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
  WGSSH_TMUX_SOCK="$BATS_TEST_TMPDIR/tmux.sock"
  WGSSH_AGENT_PID=""
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts"
}

# wgssh_teardown: stops what the test started (by PID / by its private tmux socket).
wgssh_teardown() {
  if [ -n "${WGSSH_TMUX_SOCK:-}" ] && [ -S "$WGSSH_TMUX_SOCK" ]; then
    tmux -S "$WGSSH_TMUX_SOCK" kill-server 2>/dev/null || true
  fi
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

# --- a terminal for interactive tests: tmux on the test's own socket ---------------------------

wgssh_tmux() { tmux -S "$WGSSH_TMUX_SOCK" "$@" 3>&-; }

# wgssh_term_start CMD: runs CMD (a shell command line) in a new 100x30 tmux terminal. Around it,
# the terminal's mode is saved (stty -g) to $BATS_TEST_TMPDIR/stty.before/.after and CMD's exit
# status is written to $BATS_TEST_TMPDIR/exit. $WGSSH_PIDFILE names a file for the wg-ssh PID
# when CMD is started through wgssh_term_cmd.
wgssh_term_start() {
  local d=$BATS_TEST_TMPDIR script="$BATS_TEST_TMPDIR/term.sh"
  {
    printf 'export HOME=%q PATH=%q LSAN_OPTIONS=%q ASAN_OPTIONS=%q\n' "$HOME" "$PATH" \
      "$LSAN_OPTIONS" "${ASAN_OPTIONS:-}"
    [ -n "${SSH_AUTH_SOCK:-}" ] && printf 'export SSH_AUTH_SOCK=%q\n' "$SSH_AUTH_SOCK"
    printf 'stty -g >%q\n' "$d/stty.before"
    printf '%s\n' "$1"
    printf 'echo $? >%q.tmp; mv %q.tmp %q\n' "$d/exit" "$d/exit" "$d/exit"
    printf 'stty -g >%q\n' "$d/stty.after"
    printf 'echo WGSSH-TERM-DONE\nexec sleep 120\n'
  } >"$script"
  wgssh_tmux new-session -d -x 100 -y 30 "bash $script"
}

# wgssh_term_cmd ARGS...: the command line for wg-ssh ARGS inside the terminal, recording its
# PID; bounded by timeout --foreground (so wg-ssh stays in the terminal's foreground group).
WGSSH_PIDFILE_NAME=wgssh.pid
wgssh_term_cmd() {
  local args="" a
  for a in "$@"; do args+=" $(printf '%q' "$a")"; done
  printf 'timeout --foreground %q bash -c %q' "$WGSSH_TIMEOUT" \
    "echo \$\$ >$BATS_TEST_TMPDIR/$WGSSH_PIDFILE_NAME; exec ip netns exec $LAB_TOOL_NS $WGSSH -c $LAB_CONF -F $HOME/.ssh/config$args"
}

wgssh_screen() { wgssh_tmux capture-pane -p -J -S -50; }
wgssh_screen_has() { wgssh_screen | grep -Eq -- "$1"; }
# wgssh_wait_screen SECS REGEX: bounded wait for REGEX on the screen (prints it on failure).
wgssh_wait_screen() {
  if ! wait_for "$1" wgssh_screen_has "$2"; then
    echo "screen never showed /$2/:" >&2
    wgssh_screen >&2
    return 1
  fi
}
wgssh_send() { wgssh_tmux send-keys -t 0 "$@"; }
# wgssh_wait_exit SECS: waits for the command in the terminal to end; its status in TERM_STATUS.
wgssh_wait_exit() {
  if ! wait_for "$1" test -s "$BATS_TEST_TMPDIR/exit"; then
    echo "the terminal's command did not end; screen:" >&2
    wgssh_screen >&2
    return 1
  fi
  TERM_STATUS=$(cat "$BATS_TEST_TMPDIR/exit")
}
