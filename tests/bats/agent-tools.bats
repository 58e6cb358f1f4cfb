#!/usr/bin/env bats
# Every tool through one shared agent (issue 9): wg-nc (dial and -l), wg-dig, wg-ping and wg-ssh
# each attach to the agent the first run started, and none of them makes the peer see a
# handshake. Lab: wireguard-go peer with sshd (sshd.bash) and the echo/DNS services behind it.
# Needs root; otherwise every test is skipped with the reason.

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

WGDIG="$wgnc__build/tools/wg-dig/wg-dig"
WGPING="$wgnc__build/tools/wg-ping/wg-ping"

setup_file() {
  lab_require_binary wg-dig "$WGDIG" || return 1
  lab_require_binary wg-ping "$WGPING" || return 1
  agent_require_binaries || return 1
  wgssh_setup_file
}
teardown_file() { lab_teardown_file; }
setup() {
  wgssh_setup
  BG_PID=""
}
teardown() {
  [ -z "$BG_PID" ] || stop_bg "$BG_PID"
  wgssh_teardown
  agent_teardown
}

# attached RUN-NAME: the last `run` (with -v) attached to $AGENT.
attached() {
  [[ $stderr == *"attached to agent pid $AGENT "* ]] || fail "$1 did not attach to agent $AGENT: $stderr"
}

@test "wg-nc, wg-dig, wg-ping, wg-ssh and wg-nc -l each work through one agent, with no new handshake" {
  # The first run starts the agent.
  run --separate-stderr nc_say $'first\n' -v -N 10.77.0.1 7
  assert_success
  assert_output "first"
  AGENT=$(agent_pid_of "$stderr")
  [[ $stderr == *"started agent pid $AGENT "* ]] || fail "no agent started: $stderr"
  local handshakes
  handshakes=$(agent_peer_handshakes)

  run --separate-stderr nc_say $'hello agent\n' -v -N echo.lab.wgnet 7
  assert_success
  assert_output "hello agent"
  attached wg-nc

  # A name only the tunnel's DNS knows.
  run --separate-stderr lab_tool_timeout 30 "$WGDIG" -c "$LAB_CONF" -v +short web.lab.wgnet A
  assert_success
  assert_output "$LAB_PEER_INNER4"
  attached wg-dig

  run --separate-stderr lab_tool_timeout 30 "$WGPING" --wg-config "$LAB_CONF" -v -c 2 -i 0.2 "$LAB_PEER_INNER4"
  assert_success
  assert_line --partial "2 packets transmitted, 2 received"
  attached wg-ping

  run --separate-stderr ssh_key -v "$LAB_SSH_USER@$LAB_PEER_INNER4" 'echo ssh-ok; true'
  assert_success
  assert_output "ssh-ok"
  attached wg-ssh

  # wg-nc -l: a listener on the agent's tunnel address, reached from the peer side.
  local out="$BATS_TEST_TMPDIR/listen.out"
  printf 'from-tool\n' >"$BATS_TEST_TMPDIR/listen.in"
  nc_tool -v -l -N "$LAB_TOOL_INNER4" 5555 <"$BATS_TEST_TMPDIR/listen.in" >"$out" 2>"$out.err" 3>&- &
  BG_PID=$!
  wait_for 10 grep -q "attached to agent pid $AGENT " "$out.err" || fail "wg-nc -l did not attach: $(cat "$out.err")"
  local got="" attempt
  for attempt in 1 2 3 4 5; do
    got=$(printf 'from-peer\n' | lab_peer timeout 10 socat -t 5 - "TCP:$LAB_TOOL_INNER4:5555,connect-timeout=3") && break
    sleep 0.5
  done
  assert_equal "$got" "from-tool"
  wait_bg "$BG_PID" 10 || fail "wg-nc -l did not exit after the peer closed"
  BG_PID=""
  assert_equal "$BG_STATUS" 0
  assert_equal "$(cat "$out")" "from-peer"

  # One agent served them all, and the peer saw no handshake after the first run's.
  assert_equal "$(agent_pids)" "$AGENT"
  assert_equal "$(agent_peer_handshakes)" "$handshakes"
}
