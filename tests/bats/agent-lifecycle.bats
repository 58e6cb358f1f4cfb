#!/usr/bin/env bats
# The life of a shared-tunnel agent (issue 9): a crashed agent is replaced at once, a private
# directory that is not private is refused, another local user is refused (SO_PEERCRED), a
# changed config gets a new agent, `wgnet-agent stop` and the idle timeout end it. Lab:
# wireguard-go peer with the web servers (web.bash); tools in the tool namespace. Needs root;
# otherwise every test is skipped with the reason.

# shellcheck disable=SC2034  # read by wgnc.bash: this suite shares the tunnel (the default)
LAB_SHARE=1
load ../lab/wgnc
# shellcheck source=tests/lab/web.bash
source "$BATS_TEST_DIRNAME/../lab/web.bash"
# shellcheck source=tests/lab/wgcurl.bash
source "$BATS_TEST_DIRNAME/../lab/wgcurl.bash"
# shellcheck source=tests/lab/sshd.bash
source "$BATS_TEST_DIRNAME/../lab/sshd.bash"  # sshd__retry: useradd while other labs hold the lock
# shellcheck source=tests/lab/agent.bash
source "$BATS_TEST_DIRNAME/../lab/agent.bash"

setup_file() { agent_setup_file; }
teardown_file() { lab_teardown_file; }
setup() {
  wgnc_skip_if_unusable
  BG_PIDS=()
  OTHER_USER=""
  RESTORE_MODES=()
}
teardown() {
  local pid entry
  for pid in "${BG_PIDS[@]}"; do stop_bg "$pid"; done
  for entry in "${RESTORE_MODES[@]}"; do chmod "${entry%%:*}" "${entry#*:}"; done
  if [ -n "$OTHER_USER" ]; then
    sshd__retry userdel "$OTHER_USER" || echo "could not remove user $OTHER_USER" >&2
  fi
  agent_teardown
}

@test "an agent SIGKILLed mid-use: the run using it fails, the next run starts a new one within 1 s" {
  local d=$BATS_TEST_TMPDIR
  # A slow download (10 MB at 1 MB/s) keeps the agent in use.
  (
    rc=0  # (Bats' errexit would end the subshell at the failure this test expects)
    wgcurl -sS -v -o "$d/slow.bin" "http://web.lab.wgnet/slow?bytes=10000000&rate=1000000" \
      2>"$d/slow.err" || rc=$?
    echo "$rc" >"$d/slow.rc"
  ) 3>&- &
  BG_PIDS+=($!)
  wait_for 10 grep -q '^< HTTP/1.1 200' "$d/slow.err" || fail "the slow download did not start: $(cat "$d/slow.err")"
  local old
  old=$(agent_pid_of "$(cat "$d/slow.err")")
  [ -n "$old" ] && [ "$(agent_pids)" = "$old" ] || fail "no agent named in: $(cat "$d/slow.err")"
  kill -KILL "$old"
  wait_for 5 agent_gone "$old" || fail "agent $old survived SIGKILL"

  TIMED_ERR="$d/next.err" timed_runs 1 "$WGCURL" -c "$LAB_CONF" -v -sS http://web.lab.wgnet/ >"$d/next"
  local ms rc out
  read -r ms rc out <"$d/next"
  echo "# the run after SIGKILL (a new agent started): ${ms} ms" >&3
  assert_equal "$rc" 0
  assert_equal "$out" "hello from web.lab.wgnet"
  local new
  new=$(agent_pid_of "$(cat "$d/next.err")")
  grep -q "started agent pid $new " "$d/next.err" || fail "no new agent: $(cat "$d/next.err")"
  [ "$new" != "$old" ]
  # 1 s; 3 s in the sanitizer build, where this run is two ASan program starts (tool and agent).
  local budget=1000
  agent_is_sanitizer_build && budget=3000
  [ "$ms" -le "$budget" ] || fail "the run that replaced the agent took ${ms} ms"
  assert_equal "$(agent_pids)" "$new"

  # The download whose tunnel was killed under it ended in an error, not in a hang or a short
  # file passed off as whole.
  wait_for 30 test -s "$d/slow.rc" ||
    fail "the download through the killed agent still runs: $(tail -n 2 "$d/slow.err")"
  [ "$(cat "$d/slow.rc")" != 0 ] || fail "the download through the killed agent exited 0"
}

@test "agent directory mode 0777 or owned by another uid: the run is refused in one line naming it" {
  local x="$BATS_TEST_TMPDIR/xdg"
  mkdir -m 700 "$x"
  mkdir "$x/wgnet"
  chmod 0777 "$x/wgnet"
  run --separate-stderr wgcurl_env XDG_RUNTIME_DIR="$x" -- -sS http://web.lab.wgnet/
  assert_failure
  assert_output ""
  assert_equal "${#stderr_lines[@]}" 1
  [[ $stderr == *"$x/wgnet"*"mode 0777"* ]] || fail "not naming the directory and its mode: $stderr"
  echo "# 0777: exit $status: $stderr" >&3

  chmod 700 "$x/wgnet"
  chown 65534 "$x/wgnet"
  run --separate-stderr wgcurl_env XDG_RUNTIME_DIR="$x" -- -sS http://web.lab.wgnet/
  assert_failure
  assert_output ""
  assert_equal "${#stderr_lines[@]}" 1
  [[ $stderr == *"$x/wgnet"*"owned by uid 65534"* ]] || fail "not naming the directory and its owner: $stderr"
  # Nothing was started, nothing was put there.
  assert_equal "$(agent_count)" 0
  assert_equal "$(ls -A "$x/wgnet")" ""
}

# A client speaking the agent's protocol (magic "WGA1", then a HELLO frame: u32 length, op 1,
# u32 version 1, str fingerprint, u32 pid; libwgnet/agent/wire.hpp, protocol.hpp): prints
# "reply N" with the bytes the agent answered, or "closed" when it closed without a byte. Kept
# in the lab directory: the other user must read it, and Bats' own directories are private.
write_hello_client() {
  HELLO_PY="$LAB_DIR/agent-hello.py"
  cat >"$HELLO_PY" <<'EOF'
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
fp = b"0" * 64
body = bytes([1]) + struct.pack("<I", 1) + struct.pack("<I", len(fp)) + fp + struct.pack("<I", os.getpid())
try:
    s.sendall(b"WGA1" + struct.pack("<I", len(body)) + body)
except (BrokenPipeError, ConnectionResetError):
    pass
got = b""
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
        if len(got) >= 4 and len(got) >= 4 + struct.unpack("<I", got[:4])[0]:
            break
except ConnectionResetError:
    pass
print("reply %d" % len(got) if got else "closed")
EOF
}

# open_mode MODE PATH: chmod PATH for this test only (teardown puts the old mode back).
open_mode() {
  RESTORE_MODES+=("$(stat -c %a "$2"):$2")
  chmod "$1" "$2"
}

@test "another local user cannot use the agent: SO_PEERCRED refuses it before any byte" {
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  local agent sock
  agent=$(agent_pid_of "$stderr")
  sock=$(agent_cli socket -c "$LAB_CONF")
  write_hello_client
  # Our own uid is served (the client is right).
  run lab_tool /usr/bin/python3 "$HELLO_PY" "$sock"
  assert_success
  assert_output --regexp '^reply [0-9]+$'

  OTHER_USER="wgx$LAB_ID"
  sshd__retry useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group --comment "wgnet agent test $LAB_ID" "$OTHER_USER" || fail "useradd failed"
  local uid
  uid=$(id -u "$OTHER_USER")
  # The directory's 0700 alone would stop the user at the path: open the way for this test, so
  # that what refuses is the agent's own check of the connecting uid.
  local p
  for p in "$LAB_DIR" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/wgnet"; do
    open_mode 711 "$p"
  done
  open_mode 666 "$sock"
  open_mode 644 "$HELLO_PY"
  run lab_tool setpriv --reuid="$uid" --regid="$(id -g "$OTHER_USER")" --clear-groups \
    /usr/bin/python3 "$HELLO_PY" "$sock"
  assert_success
  assert_output "closed"
  grep -q "refused a connection from uid $uid " "$XDG_RUNTIME_DIR"/wgnet/*.log ||
    fail "the agent did not log the refusal: $(cat "$XDG_RUNTIME_DIR"/wgnet/*.log)"
  # The agent goes on serving its own user.
  for p in "${RESTORE_MODES[@]}"; do chmod "${p%%:*}" "${p#*:}"; done
  RESTORE_MODES=()
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  [[ $stderr == *"attached to agent pid $agent "* ]] || fail "$stderr"
}

@test "the config changed on disk (AllowedIPs): the next run retires the old agent and starts a new one" {
  local conf="$BATS_TEST_TMPDIR/tool.conf"
  lab_write_config "$conf"
  run --separate-stderr wgcurl_conf "$conf" -v -sS http://web.lab.wgnet/
  assert_success
  local old
  old=$(agent_pid_of "$stderr")
  # Same key (so the same socket), a different tunnel: a narrower AllowedIPs.
  sed -i 's|^AllowedIPs = .*|AllowedIPs = 10.77.0.0/25, fd77::/64|' "$conf"
  run --separate-stderr wgcurl_conf "$conf" -v -sS http://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  local new
  new=$(agent_pid_of "$stderr")
  [[ $stderr == *"started agent pid $new "* ]] || fail "no new agent: $stderr"
  [ "$new" != "$old" ]
  wait_for 5 agent_gone "$old" || fail "the old agent $old still runs"
  assert_equal "$(agent_pids)" "$new"
  # An edit that changes nothing of the tunnel (a comment) keeps the agent.
  echo "# a comment" >>"$conf"
  run --separate-stderr wgcurl_conf "$conf" -v -sS http://web.lab.wgnet/
  assert_success
  [[ $stderr == *"attached to agent pid $new "* ]] || fail "$stderr"
}

@test "wgnet-agent stop -c ends the agent at once; status then says none runs (exit 1)" {
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  local agent t0 ms
  agent=$(agent_pid_of "$stderr")
  run agent_cli status -c "$LAB_CONF"
  assert_success
  assert_line "pid $agent"
  t0=$(now_ms)
  run agent_cli stop -c "$LAB_CONF"
  ms=$(($(now_ms) - t0))
  assert_success
  # When stop returns, the agent is gone (not merely asked to go).
  agent_gone "$agent" || fail "agent $agent still runs after stop returned"
  echo "# wgnet-agent stop: ${ms} ms" >&3
  [ "$ms" -le 2000 ] || fail "stop took ${ms} ms"
  run agent_cli status -c "$LAB_CONF"
  assert_failure 1
  run agent_cli stop -c "$LAB_CONF"
  assert_failure 1
}

@test "an agent started with WGNET_AGENT_IDLE=2 exits about 2 s after its last client" {
  run --separate-stderr wgcurl_env WGNET_AGENT_IDLE=2 -- -v -sS http://web.lab.wgnet/
  assert_success
  local agent t0
  t0=$(now_ms)
  agent=$(agent_pid_of "$stderr")
  # Still there a second after the run left...
  sleep 1
  ! agent_gone "$agent" || fail "agent $agent exited before its idle timeout"
  # ...gone soon after the 2 s.
  wait_for 5 agent_gone "$agent" || fail "agent $agent still runs 6 s after its last client"
  echo "# idle agent gone $(($(now_ms) - t0)) ms after the run ended" >&3
  assert_equal "$(agent_count)" 0
}

@test "wgnet-agent start --idle-timeout 2: prints the socket, serves, and exits when idle" {
  run agent_cli start -c "$LAB_CONF" --idle-timeout 2
  assert_success
  local sock=$output
  [ -S "$sock" ] || fail "not a socket: $sock"
  local agent
  agent=$(agent_pids)
  [ -n "$agent" ]
  run --separate-stderr wgcurl -v -sS http://web.lab.wgnet/
  assert_success
  [[ $stderr == *"attached to agent pid $agent (socket $sock)"* ]] || fail "$stderr"
  wait_for 6 agent_gone "$agent" || fail "agent $agent did not exit when idle"
  [ ! -e "$sock" ] || fail "the socket $sock was left behind"
}
