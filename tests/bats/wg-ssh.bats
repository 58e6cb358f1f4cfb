#!/usr/bin/env bats
# wg-ssh against a real OpenSSH sshd behind a wireguard-go peer (issue 5's Tests paragraph;
# TESTPLAN I1 host key matrix and I2 fingerprint display against the real server). wg-ssh runs in
# the tool namespace, whose only way out is the tunnel. Interactive tests drive a private tmux.
# Needs root; otherwise every test is skipped with the reason.

load ../lab/wgnc
load ../lab/wgssh

setup_file() { wgssh_setup_file; }
teardown_file() { lab_teardown_file; }
setup() { wgssh_setup; }
teardown() {
  [ -z "${BG_PID:-}" ] || stop_bg "$BG_PID"
  # A test that paused the lab's wireguard-go (by its PID) lets it go on whatever happened.
  [ -z "${PAUSED_PID:-}" ] || kill -CONT "$PAUSED_PID" 2>/dev/null || true
  wgssh_teardown
}

# --- command mode -------------------------------------------------------------------------------

@test "command mode: remote exit status 3 becomes ours; stdout and stderr stay apart" {
  run --separate-stderr ssh_key "$LAB_SSH_USER@10.77.0.1" 'echo to-stdout; echo to-stderr >&2; exit 3'
  assert_equal "$status" 3
  assert_output "to-stdout"
  assert_equal "$stderr" "to-stderr"
}

@test "command mode: 1 MiB of binary stdin round-trips (cat) with the same SHA-256; EOF reaches the command" {
  head -c $((1024 * 1024)) "$LAB_DIR/up.bin" >"$BATS_TEST_TMPDIR/in.bin"
  local want got remote
  want=$(sha256sum <"$BATS_TEST_TMPDIR/in.bin" | cut -d' ' -f1)
  ssh_key "$LAB_SSH_USER@10.77.0.1" cat <"$BATS_TEST_TMPDIR/in.bin" >"$BATS_TEST_TMPDIR/out.bin"
  got=$(sha256sum <"$BATS_TEST_TMPDIR/out.bin" | cut -d' ' -f1)
  assert_equal "$got" "$want"
  # The remote side sees all of it and the end of it (sha256sum only answers at EOF).
  remote=$(ssh_key "$LAB_SSH_USER@10.77.0.1" sha256sum <"$BATS_TEST_TMPDIR/in.bin" | cut -d' ' -f1)
  assert_equal "$remote" "$want"
}

@test "-n: the remote command reads /dev/null, not our stdin" {
  with_stdin_data() { printf 'local data' | ssh_key "$@"; }
  run --separate-stderr with_stdin_data -n "$LAB_SSH_USER@10.77.0.1" 'wc -c'
  assert_success
  assert_output "0"
  # Without -n the same command gets our stdin: the test above can tell the two apart.
  run --separate-stderr with_stdin_data "$LAB_SSH_USER@10.77.0.1" 'wc -c'
  assert_success
  assert_output "10"
}

@test "command mode: a command killed by a signal gives 255 and is reported" {
  run --separate-stderr ssh_key "$LAB_SSH_USER@10.77.0.1" 'echo before; kill -TERM $$'
  assert_equal "$status" 255
  assert_output "before"
  assert_equal "$stderr" "wg-ssh: remote command terminated by signal SIGTERM"
}

@test "ConnectTimeout bounds the dial to a tunnel address nobody answers; exit 255" {
  local t0 t1
  t0=$(now_ms)
  run --separate-stderr ssh_key -o ConnectTimeout=2 "$LAB_SSH_USER@10.77.0.99" true
  t1=$(now_ms)
  assert_equal "$status" 255
  [[ "$stderr" == *"connect to host 10.77.0.99 port 22"* ]]
  [ $((t1 - t0)) -lt 6000 ]
}

@test "-4 / -6 pick the address family of a dual-stack name (the server sees our tunnel address)" {
  run --separate-stderr ssh_key -4 "$LAB_SSH_USER@ssh.lab.wgnet" 'echo $SSH_CONNECTION'
  assert_success
  assert_output --regexp '^10\.77\.0\.2 [0-9]+ 10\.77\.0\.1 22$'
  run --separate-stderr ssh_key -6 "$LAB_SSH_USER@ssh.lab.wgnet" 'echo $SSH_CONNECTION'
  assert_success
  assert_output --regexp '^fd77::2 [0-9]+ fd77::1 22$'
}

@test "-T never asks for a pty, -tt forces one even without a local terminal" {
  run --separate-stderr ssh_key -T "$LAB_SSH_USER@10.77.0.1" tty
  assert_equal "$status" 1
  assert_output "not a tty"
  run --separate-stderr ssh_key -tt "$LAB_SSH_USER@10.77.0.1" tty </dev/null
  assert_success
  assert_output --regexp '^/dev/pts/[0-9]+'
}

@test "-o Ciphers/MACs/KexAlgorithms reach the key exchange; a list libssh2 cannot do is refused; no Terrapin exposure" {
  run --separate-stderr ssh_key -v -o Ciphers=aes256-ctr -o MACs=hmac-sha2-512 \
    -o KexAlgorithms=ecdh-sha2-nistp256 "$LAB_SSH_USER@10.77.0.1" 'echo algo-ok'
  assert_success
  assert_output "algo-ok"
  [[ "$stderr" == *"kex: ecdh-sha2-nistp256, host key "*", cipher aes256-ctr, MAC hmac-sha2-512"* ]]
  [[ "$stderr" != *"Terrapin"* ]]
  # Refused before anything is connected, as OpenSSH refuses a bad list: no WireGuard config is
  # read (this one does not exist), no tunnel opened.
  run --separate-stderr lab_tool_timeout 30 "$WGSSH" -c "$LAB_DIR/no-such.conf" -F /dev/null \
    -o Ciphers=chacha20-poly1305@openssh.com "$LAB_SSH_USER@10.77.0.1" true
  assert_failure 255
  assert_equal "$stderr" "wg-ssh: error: no Ciphers left from 'chacha20-poly1305@openssh.com' that libssh2 1.10.0 supports (it has: aes128-ctr,aes192-ctr,aes256-ctr,aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,aes128-cbc,blowfish-cbc,arcfour128,arcfour,cast128-cbc,3des-cbc)"
}

@test "ServerAliveInterval: a server gone silent ends the session after CountMax+1 intervals (255)" {
  PAUSED_PID=$(awk '$1 == "wireguard-go" {print $2}' "$LAB_DIR/pids")
  [ "$(ip netns identify "$PAUSED_PID")" = "$LAB_PEER_NS" ]
  ssh_key -o ServerAliveInterval=1 -o ServerAliveCountMax=1 "$LAB_SSH_USER@10.77.0.1" \
    'echo up; sleep 20' >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null 3>&- &
  BG_PID=$!
  wait_for 10 grep -q up "$BATS_TEST_TMPDIR/out"
  kill -STOP "$PAUSED_PID"
  local t0 t1
  t0=$(now_ms)
  wait_for 10 wgnc__gone "$BG_PID"
  t1=$(now_ms)
  kill -CONT "$PAUSED_PID"
  local status=0
  wait "$BG_PID" || status=$?
  BG_PID=""
  assert_equal "$status" 255
  grep -q "Timeout, server 10.77.0.1 not responding." "$BATS_TEST_TMPDIR/err"
  [ $((t1 - t0)) -ge 1000 ] && [ $((t1 - t0)) -lt 4500 ]
}

# --- authentication -----------------------------------------------------------------------------

@test "-i key: ed25519 and ECDSA keys log in; the server saw publickey auth with that key" {
  local before fp
  before=$(lines_of "$LAB_SSHD_LOG")
  run --separate-stderr ssh_key "$LAB_SSH_USER@10.77.0.1" 'echo ed25519-ok'
  assert_success
  assert_output "ed25519-ok"
  fp=$(ssh-keygen -lf "$LAB_SSH_KEY.pub" | awk '{print $2}')
  run sshd_log_since "$before"
  assert_output --partial "Accepted publickey for $LAB_SSH_USER from 10.77.0.2"
  assert_output --partial "ED25519 $fp"
  run --separate-stderr ssh_tool -o BatchMode=yes -i "$LAB_SSH_KEY_ECDSA" "$LAB_SSH_USER@10.77.0.1" 'echo ecdsa-ok'
  assert_success
  assert_output "ecdsa-ok"
}

@test "RSA key: refused on port 22 with the libssh2 SHA-1 note, accepted on 2222 ([host]:port known_hosts)" {
  run --separate-stderr ssh_tool -o BatchMode=yes -i "$LAB_SSH_KEY_RSA" "$LAB_SSH_USER@10.77.0.1" true
  assert_equal "$status" 255
  [[ "$stderr" == *"Permission denied (publickey"* ]]
  [[ "$stderr" == *"ssh-rsa (SHA-1)"* ]]
  # Port 2222 accepts ssh-rsa signatures; its host keys are known as [10.77.0.1]:2222 only.
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts" port=2222
  run --separate-stderr ssh_tool -o BatchMode=yes -o StrictHostKeyChecking=yes -p 2222 \
    -i "$LAB_SSH_KEY_RSA" "$LAB_SSH_USER@10.77.0.1" 'echo rsa-ok'
  assert_success
  assert_output "rsa-ok"
}

@test "ssh-agent: the agent's key logs in (no identity file anywhere); the agent is ours, stopped by PID" {
  wgssh_agent_start "$LAB_SSH_KEY_ECDSA"
  local before fp
  before=$(lines_of "$LAB_SSHD_LOG")
  run --separate-stderr ssh_tool -o BatchMode=yes "$LAB_SSH_USER@10.77.0.1" 'echo agent-ok'
  assert_success
  assert_output "agent-ok"
  fp=$(ssh-keygen -lf "$LAB_SSH_KEY_ECDSA.pub" | awk '{print $2}')
  run sshd_log_since "$before"
  assert_output --partial "Accepted publickey for $LAB_SSH_USER"
  assert_output --partial "ECDSA $fp"
}

@test "password auth: the prompt is on the terminal (tmux), the password logs in" {
  local before
  before=$(lines_of "$LAB_SSHD_LOG")
  term_start "$(wgssh_term_cmd -o PubkeyAuthentication=no -o KbdInteractiveAuthentication=no \
    "$LAB_SSH_USER@ssh.lab.wgnet" 'echo password-ok; exit 7')"
  term_wait_screen 10 "$LAB_SSH_USER@ssh.lab.wgnet's password: \$"
  term_send -l "$LAB_SSH_PASSWORD"
  term_send Enter
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 7
  term_screen_has '^password-ok$'
  # Not echoed.
  ! term_screen_has "$LAB_SSH_PASSWORD"
  run sshd_log_since "$before"
  assert_output --partial "Accepted password for $LAB_SSH_USER"
}

@test "keyboard-interactive (PAM) is tried before password: its prompt, its answer" {
  local before
  before=$(lines_of "$LAB_SSHD_LOG")
  term_start "$(wgssh_term_cmd -o PubkeyAuthentication=no "$LAB_SSH_USER@10.77.0.1" 'echo kbd-ok')"
  term_wait_screen 10 '^Password: $'
  term_send -l "$LAB_SSH_PASSWORD"
  term_send Enter
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 0
  term_screen_has '^kbd-ok$'
  run sshd_log_since "$before"
  assert_output --partial "Accepted keyboard-interactive/pam for $LAB_SSH_USER"
}

@test "encrypted key: the passphrase is asked on the terminal, a wrong one asked again; BatchMode never asks" {
  term_start "$(wgssh_term_cmd -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
    -i "$LAB_SSH_KEY_ENC" "$LAB_SSH_USER@10.77.0.1" 'echo passphrase-ok')"
  term_wait_screen 10 "^Enter passphrase for key '$LAB_SSH_KEY_ENC': \$"
  term_send -l "not-the-passphrase"
  term_send Enter
  term_wait_screen 10 "^Bad passphrase, try again for $LAB_SSH_KEY_ENC: \$"
  term_send -l "$LAB_SSH_KEY_PASS"
  term_send Enter
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 0
  term_screen_has '^passphrase-ok$'
  run --separate-stderr ssh_tool -o BatchMode=yes -i "$LAB_SSH_KEY_ENC" "$LAB_SSH_USER@10.77.0.1" true
  assert_equal "$status" 255
  [[ "$stderr" == *"Permission denied"* ]]
}

# --- host keys (TESTPLAN I1, I2) ------------------------------------------------------------------

@test "unknown host: refused under BatchMode with StrictHostKeyChecking=yes, before any authentication" {
  rm -f "$HOME/.ssh/known_hosts"
  local before
  before=$(lines_of "$LAB_SSHD_LOG")
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@10.77.0.1" true
  assert_equal "$status" 255
  assert_output ""
  [[ "$stderr" == *"host key is known for 10.77.0.1 and you have requested strict checking."* ]]
  [[ "$stderr" == *"Host key verification failed."* ]]
  [ ! -e "$HOME/.ssh/known_hosts" ]
  run sshd_log_since "$before"
  refute_output --regexp "Accepted|Failed|Postponed|authenticating user"
}

@test "default mode (ask) with nobody to ask refuses: never a silent connection" {
  rm -f "$HOME/.ssh/known_hosts"
  # setsid: no controlling terminal, so /dev/tty cannot be opened (as for a cron job).
  run --separate-stderr setsid -w timeout -k 5 "$WGSSH_TIMEOUT" ip netns exec "$LAB_TOOL_NS" \
    "$WGSSH" -c "$LAB_CONF" -F "$HOME/.ssh/config" -i "$LAB_SSH_KEY" "$LAB_SSH_USER@10.77.0.1" true
  assert_equal "$status" 255
  [[ "$stderr" == *"Host key verification failed."* ]]
  [ ! -e "$HOME/.ssh/known_hosts" ]
}

@test "accept-new records a 0600 entry; the next run matches it under StrictHostKeyChecking=yes" {
  rm -f "$HOME/.ssh/known_hosts"
  run --separate-stderr ssh_key -o StrictHostKeyChecking=accept-new "$LAB_SSH_USER@10.77.0.1" 'echo first'
  assert_success
  assert_output "first"
  [[ "$stderr" == *"Warning: Permanently added '10.77.0.1' ("*") to the list of known hosts."* ]]
  [ "$(stat -c %a "$HOME/.ssh/known_hosts")" = 600 ]
  [ "$(wc -l <"$HOME/.ssh/known_hosts")" -eq 1 ]
  # The recorded key is one of the server's.
  grep -qF "$(cut -d' ' -f2,3 "$HOME/.ssh/known_hosts")" "$LAB_SSH_HOSTKEYS"
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@10.77.0.1" 'echo second'
  assert_success
  assert_output "second"
  assert_equal "$stderr" ""
}

@test "ask mode on a terminal: the SHA-256 fingerprint is shown; 'yes' records the key and goes on" {
  rm -f "$HOME/.ssh/known_hosts"
  term_start "$(wgssh_term_cmd -i "$LAB_SSH_KEY" "$LAB_SSH_USER@ssh.lab.wgnet" 'echo asked-ok')"
  term_wait_screen 10 'Are you sure you want to continue connecting \(yes/no/\[fingerprint\]\)\? $'
  local shown type fp
  shown=$(term_screen | sed -n 's/^\([A-Z0-9]*\) key fingerprint is \(SHA256:[^ ]*\)\.$/\1 \2/p')
  [ -n "$shown" ]
  type=${shown%% *}
  fp=${shown#* }
  # The fingerprint is the one ssh-keygen computes for the server's key of that type.
  ssh-keygen -lf "$LAB_SSH_HOSTKEYS" | grep -F "$fp" | grep -qF "($type)"
  term_screen_has "^The authenticity of host 'ssh.lab.wgnet \((10\.77\.0\.1|fd77::1)\)' can't be established\.$"
  term_send -l yes
  term_send Enter
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 0
  term_screen_has '^asked-ok$'
  grep -q '^ssh.lab.wgnet ' "$HOME/.ssh/known_hosts"
}

@test "only an ED25519 key known (as OpenSSH records it): that key type is asked for and matches" {
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts"
  grep ' ssh-ed25519 ' "$HOME/.ssh/known_hosts" >"$BATS_TEST_TMPDIR/ed25519_only"
  mv "$BATS_TEST_TMPDIR/ed25519_only" "$HOME/.ssh/known_hosts"
  [ "$(wc -l <"$HOME/.ssh/known_hosts")" -eq 1 ]
  run --separate-stderr ssh_key -v -o StrictHostKeyChecking=yes "$LAB_SSH_USER@10.77.0.1" 'echo ed25519-known'
  assert_success
  assert_output "ed25519-known"
  [[ "$stderr" == *"host key ssh-ed25519"* ]]
}

@test "hashed known_hosts entries match" {
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts" hashed
  ! grep -q '10.77.0.1' "$HOME/.ssh/known_hosts"
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@10.77.0.1" 'echo hashed-ok'
  assert_success
  assert_output "hashed-ok"
}

@test "[host]:port entries: port 2222 matches them, port 22 does not" {
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts" port=2222 hashed
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes -p 2222 "$LAB_SSH_USER@10.77.0.1" 'echo port-ok'
  assert_success
  assert_output "port-ok"
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@10.77.0.1" true
  assert_equal "$status" 255
  [[ "$stderr" == *"Host key verification failed."* ]]
}

@test "changed host key: refused loudly before authentication, even with StrictHostKeyChecking=no" {
  lab_ssh_known_hosts "$HOME/.ssh/known_hosts"
  cp "$HOME/.ssh/known_hosts" "$BATS_TEST_TMPDIR/known_hosts.before"
  lab_sshd_new_hostkeys
  local before
  before=$(lines_of "$LAB_SSHD_LOG")
  run --separate-stderr ssh_key -o StrictHostKeyChecking=no "$LAB_SSH_USER@10.77.0.1" 'echo must-not-run'
  assert_equal "$status" 255
  assert_output ""
  [[ "$stderr" == *"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"* ]]
  [[ "$stderr" == *"Offending "*" key in $HOME/.ssh/known_hosts:"* ]]
  [[ "$stderr" == *"Host key verification failed."* ]]
  cmp "$HOME/.ssh/known_hosts" "$BATS_TEST_TMPDIR/known_hosts.before"
  run sshd_log_since "$before"
  refute_output --regexp "Accepted|Failed|Postponed|authenticating user"
}

# --- interactive sessions -----------------------------------------------------------------------

@test "interactive: prompt, a pty, window size and its change, terminal restored after exit" {
  term_start "$(wgssh_term_cmd -i "$LAB_SSH_KEY" "$LAB_SSH_USER@ssh.lab.wgnet")"
  term_wait_screen 10 "$LAB_SSH_USER@[^ ]*:~\\\$ \$"
  term_send -l 'tty; stty size'
  term_send Enter
  term_wait_screen 5 '^/dev/pts/[0-9]+$'
  term_wait_screen 5 '^30 100$'
  term_tmux resize-window -x 120 -y 40
  term_send -l 'stty size'
  term_send Enter
  term_wait_screen 5 '^40 120$'
  term_send -l 'echo "TERM=$TERM"; exit 5'
  term_send Enter
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 5
  term_screen_has '^TERM=(screen|tmux)'
  term_screen_has '^Connection to ssh.lab.wgnet closed\.$'
  cmp "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
}

@test "interactive: ~. disconnects (255), the terminal is restored" {
  term_start "$(wgssh_term_cmd -i "$LAB_SSH_KEY" "$LAB_SSH_USER@10.77.0.1")"
  term_wait_screen 10 "$LAB_SSH_USER@[^ ]*:~\\\$ \$"
  term_send Enter
  # The shell's answer to that Enter (a second prompt) must be on screen before ~. is typed, or
  # it could land on the line our closing message is printed on.
  term_wait_screen_lines 10 2 "$LAB_SSH_USER@[^ ]*:~\\\$ \$"
  term_send -l '~.'
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 255
  term_screen_has '^Connection to 10.77.0.1 closed\.$' || fail "screen: $(term_screen)"
  cmp "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
}

@test "interactive: SIGTERM to wg-ssh restores the terminal (255)" {
  term_start "$(wgssh_term_cmd -i "$LAB_SSH_KEY" "$LAB_SSH_USER@10.77.0.1")"
  term_wait_screen 10 "$LAB_SSH_USER@[^ ]*:~\\\$ \$"
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/$WGSSH_PIDFILE_NAME")
  [ "$(ip netns identify "$pid")" = "$LAB_TOOL_NS" ]
  kill -TERM "$pid"
  term_wait_exit 10
  assert_equal "$TERM_STATUS" 255
  cmp "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
}

# --- forwarding, names, ProxyCommand -----------------------------------------------------------

echo_lines_since_at_least() { [ "$(since "$LAB_DIR/echo.log" "$1" | wc -l)" -ge "$2" ]; }

@test "-L forward on the tool namespace's loopback carries two connections at once to the echo service" {
  local port=17007 before
  before=$(lines_of "$LAB_DIR/echo.log")
  ssh_key -N -L "$port:10.77.0.1:7" "$LAB_SSH_USER@10.77.0.1" </dev/null 3>&- &
  BG_PID=$!
  wait_for 10 lab_tool bash -c "ss -Hltn 'sport = :$port' | grep -q 127.0.0.1"
  run lab_tool timeout 10 python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port), timeout=5)
b = socket.create_connection(("127.0.0.1", port), timeout=5)
a.sendall(b"alpha-"); b.sendall(b"bravo-")
ra, rb = a.recv(64), b.recv(64)
b.sendall(b"two"); a.sendall(b"one")
rb += b.recv(64); ra += a.recv(64)
a.shutdown(socket.SHUT_WR); b.shutdown(socket.SHUT_WR)
print(ra.decode(), rb.decode(), a.recv(1) == b"", b.recv(1) == b"")
PY
  assert_success
  assert_output "alpha-one bravo-two True True"
  # The echo service saw both, from the sshd side of the tunnel, each with its half-close.
  wait_for 5 echo_lines_since_at_least "$before" 2
  run since "$LAB_DIR/echo.log" "$before"
  assert_line --regexp '^echo 10\.77\.0\.1:[0-9]+ 9 EOF$'
  assert_line --regexp '^echo 10\.77\.0\.1:[0-9]+ 9 EOF$'
  [ "$(echo "$output" | grep -c ' 9 EOF$')" -eq 2 ]
}

@test "names only the tunnel DNS knows: ssh.lab.wgnet and the bare 'ssh' (search domain)" {
  local before
  before=$(lines_of "$LAB_DNS_LOG")
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@ssh.lab.wgnet" 'echo fqdn-ok'
  assert_success
  assert_output "fqdn-ok"
  run --separate-stderr ssh_key -o StrictHostKeyChecking=yes "$LAB_SSH_USER@ssh" 'echo bare-ok'
  assert_success
  assert_output "bare-ok"
  run since "$LAB_DNS_LOG" "$before"
  assert_output --partial "ssh.lab.wgnet from 10.77.0.2"
}

@test "the ProxyCommand recipe: OpenSSH's ssh through wg-nc" {
  run --separate-stderr lab_tool timeout 30 ssh -F /dev/null \
    -o UserKnownHostsFile="$HOME/.ssh/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o IdentitiesOnly=yes -i "$LAB_SSH_KEY" -o ProxyCommand="$WGNC -c $LAB_CONF %h %p" \
    "$LAB_SSH_USER@ssh.lab.wgnet" 'echo proxied-ok'
  assert_success
  assert_output "proxied-ok"
}
