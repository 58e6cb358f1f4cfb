#!/usr/bin/env bats
# wg-nc with a PresharedKey against wireguard-go (TESTPLAN K1 "PSK on", B2 against a real peer).
# Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): the PSK handshake is unit-
# tested under the sanitizers; the data path runs in wg-nc.bats.
# bats file_tags=plain-build-only

load ../lab/wgnc

setup_file() { lab_setup_file --psk; }
teardown_file() { lab_teardown_file; }
setup() { wgnc_skip_if_unusable; }

@test "the lab peer really uses the PresharedKey" {
  run lab_peer wg show "$LAB_WG_IF" preshared-keys
  assert_output "$LAB_TOOL_PUB	$(cat "$LAB_PSK_FILE")"
  grep -q '^PresharedKey = ' "$LAB_CONF"
}

@test "PSK: TCP echo" {
  run --separate-stderr nc_say $'psk echo\n' -N 10.77.0.1 7
  assert_success
  assert_output "psk echo"
}

@test "PSK: 10 MiB upload and download with matching SHA-256" {
  run --separate-stderr nc_tool -N 10.77.0.1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
  nc_tool 10.77.0.1 9001 </dev/null >"$BATS_TEST_TMPDIR/down.bin"
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/down.bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
}

@test "PSK: UDP echo" {
  run --separate-stderr nc_say $'psk udp\n' -u -w 2 10.77.0.1 7
  assert_success
  assert_output "psk udp"
}

@test "PSK missing on our side: handshake error, exit 1" {
  local conf="$BATS_TEST_TMPDIR/nopsk.conf"
  lab_write_config "$conf" psk_file=none
  run --separate-stderr nc_tool_conf "$conf" -w 5 10.77.0.1 7 </dev/null
  assert_failure 1
  [[ "$stderr" =~ [Hh]andshake ]] || fail "error does not mention the handshake: $stderr"
}

@test "PSK different from the peer's: handshake error, exit 1" {
  local conf="$BATS_TEST_TMPDIR/otherpsk.conf"
  (umask 077; wg genpsk >"$BATS_TEST_TMPDIR/other.psk")
  lab_write_config "$conf" psk_file="$BATS_TEST_TMPDIR/other.psk"
  run --separate-stderr nc_tool_conf "$conf" -w 5 10.77.0.1 7 </dev/null
  assert_failure 1
  [[ "$stderr" =~ [Hh]andshake ]] || fail "error does not mention the handshake: $stderr"
}
