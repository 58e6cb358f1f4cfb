#!/usr/bin/env bats
# A config in the UAPI text form (what `wg set` speaks: private_key=<hex> lines), which every
# tool accepts, with wgnet's address= and dns= lines giving the tunnel the address and DNS a
# wg-quick file would give with Address= and DNS=. Against the wireguard-go lab; needs root.

load ../lab/wgnc

WGDIG="$wgnc__build/tools/wg-dig/wg-dig"

setup_file() {
  lab_setup_file || return 1
  [ -n "${WGNC_SKIP:-}" ] && return 0
  export UAPI_CONF="$LAB_DIR/uapi.conf" UAPI_NO_ADDRESS="$LAB_DIR/uapi-no-address.conf"
  write_uapi_config "$UAPI_CONF" with-address
  write_uapi_config "$UAPI_NO_ADDRESS"
}
teardown_file() { lab_teardown_file; }
setup() { wgnc_skip_if_unusable; }

# uapi_echo TEXT HOST: TEXT through the lab's TCP echo (port 7) with the UAPI config.
uapi_echo() { printf '%s\n' "$1" | lab_tool_conf 30 "$WGNC" "$UAPI_CONF" -N "$2" 7; }
hex_of_base64() { base64 -d <<<"$1" | od -An -v -tx1 | tr -d ' \n'; }

# write_uapi_config FILE [with-address]: the lab's tool identity, peer and routes in UAPI form.
write_uapi_config() {
  (umask 077
    {
      echo "private_key=$(hex_of_base64 "$(cat "$LAB_DIR/tool.key")")"
      if [ "${2:-}" = with-address ]; then
        echo "address=$LAB_TOOL_INNER4/32"
        echo "address=$LAB_TOOL_INNER6/128"
        echo "dns=$LAB_PEER_INNER4, lab.wgnet"
      fi
      echo "public_key=$(hex_of_base64 "$LAB_PEER_PUB")"
      [ -n "$LAB_PSK_FILE" ] && echo "preshared_key=$(hex_of_base64 "$(cat "$LAB_PSK_FILE")")"
      echo "endpoint=$LAB_ENDPOINT"
      echo "allowed_ip=10.77.0.0/24"
      echo "allowed_ip=fd77::/64"
    } >"$1")
}

@test "UAPI config with address= and dns= lines: wg-nc echoes through the tunnel by a tunnel-only name" {
  run --separate-stderr uapi_echo "uapi form" web
  assert_success
  assert_output "uapi form"
}

@test "UAPI config with address= lines: wg-nc reaches the peer over IPv6 inside the tunnel" {
  run --separate-stderr uapi_echo v6 "$LAB_PEER_INNER6"
  assert_success
  assert_output "v6"
}

@test "UAPI config with a dns= line: wg-dig asks the tunnel's DNS server" {
  [ -x "$WGDIG" ] || fail "wg-dig not built: $WGDIG"
  run --separate-stderr lab_tool_conf 30 "$WGDIG" "$UAPI_CONF" web.lab.wgnet A +short
  assert_success
  assert_output "$LAB_PEER_INNER4"
}

@test "UAPI config without an address= line: one line naming the file and the missing line" {
  run --separate-stderr lab_tool_conf 30 "$WGNC" "$UAPI_NO_ADDRESS" -N 10.77.0.1 7 </dev/null
  assert_failure
  assert_equal "$stderr" "wg-nc: error: $UAPI_NO_ADDRESS: no address for the tunnel: give one with Address= in [Interface] (UAPI form: an address= line)"
}
