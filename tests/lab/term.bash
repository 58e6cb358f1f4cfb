# shellcheck shell=bash
# A terminal for interactive tests (prompts, raw mode, window size): tmux on the test's own
# socket, so the person typing is `term_send` and what they see is `term_screen`. Nothing here
# touches another tmux server: the socket lives in $BATS_TEST_TMPDIR and term_teardown stops
# only that server.
#   setup():    term_setup            teardown():  term_teardown
#   term_start 'shell command line'; term_wait_screen 10 'REGEX'; term_send 'text' Enter;
#   term_wait_exit 10 (status in TERM_STATUS)

term_setup() { TERM_TMUX_SOCK="$BATS_TEST_TMPDIR/tmux.sock"; }
term_teardown() {
  if [ -n "${TERM_TMUX_SOCK:-}" ] && [ -S "$TERM_TMUX_SOCK" ]; then
    tmux -S "$TERM_TMUX_SOCK" kill-server 2>/dev/null || true
  fi
}

term_tmux() { tmux -S "$TERM_TMUX_SOCK" "$@" 3>&-; }

# term_start CMD: runs CMD (a shell command line) in a new 100x30 tmux terminal. Around it, the
# terminal's mode is saved (stty -g) to $BATS_TEST_TMPDIR/stty.before/.after and CMD's exit
# status is written to $BATS_TEST_TMPDIR/exit.
term_start() {
  local d=$BATS_TEST_TMPDIR script="$BATS_TEST_TMPDIR/term.sh"
  {
    printf 'export HOME=%q PATH=%q LSAN_OPTIONS=%q ASAN_OPTIONS=%q\n' "$HOME" "$PATH" \
      "${LSAN_OPTIONS:-}" "${ASAN_OPTIONS:-}"
    [ -n "${SSH_AUTH_SOCK:-}" ] && printf 'export SSH_AUTH_SOCK=%q\n' "$SSH_AUTH_SOCK"
    # Sharing or not, and where agents live, as in the suite (see wgnc.bash, lab_up).
    [ -n "${WGNET_NO_SHARE:-}" ] && printf 'export WGNET_NO_SHARE=%q\n' "$WGNET_NO_SHARE"
    [ -n "${XDG_RUNTIME_DIR:-}" ] && printf 'export XDG_RUNTIME_DIR=%q\n' "$XDG_RUNTIME_DIR"
    printf 'stty -g >%q\n' "$d/stty.before"
    printf '%s\n' "$1"
    printf 'echo $? >%q.tmp; mv %q.tmp %q\n' "$d/exit" "$d/exit" "$d/exit"
    printf 'stty -g >%q\n' "$d/stty.after"
    printf 'echo TERM-DONE\nexec sleep 120\n'
  } >"$script"
  term_tmux new-session -d -x 100 -y 30 "bash $script"
}

term_screen() { term_tmux capture-pane -p -J -S -50; }
term_screen_has() { term_screen | grep -Eq -- "$1"; }
# term_wait_screen SECS REGEX: bounded wait for REGEX on the screen (prints it on failure).
term_wait_screen() {
  if ! wait_for "$1" term_screen_has "$2"; then
    echo "screen never showed /$2/:" >&2
    term_screen >&2
    return 1
  fi
}
# term_wait_screen_lines SECS N REGEX: bounded wait for N lines matching REGEX (e.g. a second
# shell prompt: the answer to an Enter has arrived and nothing more is on its way).
term_screen_lines_at_least() { [ "$(term_screen | grep -Ec -- "$2")" -ge "$1" ]; }
term_wait_screen_lines() {
  if ! wait_for "$1" term_screen_lines_at_least "$2" "$3"; then
    echo "screen never showed $2 lines /$3/:" >&2
    term_screen >&2
    return 1
  fi
}
term_send() { term_tmux send-keys -t 0 "$@"; }
# term_wait_exit SECS: waits for the command in the terminal to end; its status in TERM_STATUS.
term_wait_exit() {
  if ! wait_for "$1" test -s "$BATS_TEST_TMPDIR/exit"; then
    echo "the terminal's command did not end; screen:" >&2
    term_screen >&2
    return 1
  fi
  # shellcheck disable=SC2034  # read by the test that called this
  TERM_STATUS=$(cat "$BATS_TEST_TMPDIR/exit")
}
