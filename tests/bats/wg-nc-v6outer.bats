#!/usr/bin/env bats
# wg-nc reaching wireguard-go over an IPv6 outer link: Endpoint = [2001:2::1]:51820
# (TESTPLAN F5, K1 "v6 outer"). Needs root; otherwise every test is skipped with the reason.

load ../lab/wgnc

setup_file() { lab_setup_file --v6-endpoint; }
teardown_file() { lab_teardown_file; }
setup() { wgnc_skip_if_unusable; }

@test "IPv6 outer: TCP echo, and the peer sees the tool at its IPv6 outer address" {
  run --separate-stderr nc_say $'outer six\n' -N 10.77.0.1 7
  assert_success
  assert_output "outer six"
  run lab_peer_endpoint
  assert_output --regexp '^\[2001:2::2\]:[0-9]+$'
}

@test "IPv6 outer: 10 MiB upload and download with matching SHA-256" {
  run --separate-stderr nc_tool -N 10.77.0.1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
  nc_tool 10.77.0.1 9001 </dev/null >"$BATS_TEST_TMPDIR/down.bin"
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/down.bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
}

@test "IPv6 outer: UDP echo and IPv6 inner" {
  run --separate-stderr nc_say $'udp over six\n' -u -w 2 10.77.0.1 7
  assert_success
  assert_output "udp over six"
  run --separate-stderr nc_say $'six in six\n' -N fd77::1 7
  assert_success
  assert_output "six in six"
}
