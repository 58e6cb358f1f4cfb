#!/usr/bin/env bats
# wg-ssh driven the way real programs drive ssh (issue 11 items 4-6): scp (SFTP mode and -O) and
# sftp with -S (a program without arguments: the WireGuard config comes from WGNET_CONFIG),
# rsync -e, git with GIT_SSH_COMMAND (ssh:// URLs with a port, protocol v2 through SendEnv), -G,
# and -J / ProxyJump (each hop reached through a direct-tcpip channel of the one before). Against
# the lab's OpenSSH sshd behind a wireguard-go peer; every program runs in the tool namespace,
# whose only way out is the tunnel.
# Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): rsync/scp/git drive the
# same wg-ssh session code wg-ssh.bats runs under the sanitizers.
# bats file_tags=plain-build-only

load ../lab/wgnc
load ../lab/wgssh

setup_file() { wgssh_setup_file; }
teardown_file() { lab_teardown_file; }
setup() {
  wgssh_setup
  # The test's ssh config logs in with the lab's key and never asks; -F keeps /etc/ssh out.
  printf 'IdentityFile %s\nBatchMode yes\nStrictHostKeyChecking yes\n' "$LAB_SSH_KEY" >"$HOME/.ssh/config"
  lab_ssh_known_hosts "$BATS_TEST_TMPDIR/kh$LAB_SSH_ALT_PORT" port="$LAB_SSH_ALT_PORT"
  cat "$BATS_TEST_TMPDIR/kh$LAB_SSH_ALT_PORT" >>"$HOME/.ssh/known_hosts"
  DEST="$LAB_SSH_USER@10.77.0.1"
  # What a user writes in GIT_SSH_COMMAND / rsync -e.
  WGSSH_CMD="$WGSSH -c $LAB_CONF -F $HOME/.ssh/config"
}
teardown() { wgssh_teardown; }

# driver CMD...: CMD in the tool namespace with WGNET_CONFIG naming the lab's config (scp and
# sftp run "-S PROGRAM" without arguments), bounded in time.
driver() { lab_tool_timeout 60 env WGNET_CONFIG="$LAB_CONF" "$@"; }

# remote_file NAME: the path of NAME in the lab user's home (the same file system as ours).
remote_file() { printf '%s/%s' "$LAB_SSH_HOME" "$1"; }

sha() { sha256sum <"$1" | cut -d' ' -f1; }

make_payload() {
  head -c $((256 * 1024)) "$LAB_DIR/up.bin" >"$BATS_TEST_TMPDIR/$1"
}

@test "scp -S wg-ssh (SFTP mode): a file up and back again, the same bytes" {
  make_payload scp-up.bin
  run --separate-stderr driver scp -S "$WGSSH" -F "$HOME/.ssh/config" \
    "$BATS_TEST_TMPDIR/scp-up.bin" "$DEST:scp-sftp.bin"
  assert_success
  assert_equal "$(sha "$(remote_file scp-sftp.bin)")" "$(sha "$BATS_TEST_TMPDIR/scp-up.bin")"
  run --separate-stderr driver scp -S "$WGSSH" -F "$HOME/.ssh/config" \
    "$DEST:scp-sftp.bin" "$BATS_TEST_TMPDIR/scp-down.bin"
  assert_success
  assert_equal "$(sha "$BATS_TEST_TMPDIR/scp-down.bin")" "$(sha "$BATS_TEST_TMPDIR/scp-up.bin")"
  # scp's -oClearAllForwardings=yes has nothing to clear: not worth a warning.
  refute_output --partial "not supported"
  assert_equal "$stderr" ""
}

@test "scp -O -S wg-ssh (the legacy scp protocol): a file up and back again, the same bytes" {
  make_payload scp-up.bin
  run --separate-stderr driver scp -O -S "$WGSSH" -F "$HOME/.ssh/config" \
    "$BATS_TEST_TMPDIR/scp-up.bin" "$DEST:scp-legacy.bin"
  assert_success
  assert_equal "$(sha "$(remote_file scp-legacy.bin)")" "$(sha "$BATS_TEST_TMPDIR/scp-up.bin")"
  run --separate-stderr driver scp -O -S "$WGSSH" -F "$HOME/.ssh/config" \
    "$DEST:scp-legacy.bin" "$BATS_TEST_TMPDIR/scp-down.bin"
  assert_success
  assert_equal "$(sha "$BATS_TEST_TMPDIR/scp-down.bin")" "$(sha "$BATS_TEST_TMPDIR/scp-up.bin")"
}

@test "sftp -S wg-ssh: a batch of put, ls and get through the sftp subsystem" {
  make_payload sftp-up.bin
  printf 'put %s sftp.bin\nls -l sftp.bin\nget sftp.bin %s\n' \
    "$BATS_TEST_TMPDIR/sftp-up.bin" "$BATS_TEST_TMPDIR/sftp-down.bin" >"$BATS_TEST_TMPDIR/batch"
  run --separate-stderr driver sftp -S "$WGSSH" -F "$HOME/.ssh/config" -b "$BATS_TEST_TMPDIR/batch" "$DEST"
  assert_success
  assert_output --partial "sftp.bin"
  assert_equal "$(sha "$BATS_TEST_TMPDIR/sftp-down.bin")" "$(sha "$BATS_TEST_TMPDIR/sftp-up.bin")"
  grep -q "Starting session: subsystem 'sftp' for $LAB_SSH_USER" "$LAB_SSHD_LOG"
}

@test "rsync -e 'wg-ssh -c CONF': a small tree there and back, identical" {
  local tree="$BATS_TEST_TMPDIR/tree"
  mkdir -p "$tree/sub/deeper"
  echo one >"$tree/a.txt"
  head -c 70000 "$LAB_DIR/up.bin" >"$tree/sub/b.bin"
  ln -s ../a.txt "$tree/sub/link"
  : >"$tree/sub/deeper/empty"
  run --separate-stderr lab_tool_timeout 60 rsync -a -e "$WGSSH_CMD" "$tree/" "$DEST:rsync-tree/"
  assert_success
  run --separate-stderr lab_tool_timeout 60 rsync -a -e "$WGSSH_CMD" "$DEST:rsync-tree/" "$BATS_TEST_TMPDIR/back/"
  assert_success
  run diff -r --no-dereference "$tree" "$BATS_TEST_TMPDIR/back"
  assert_success
}

# git_bare_repo NAME: a bare repository with one commit in the lab user's home, owned by the user.
git_bare_repo() {
  local src="$BATS_TEST_TMPDIR/src"
  git init -q -b main "$src"
  echo "hello from the peer" >"$src/README"
  git -C "$src" add README
  GIT_AUTHOR_NAME=lab GIT_AUTHOR_EMAIL=lab@lab.wgnet GIT_COMMITTER_NAME=lab \
    GIT_COMMITTER_EMAIL=lab@lab.wgnet git -C "$src" commit -q -m first
  git clone -q --bare "$src" "$(remote_file "$1")"
  chown -R "$LAB_SSH_USER:" "$(remote_file "$1")"
}

# git_clone_v2 URL DIR: git clone with GIT_SSH_COMMAND=wg-ssh, then the clone's content and the
# protocol: git asked for v2 with SendEnv=GIT_PROTOCOL (it does so only for an ssh that passes
# git's "-G" probe), the server accepted the variable (AcceptEnv) and answered in v2.
git_clone_v2() {
  run --separate-stderr lab_tool_timeout 60 env GIT_SSH_COMMAND="$WGSSH_CMD" GIT_TRACE_PACKET=1 \
    git clone "$1" "$2"
  assert_success
  assert_equal "$(cat "$2/README")" "hello from the peer"
  assert_equal "$(grep -cE 'packet: +clone< version 2$' <<<"$stderr")" 1
}

@test "git clone ssh://USER@HOST:PORT/path with GIT_SSH_COMMAND=wg-ssh: cloned, over protocol v2" {
  git_bare_repo repo.git
  git_clone_v2 "ssh://$DEST:$LAB_SSH_ALT_PORT$(remote_file repo.git)" "$BATS_TEST_TMPDIR/clone"
}

@test "git clone USER@HOST:path (scp-like, port 22) with GIT_SSH_COMMAND=wg-ssh: protocol v2 too" {
  git_bare_repo repo22.git
  git_clone_v2 "$DEST:$(remote_file repo22.git)" "$BATS_TEST_TMPDIR/clone22"
}

@test "-G prints the resolved settings as ssh -G does, without a WireGuard config or the tunnel" {
  printf 'Host lab-alias\n  HostName SSH.lab.wgnet\n  User %s\n  Port %s\n' \
    "$LAB_SSH_USER" "$LAB_SSH_ALT_PORT" >>"$HOME/.ssh/config"
  # No -c and no WGNET_CONFIG: -G reads ssh configs only, as ssh -G.
  run --separate-stderr env -u WGNET_CONFIG "$WGSSH" -F "$HOME/.ssh/config" -G lab-alias
  assert_success
  assert_line "host lab-alias"
  assert_line "user $LAB_SSH_USER"
  assert_line "hostname ssh.lab.wgnet"
  assert_line "port $LAB_SSH_ALT_PORT"
  assert_line "identityfile $LAB_SSH_KEY"
  assert_line "batchmode yes"
  assert_line "stricthostkeychecking true"
  # The same lines from OpenSSH's ssh -G for the same config.
  local key
  for key in host user hostname port identityfile batchmode stricthostkeychecking; do
    assert_equal "$(grep "^$key " <<<"$output")" \
      "$(ssh -F "$HOME/.ssh/config" -G lab-alias | grep "^$key ")"
  done
}

# The jump host is the lab's sshd on port 22; the destination its port 2222 (or port 22 again),
# which sees the jump host, not our tunnel address (10.77.0.2), as the client.
@test "-J: through the lab sshd to its port 2222; the destination sees the jump host as client" {
  run --separate-stderr ssh_tool -J "$DEST" -p "$LAB_SSH_ALT_PORT" "$DEST" 'echo $SSH_CONNECTION'
  assert_success
  assert_output --regexp "^10\.77\.0\.1 [0-9]+ 10\.77\.0\.1 $LAB_SSH_ALT_PORT\$"
  # Without -J the same command shows our own tunnel address: the test can tell them apart.
  run --separate-stderr ssh_tool -p "$LAB_SSH_ALT_PORT" "$DEST" 'echo $SSH_CONNECTION'
  assert_success
  assert_output --regexp "^10\.77\.0\.2 "
}

@test "ProxyJump with two hops from the ssh config (each hop's Host block applies): 1 MiB round-trips" {
  printf 'Host inner\n  HostName 10.77.0.1\n  ProxyJump hop1,hop2\nHost hop1\n  HostName 10.77.0.1\nHost hop2\n  HostName 10.77.0.1\n  Port %s\nHost *\n  User %s\n' \
    "$LAB_SSH_ALT_PORT" "$LAB_SSH_USER" >>"$HOME/.ssh/config"
  head -c $((1024 * 1024)) "$LAB_DIR/up.bin" >"$BATS_TEST_TMPDIR/in.bin"
  ssh_tool inner cat <"$BATS_TEST_TMPDIR/in.bin" >"$BATS_TEST_TMPDIR/out.bin"
  assert_equal "$(sha "$BATS_TEST_TMPDIR/out.bin")" "$(sha "$BATS_TEST_TMPDIR/in.bin")"
  run --separate-stderr ssh_tool inner 'echo $SSH_CONNECTION'
  assert_success
  assert_output --regexp "^10\.77\.0\.1 [0-9]+ 10\.77\.0\.1 22\$"
  run --separate-stderr "$WGSSH" -F "$HOME/.ssh/config" -G inner
  assert_line "proxyjump hop1,hop2"
}

@test "-J to a port nobody listens on: the jump host's refusal in one line, exit 255" {
  run --separate-stderr ssh_tool -J "$DEST" -p 1 "$DEST" 'echo connected'
  assert_equal "$status" 255
  refute_output --partial "connected"
  assert_equal "$stderr" "wg-ssh: error: jump host 10.77.0.1: channel open for 10.77.0.1 port 1: Channel open failure (connect failed)"
}
