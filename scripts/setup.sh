#!/usr/bin/env bash
# Installs the Debian 12 packages wgnet builds and tests with, and fetches the lwIP 2.1.3 source
# (Debian's source package) into deps/lwip. Safe to run again; does nothing that is already done.
# Run as root, or as a user with sudo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Build: compiler toolchain, crypto, CLI parsing, DNS codec, tool libraries.
build_pkgs=(build-essential cmake pkg-config libsodium-dev libssl-dev libb2-dev libcli11-dev
  libldns-dev libssh2-1-dev libcurl4-openssl-dev googletest libgtest-dev scdoc dpkg-dev
  patch  # applies netstack/patches to the lwIP copy the build makes
  ninja-build)  # scripts/test's generator: schedules the two builds' ~400 steps faster than make
# Tests: the interop lab (wireguard-go peer in a network namespace, real services behind it).
test_pkgs=(bats bats-support bats-assert wireguard-go wireguard-tools iproute2 dnsmasq-base socat
  openssh-server openssh-client tmux python3 procps ldnsutils debian-archive-keyring
  openssl curl nginx  # lab web: test CA (openssl CLI), real curl, nginx = h2 HTTPS front
  zsh fish  # the zsh and fish completion files are checked by the shells themselves
  bind9-dnsutils  # real dig: wg-dig's output is compared with it
  rsync git  # wg-ssh as the ssh of rsync -e and git (tests/bats/wg-ssh-drivers.bats)
  nftables  # nft: counts packets leaving the tool namespace outside the tunnel (leak tests)
  ncat netcat-openbsd  # real SOCKS5 clients for ssh's ProxyCommand (tests/bats/agent-socks.bats)
  iputils-ping)  # real ping: the reference for wg-ping's lines, statuses and error texts

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Packages whose install would start a daemon for the whole machine (sshd on port 22, nginx on
# port 80). The lab runs its own copies inside its namespaces, so when setup is the one
# installing them it keeps the machine's copies from starting now (policy-rc.d, the Debian way)
# and from starting at boot (the units are disabled again).
daemon_units=(openssh-server:ssh nginx:nginx)
new_units=()
for entry in "${daemon_units[@]}"; do
  for p in "${missing[@]}"; do
    [ "$p" = "${entry%%:*}" ] && new_units+=("${entry#*:}")
  done
done
policy=/usr/sbin/policy-rc.d
added_policy=0
remove_policy() { if [ "$added_policy" = 1 ]; then $SUDO rm -f "$policy"; fi; }
trap remove_policy EXIT

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ ${#new_units[@]} -gt 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/setup.sh: no daemon starts while wgnet installs its test packages\nexit 101\n' |
      $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    added_policy=1
  fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  remove_policy
  added_policy=0
  for unit in "${new_units[@]}"; do
    if command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
fi

"$top/scripts/fetch-lwip.sh"
