# shellcheck shell=bash
# OpenSSH sshd for the interop lab (wg-ssh's Bats suites). Source after lab.bash, call
# lab_sshd_up after lab_up; lab_down stops sshd (it runs under lab_spawn_peer) and removes the
# lab's user (lab_on_down).
#
# lab_sshd_up starts /usr/sbin/sshd in the peer namespace on 10.77.0.1:22, [fd77::1]:22 and
# 10.77.0.1:2222 ($LAB_SSH_ALT_PORT), with its own sshd_config in $LAB_SSHD_DIR (absolute paths,
# nothing of /etc/ssh is read), fresh host keys (ed25519, ecdsa, rsa), LogLevel VERBOSE into
# $LAB_SSHD_LOG, and a throwaway local user wgn<LAB_ID> (useradd; random password set with
# chpasswd; shell /bin/bash; home $LAB_SSH_HOME inside $LAB_DIR, which becomes mode 0711 so the
# user can reach it). Only that user may log in (AllowUsers).
#
# Authentication: publickey, password, and keyboard-interactive through PAM (UsePAM yes with
# Debian's /etc/pam.d/sshd: pam_unix asks "Password: " once; the answer is $LAB_SSH_PASSWORD).
# All three were checked with OpenSSH's ssh client from the peer namespace (and are, by
# tests/bats/lab-services.bats). A wrong password costs about 2 s (pam_unix's failure delay).
# An interactive login (PTY) prints Debian's motd (pam_motd; PrintMotd is off) before bash's
# prompt "USER@HOST:~$ " from /etc/bash.bashrc; the home directory starts empty (no dotfiles).
#
# Exports:
#   LAB_SSH_USER, LAB_SSH_PASSWORD   the user and its password
#   LAB_SSH_HOME                     its home directory
#   LAB_SSH_KEY (+ .pub)             unencrypted ed25519 key, authorized
#   LAB_SSH_KEY_ENC (+ .pub)         ed25519 key encrypted with passphrase $LAB_SSH_KEY_PASS, authorized
#   LAB_SSH_KEY_RSA, LAB_SSH_KEY_ECDSA (+ .pub)  unencrypted RSA 2048 / ECDSA P-256 keys, authorized
#   LAB_SSH_HOSTKEYS                 the server's host public keys, "type base64" per line
#   LAB_SSHD_LOG                     sshd's log
#   LAB_SSHD_DIR, LAB_SSHD_CONFIG    its directory and sshd_config; LAB_SSH_ALT_PORT (2222)
# Private keys are root's, mode 0600 (the tools under test run as root).
#
# RSA and libssh2: OpenSSH 9.2 refuses RSA user-key signatures made with SHA-1 ("ssh-rsa"; since
# OpenSSH 8.8), and libssh2 1.10 (Debian 12) signs RSA user keys only that way. So on port 22
# (OpenSSH defaults) $LAB_SSH_KEY_RSA works with OpenSSH's ssh but not with libssh2 ("signature
# algorithm ssh-rsa not in PubkeyAcceptedAlgorithms" in $LAB_SSHD_LOG); port 2222 also accepts
# ssh-rsa signatures (Match LocalPort), so an RSA key works there with both. Checked with a
# libssh2 1.10 client: ed25519, ecdsa and the encrypted ed25519 key log in on 22, RSA on 2222.
#
# lab_ssh_known_hosts FILE [hashed] [port=N] [host=NAME[,NAME...]]: a known_hosts for the lab
#   server, one line per host key type. Names default to ssh.lab.wgnet, ssh, 10.77.0.1 and
#   fd77::1; with port=N (N != 22) each is written "[name]:N". "hashed": names hashed as
#   ssh-keygen -H does (one line per name and key).
# lab_sshd_new_hostkeys: new host keys of every type, sshd restarted (stopped by PID, started
#   again) with them; $LAB_SSH_HOSTKEYS updated. A known_hosts written before now mismatches.

LAB_SSH_ALT_PORT=2222
LAB_SSHD_BIN=${LAB_SSHD_BIN:-/usr/sbin/sshd}

lab_sshd_up() {
  if [ -z "${LAB_DIR:-}" ] || [ ! -d "$LAB_DIR" ]; then
    echo "lab_sshd_up: no lab is up (call lab_up first)" >&2
    return 1
  fi
  local c
  for c in "$LAB_SSHD_BIN" ssh-keygen useradd userdel chpasswd; do
    command -v "$c" >/dev/null 2>&1 ||
      { echo "lab_sshd_up: '$c' not found (run scripts/setup.sh: openssh-server)" >&2; return 1; }
  done
  LAB_SSHD_DIR="$LAB_DIR/sshd"
  LAB_SSHD_CONFIG="$LAB_SSHD_DIR/sshd_config"
  LAB_SSHD_LOG="$LAB_SSHD_DIR/sshd.log"
  LAB_SSH_HOSTKEYS="$LAB_SSHD_DIR/hostkeys.pub"
  LAB_SSH_USER="wgn$LAB_ID"
  LAB_SSH_HOME="$LAB_SSHD_DIR/home"
  LAB_SSH_KEY="$LAB_SSHD_DIR/id_ed25519"
  LAB_SSH_KEY_ENC="$LAB_SSHD_DIR/id_ed25519_enc"
  LAB_SSH_KEY_RSA="$LAB_SSHD_DIR/id_rsa"
  LAB_SSH_KEY_ECDSA="$LAB_SSHD_DIR/id_ecdsa"
  LAB_SSH_KEY_PASS="lab-passphrase-$LAB_ID-$(sshd__random)"
  LAB_SSH_PASSWORD="pw-$(sshd__random)"
  export LAB_SSHD_DIR LAB_SSHD_CONFIG LAB_SSHD_LOG LAB_SSH_HOSTKEYS LAB_SSH_USER LAB_SSH_HOME \
    LAB_SSH_KEY LAB_SSH_KEY_ENC LAB_SSH_KEY_RSA LAB_SSH_KEY_ECDSA LAB_SSH_KEY_PASS \
    LAB_SSH_PASSWORD LAB_SSH_ALT_PORT

  # The user's processes must reach their home and the authorized keys (sshd reads them as the
  # user): the lab directory becomes traversable, not listable.
  chmod 711 "$LAB_DIR"
  mkdir -p "$LAB_SSHD_DIR" && chmod 711 "$LAB_SSHD_DIR" || return 1
  # Privilege separation directory (Debian's sshd refuses to start without it).
  mkdir -p /run/sshd && chmod 755 /run/sshd

  # Keys, made in parallel (RSA takes the longest).
  local pids=() pid failed=0
  sshd__keygen ed25519 "$LAB_SSH_KEY" "" & pids+=($!)
  sshd__keygen ed25519 "$LAB_SSH_KEY_ENC" "$LAB_SSH_KEY_PASS" & pids+=($!)
  sshd__keygen rsa "$LAB_SSH_KEY_RSA" "" & pids+=($!)
  sshd__keygen ecdsa "$LAB_SSH_KEY_ECDSA" "" & pids+=($!)
  sshd__host_keys "$LAB_SSHD_DIR" & pids+=($!)
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" = 0 ] || { echo "lab_sshd_up: ssh-keygen failed" >&2; return 1; }
  cat "$LAB_SSH_KEY.pub" "$LAB_SSH_KEY_ENC.pub" "$LAB_SSH_KEY_RSA.pub" "$LAB_SSH_KEY_ECDSA.pub" \
    >"$LAB_SSHD_DIR/authorized_keys"
  chmod 644 "$LAB_SSHD_DIR/authorized_keys" "$LAB_SSHD_DIR"/*.pub

  sshd__add_user || return 1
  sshd__write_config >"$LAB_SSHD_CONFIG"
  : >"$LAB_SSHD_LOG"
  "$LAB_SSHD_BIN" -t -f "$LAB_SSHD_CONFIG" 2>"$LAB_SSHD_DIR/config-check.log" ||
    { echo "lab_sshd_up: sshd rejects its config: $(cat "$LAB_SSHD_DIR/config-check.log")" >&2; return 1; }
  sshd__start
}

sshd__random() {
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20
}

# sshd__keygen TYPE FILE PASSPHRASE
sshd__keygen() {
  local bits=()
  case $1 in rsa) bits=(-b 2048) ;; ecdsa) bits=(-b 256) ;; esac
  rm -f "$2" "$2.pub"
  ssh-keygen -q -t "$1" "${bits[@]}" -N "$3" -C "wgnet-lab-$1" -f "$2" </dev/null >/dev/null
}

# sshd__host_keys DIR: ssh_host_{ed25519,ecdsa,rsa}_key (+ .pub) and hostkeys.pub.
sshd__host_keys() {
  local d=$1 t pids=() pid failed=0
  for t in ed25519 ecdsa rsa; do
    sshd__keygen "$t" "$d/ssh_host_${t}_key.new" "" & pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" = 0 ] || return 1
  for t in ed25519 ecdsa rsa; do
    mv -f "$d/ssh_host_${t}_key.new" "$d/ssh_host_${t}_key"
    mv -f "$d/ssh_host_${t}_key.new.pub" "$d/ssh_host_${t}_key.pub"
  done
  for t in ed25519 ecdsa rsa; do
    cut -d' ' -f1,2 "$d/ssh_host_${t}_key.pub"
  done >"$d/hostkeys.pub.new"
  mv -f "$d/hostkeys.pub.new" "$d/hostkeys.pub"
}

# sshd__retry CMD...: useradd & co. fail while another process holds /etc/passwd's lock (other
# labs run at the same time): try for up to 10 s.
sshd__retry() {
  local _
  for _ in $(seq 1 50); do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

sshd__add_user() {
  if getent passwd "$LAB_SSH_USER" >/dev/null; then
    echo "lab_sshd_up: user $LAB_SSH_USER already exists (left by an earlier lab?); not touching it" >&2
    return 1
  fi
  if ! sshd__retry useradd --no-create-home --home-dir "$LAB_SSH_HOME" --shell /bin/bash \
    --user-group --comment "wgnet lab $LAB_ID" "$LAB_SSH_USER" 2>"$LAB_SSHD_DIR/useradd.log"; then
    echo "lab_sshd_up: useradd failed: $(cat "$LAB_SSHD_DIR/useradd.log")" >&2
    return 1
  fi
  # Registered at once, so a failure below still removes the user.
  lab_on_down bash -c "$SSHD__REMOVE_USER" sshd-remove-user "$LAB_SSH_USER"
  mkdir -p "$LAB_SSH_HOME"
  chown "$LAB_SSH_USER:" "$LAB_SSH_HOME"
  chmod 700 "$LAB_SSH_HOME"
  if ! printf '%s:%s\n' "$LAB_SSH_USER" "$LAB_SSH_PASSWORD" | sshd__retry chpasswd; then
    echo "lab_sshd_up: chpasswd failed for $LAB_SSH_USER" >&2
    return 1
  fi
}

# Run by lab_down (as "bash -c ... NAME"): remove the lab's user, then check that it is gone.
# Only names of the lab's form, never anything else.
# shellcheck disable=SC2016
SSHD__REMOVE_USER='u=$1
case $u in wgn[0-9]*) ;; *) echo "lab: not removing user $u" >&2; exit 1 ;; esac
getent passwd "$u" >/dev/null || exit 0
for i in $(seq 1 50); do
  userdel "$u" 2>/dev/null || userdel --force "$u" 2>/dev/null
  getent passwd "$u" >/dev/null || exit 0
  sleep 0.2
done
echo "lab: user $u is still there after userdel" >&2
exit 1'

sshd__write_config() {
  local d=$LAB_SSHD_DIR
  cat <<EOF
# wgnet lab sshd ($LAB_ID); written by tests/lab/sshd.bash
ListenAddress $LAB_PEER_INNER4:22
ListenAddress [$LAB_PEER_INNER6]:22
ListenAddress $LAB_PEER_INNER4:$LAB_SSH_ALT_PORT
HostKey $d/ssh_host_ed25519_key
HostKey $d/ssh_host_ecdsa_key
HostKey $d/ssh_host_rsa_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
AllowUsers $LAB_SSH_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
UsePAM yes
PermitEmptyPasswords no
LogLevel VERBOSE
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 64:30:128
MaxSessions 32
MaxAuthTries 10
LoginGraceTime 60
AllowTcpForwarding yes
AllowAgentForwarding yes
X11Forwarding no
PermitTunnel no
# GIT_PROTOCOL: git asks for protocol v2 through SendEnv (tests/bats/wg-ssh-drivers.bats).
AcceptEnv LANG LC_* GIT_PROTOCOL
Subsystem sftp internal-sftp
# Port $LAB_SSH_ALT_PORT also takes RSA signatures made with SHA-1 ("ssh-rsa"), the only kind
# libssh2 1.10 (Debian 12) makes for RSA user keys; port 22 keeps OpenSSH's default (refused).
Match LocalPort $LAB_SSH_ALT_PORT
  PubkeyAcceptedAlgorithms +ssh-rsa
EOF
}

sshd__start() {
  rm -f "$LAB_SSHD_DIR/sshd.pid"
  lab_spawn_peer sshd "$LAB_SSHD_BIN" -D -E "$LAB_SSHD_LOG" -f "$LAB_SSHD_CONFIG" ||
    { echo "lab_sshd_up: sshd did not start" >&2; return 1; }
  if ! lab__wait 10 sshd__listening; then
    echo "lab_sshd_up: sshd did not bind: $(tail -n 20 "$LAB_SSHD_LOG" "$LAB_DIR/sshd.log" 2>/dev/null)" >&2
    return 1
  fi
}

sshd__listening() {
  local out
  out=$(lab_peer ss -Hltn) || return 1
  grep -qF "$LAB_PEER_INNER4:22 " <<<"$out" &&
    grep -qF "[$LAB_PEER_INNER6]:22 " <<<"$out" &&
    grep -qF "$LAB_PEER_INNER4:$LAB_SSH_ALT_PORT " <<<"$out"
}

# lab_ssh_known_hosts FILE [hashed] [port=N] [host=NAME[,NAME...]]
lab_ssh_known_hosts() {
  local file=$1 hashed=0 port=22 hosts="ssh.lab.wgnet,ssh,$LAB_PEER_INNER4,$LAB_PEER_INNER6" kv
  shift
  for kv in "$@"; do
    case $kv in
      hashed) hashed=1 ;;
      port=*) port=${kv#*=} ;;
      host=*) hosts=${kv#*=} ;;
      *) echo "lab_ssh_known_hosts: unknown argument $kv" >&2; return 2 ;;
    esac
  done
  local names="" h
  IFS=, read -ra list <<<"$hosts"
  for h in "${list[@]}"; do
    [ "$port" = 22 ] || h="[$h]:$port"
    names+="${names:+,}$h"
  done
  sed "s|^|$names |" "$LAB_SSH_HOSTKEYS" >"$file" || return 1
  if [ "$hashed" = 1 ]; then
    ssh-keygen -q -H -f "$file" >/dev/null 2>&1 || { echo "lab_ssh_known_hosts: ssh-keygen -H failed" >&2; return 1; }
    rm -f "$file.old"
  fi
}

# lab_sshd_new_hostkeys: regenerate every host key and restart sshd with them.
lab_sshd_new_hostkeys() {
  sshd__host_keys "$LAB_SSHD_DIR" || { echo "lab_sshd_new_hostkeys: ssh-keygen failed" >&2; return 1; }
  chmod 644 "$LAB_SSHD_DIR"/*.pub
  # Stop the listening sshd by PID (sessions already open live in their own process groups and
  # go on); start a new one that loads the new keys.
  # (The PID comes from the spawn file: in Bats this may run in a test, not in setup_file.)
  lab__stop "$(cat "$LAB_DIR/sshd.pid.spawn")" "$LAB_PEER_NS"
  lab__wait 5 sshd__not_listening
  sshd__start
}

sshd__not_listening() {
  ! lab_peer ss -Hltn "sport = :$LAB_SSH_ALT_PORT" | grep -q .
}
