#!/usr/bin/env bats
# The lab's own web servers and sshd (tests/lab/web.bash, tests/lab/sshd.bash) answer, checked
# with the real curl and OpenSSH ssh from inside the peer namespace and with wg-nc through the
# tunnel, so a broken lab shows up here as a lab failure and not as a wg-curl or wg-ssh failure.
# Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): it checks the lab itself
# (services behind the peer), not our code.
# bats file_tags=plain-build-only

load ../lab/wgnc
# shellcheck source=tests/lab/web.bash
source "$BATS_TEST_DIRNAME/../lab/web.bash"
# shellcheck source=tests/lab/sshd.bash
source "$BATS_TEST_DIRNAME/../lab/sshd.bash"

setup_file() {
  lab_setup_file || return 1
  [ -z "$WGNC_SKIP" ] || return 0
  lab_web_up || return 1
  lab_sshd_up || return 1
}
teardown_file() { lab_teardown_file; }
setup() {
  wgnc_skip_if_unusable
  command -v curl >/dev/null || skip "needs the curl CLI (scripts/setup.sh installs it)"
  command -v ssh >/dev/null || skip "needs the OpenSSH client (scripts/setup.sh installs it)"
}

# curl inside the peer namespace; names pinned with --resolve (the peer has no lab DNS).
peer_curl() {
  lab_peer timeout 20 curl -sS --max-time 15 --cacert "$LAB_CA" \
    --resolve web.lab.wgnet:80:10.77.0.1 --resolve web.lab.wgnet:443:10.77.0.1 \
    --resolve web2.lab.wgnet:443:10.77.0.3 --resolve web.lab.wgnet:8443:10.77.0.1 \
    --resolve web.lab.wgnet:8444:10.77.0.1 --resolve web.lab.wgnet:8080:10.77.0.1 "$@"
}

# ssh inside the peer namespace, never prompting, checking the host key against FILE.
peer_ssh() {
  local kh=$1
  shift
  lab_peer timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$kh" -o ConnectTimeout=10 "$@"
}

# peer_ssh_askpass ANSWER ARGS...: ssh that asks for a password or passphrase, answered by a
# SSH_ASKPASS helper (no terminal: setsid), which records each prompt in $BATS_TEST_TMPDIR/prompts.
peer_ssh_askpass() {
  local answer=$1
  shift
  printf '#!/bin/sh\necho "$1" >>"%s/prompts"\nprintf "%%s\\n" "$LAB_ASKPASS_ANSWER"\n' \
    "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/askpass"
  chmod 700 "$BATS_TEST_TMPDIR/askpass"
  LAB_ASKPASS_ANSWER=$answer SSH_ASKPASS="$BATS_TEST_TMPDIR/askpass" SSH_ASKPASS_REQUIRE=force \
    DISPLAY=:0 lab_peer timeout 20 setsid -w ssh -F /dev/null -o BatchMode=no \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_DIR/lab-services.kh" \
    -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1 "$@" </dev/null
}

@test "web: HTTP, HTTPS with the lab CA (h2 when nginx fronts 443), 10 MiB /big, logged" {
  local n0
  n0=$(lines_of "$LAB_WEB_LOG")
  run peer_curl http://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  run peer_curl -o /dev/null -w '%{http_code} %{http_version}' https://web2.lab.wgnet/
  assert_success
  if [ "$LAB_WEB_H2" = 1 ]; then assert_output "200 2"; else assert_output "200 1.1"; fi
  run peer_curl --capath "$LAB_CA_DIR" --http1.1 'https://[fd77::1]/status/418'
  assert_output "status 418"
  peer_curl https://web.lab.wgnet/big -o "$BATS_TEST_TMPDIR/big"
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/big" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
  run since "$LAB_WEB_LOG" "$n0"
  assert_output "GET / web.lab.wgnet 200
GET / web2.lab.wgnet 200
GET /status/418 [fd77::1] 418
GET /big web.lab.wgnet 200"
}

@test "web: wrong-host port fails verification, client-cert port wants the client cert" {
  run peer_curl https://web.lab.wgnet:8443/
  assert_failure 60
  run peer_curl -k https://web.lab.wgnet:8443/
  assert_success
  run peer_curl https://web.lab.wgnet:8444/
  assert_failure 35
  run peer_curl --cert "$LAB_CLIENT_CERT" --key "$LAB_CLIENT_KEY" https://web.lab.wgnet:8444/
  assert_success
  assert_output "hello from web.lab.wgnet"
}

@test "web: echo, range, keep-alive, and /hang and port 8080 that never answer" {
  run peer_curl --data-binary 'abc' http://web.lab.wgnet/echo -D "$BATS_TEST_TMPDIR/h"
  assert_output "abc"
  grep -qi '^X-Method: POST' "$BATS_TEST_TMPDIR/h"
  run peer_curl -r 5-9 https://web.lab.wgnet/big -o "$BATS_TEST_TMPDIR/r" -w '%{http_code}'
  assert_output 206
  cmp "$BATS_TEST_TMPDIR/r" <(tail -c +6 "$LAB_SOURCE" | head -c 5)
  run peer_curl -o /dev/null -o /dev/null -w '%{num_connects} ' http://web.lab.wgnet/ http://web.lab.wgnet/headers
  assert_output "1 0 "
  # Both at once: each must time out (curl exit 28), not be refused or answered.
  local st_hang=0 st_hold=0 pid
  peer_curl --max-time 1 http://web.lab.wgnet/hang 2>/dev/null &
  pid=$!
  peer_curl --max-time 1 http://web.lab.wgnet:8080/ 2>/dev/null || st_hold=$?
  wait "$pid" || st_hang=$?
  [ "$st_hang" = 28 ] && [ "$st_hold" = 28 ]
  grep -qx 'GET /hang web.lab.wgnet -' "$LAB_WEB_LOG"
}

@test "web: through the tunnel with wg-nc: GET / on web.lab.wgnet:80, ports 443 8443 8444 8080 open" {
  run --separate-stderr nc_say $'GET / HTTP/1.0\r\nHost: web.lab.wgnet\r\n\r\n' web.lab.wgnet 80
  assert_success
  assert_line --index 0 $'HTTP/1.1 200 OK\r'
  assert_line "hello from web.lab.wgnet"
  grep -qx 'GET / web.lab.wgnet 200' "$LAB_WEB_LOG"
  run --separate-stderr nc_tool -z web.lab.wgnet 443 8443 8444 8080
  assert_success
}

@test "sshd: the four keys, password, keyboard-interactive, SHA-1 RSA on 2222 only, from the peer namespace" {
  lab_ssh_known_hosts "$LAB_DIR/lab-services.kh"
  # Six logins at once (each takes about half a second); every one must succeed.
  local out=$BATS_TEST_TMPDIR i k pids=()
  i=0
  for k in "$LAB_SSH_KEY" "$LAB_SSH_KEY_RSA" "$LAB_SSH_KEY_ECDSA"; do
    peer_ssh "$LAB_DIR/lab-services.kh" -i "$k" -o IdentitiesOnly=yes "$LAB_SSH_USER@10.77.0.1" \
      'echo "$USER $SHELL"' >"$out/key$i" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  peer_ssh_askpass "$LAB_SSH_KEY_PASS" -i "$LAB_SSH_KEY_ENC" -o IdentitiesOnly=yes \
    -o PreferredAuthentications=publickey "$LAB_SSH_USER@10.77.0.1" true >"$out/enc" 2>&1 &
  pids+=($!)
  peer_ssh_askpass "$LAB_SSH_PASSWORD" -o PreferredAuthentications=password \
    "$LAB_SSH_USER@10.77.0.1" true >"$out/password" 2>&1 &
  pids+=($!)
  peer_ssh_askpass "$LAB_SSH_PASSWORD" -o PreferredAuthentications=keyboard-interactive \
    "$LAB_SSH_USER@fd77::1" true >"$out/kbdint" 2>&1 &
  pids+=($!)
  # SHA-1 RSA signatures (all libssh2 1.10 makes): refused on 22, accepted on 2222.
  local sha1=(-i "$LAB_SSH_KEY_RSA" -o IdentitiesOnly=yes -o PubkeyAcceptedAlgorithms=ssh-rsa)
  peer_ssh "$LAB_DIR/lab-services.kh" "${sha1[@]}" -p 2222 "$LAB_SSH_USER@10.77.0.1" true >"$out/sha1-2222" 2>&1 &
  pids+=($!)
  local sha1_22=0
  peer_ssh "$LAB_DIR/lab-services.kh" "${sha1[@]}" "$LAB_SSH_USER@10.77.0.1" true >"$out/sha1-22" 2>&1 || sha1_22=$?
  local failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { echo "login $i failed" >&2; failed=1; }
  done
  [ "$sha1_22" = 255 ]
  head -n 5 "$out"/key* "$out/enc" "$out/password" "$out/kbdint" "$out"/sha1-* >&2
  [ "$failed" = 0 ]
  for i in 0 1 2; do
    [ "$(cat "$out/key$i")" = "$LAB_SSH_USER /bin/bash" ]
  done
  grep -q "Accepted keyboard-interactive/pam for $LAB_SSH_USER" "$LAB_SSHD_LOG"
  grep -q "Accepted password for $LAB_SSH_USER" "$LAB_SSHD_LOG"
  # The askpass helper was asked for the passphrase and the passwords, nothing else.
  run grep -c . "$out/prompts"
  assert_output 3
}

@test "sshd: banner through the tunnel with wg-nc on ssh.lab.wgnet:22, port 2222 open" {
  run --separate-stderr nc_say $'SSH-2.0-labcheck\r\n' -q 1 ssh.lab.wgnet 22
  assert_line --index 0 --regexp '^SSH-2\.0-OpenSSH_'
  run --separate-stderr nc_tool -z ssh.lab.wgnet 2222
  assert_success
}

@test "sshd: hashed [host]:2222 known_hosts accepted; after lab_sshd_new_hostkeys the old one is refused" {
  lab_ssh_known_hosts "$BATS_TEST_TMPDIR/kh" hashed port=2222 host=10.77.0.1
  run grep -c '^|1|' "$BATS_TEST_TMPDIR/kh"
  assert_output 3
  run peer_ssh "$BATS_TEST_TMPDIR/kh" -i "$LAB_SSH_KEY" -p 2222 "$LAB_SSH_USER@10.77.0.1" true
  assert_success
  lab_sshd_new_hostkeys
  run peer_ssh "$BATS_TEST_TMPDIR/kh" -i "$LAB_SSH_KEY" -p 2222 "$LAB_SSH_USER@10.77.0.1" true
  assert_failure 255
  assert_output --partial "REMOTE HOST IDENTIFICATION HAS CHANGED"
  lab_ssh_known_hosts "$BATS_TEST_TMPDIR/kh2" port=2222
  run peer_ssh "$BATS_TEST_TMPDIR/kh2" -i "$LAB_SSH_KEY" -p 2222 "$LAB_SSH_USER@10.77.0.1" true
  assert_success
}

@test "sshd: lab_down removes the lab's user" {
  # A second, short-lived lab: its user must be gone once it is down.
  local user
  user=$(
    LAB_DIR="" LAB_NO_TRAP=1
    lab_up >/dev/null 2>&1 || exit 1
    lab_sshd_up >/dev/null 2>&1 || { lab_down; exit 1; }
    getent passwd "$LAB_SSH_USER" >/dev/null || { lab_down; exit 1; }
    echo "$LAB_SSH_USER"
    lab_down
  )
  [ -n "$user" ]
  run getent passwd "$user"
  assert_failure
}
