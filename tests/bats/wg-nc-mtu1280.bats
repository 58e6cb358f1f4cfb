#!/usr/bin/env bats
# wg-nc with MTU = 1280 on both ends (issue 2: TCP MSS follows the tunnel MTU, so bulk transfers
# never stall on a smaller MTU; TESTPLAN H3 at 10 MiB, D6 against a real peer).
# Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): 10 MiB transfers at another
# MTU; the data path runs under the sanitizers in wg-nc.bats.
# bats file_tags=plain-build-only

load ../lab/wgnc

setup_file() { lab_setup_file --mtu 1280; }
teardown_file() { lab_teardown_file; }
setup() { wgnc_skip_if_unusable; }

@test "the lab runs at MTU 1280 on both ends" {
  run lab_peer cat "/sys/class/net/$LAB_WG_IF/mtu"
  assert_output 1280
  grep -q '^MTU = 1280$' "$LAB_CONF"
}

@test "MTU 1280: 10 MiB upload, SHA-256 matches" {
  run --separate-stderr nc_tool -N 10.77.0.1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
}

@test "MTU 1280: 10 MiB download, SHA-256 matches" {
  nc_tool 10.77.0.1 9001 </dev/null >"$BATS_TEST_TMPDIR/down.bin"
  [ "$(stat -c %s "$BATS_TEST_TMPDIR/down.bin")" -eq "$LAB_SOURCE_BYTES" ]
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/down.bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
}

@test "MTU 1280: 10 MiB over IPv6 inner (MSS = MTU - 60), SHA-256 matches" {
  run --separate-stderr nc_tool -N fd77::1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
}

@test "MTU 1280: a full-size UDP datagram (1252 bytes, IPv4) is echoed whole" {
  head -c 1252 /dev/urandom | base64 -w0 | head -c 1252 >"$BATS_TEST_TMPDIR/dgram"
  run --separate-stderr nc_tool -u -w 2 10.77.0.1 7 <"$BATS_TEST_TMPDIR/dgram"
  assert_success
  assert_output "$(cat "$BATS_TEST_TMPDIR/dgram")"
}
