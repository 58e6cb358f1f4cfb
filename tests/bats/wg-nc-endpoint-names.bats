#!/usr/bin/env bats
# A peer Endpoint given as a host name (issue 2): resolved by the system at start, looked up
# again while handshakes go unanswered, and with several addresses the dead one is left for the
# live one. The name lives only in the tool namespace's own hosts file (/etc/netns/NS/hosts,
# which `ip netns exec` mounts over /etc/hosts), so no resolver outside the lab is asked.
# Needs root; otherwise every test is skipped with the reason.

# Normal build only (scripts/test runs the sanitizer pass without it): endpoint lookups and
# fallbacks in time; the code is unit-tested under the sanitizers.
# bats file_tags=plain-build-only

load ../lab/wgnc

setup_file() { lab_setup_file; }
teardown_file() {
  [ -z "${LAB_TOOL_NS:-}" ] || rm -rf "/etc/netns/$LAB_TOOL_NS"
  lab_teardown_file
}
setup() {
  wgnc_skip_if_unusable
  mkdir -p "/etc/netns/$LAB_TOOL_NS"
  NAMED_CONF="$BATS_TEST_TMPDIR/named.conf"
  lab_write_config "$NAMED_CONF" endpoint=wgpeer.lab.test:51820
}

set_hosts() { printf '%s\n' "$@" >"/etc/netns/$LAB_TOOL_NS/hosts"; }
say_named() { printf '%s' "$1" | nc_tool_conf "$NAMED_CONF" "${@:2}"; }

@test "Endpoint by host name: resolved at start, echo works" {
  set_hosts "$LAB_PEER_OUTER4 wgpeer.lab.test"
  run --separate-stderr say_named $'named\n' -v -N 10.77.0.1 7
  assert_success
  assert_output named
  [[ "$stderr" == *"$LAB_PEER_OUTER4"* ]] || fail "resolved endpoint not shown: $stderr"
}

@test "Endpoint by host name: an unknown name is a clear error naming it, exit 1" {
  set_hosts "127.0.0.1 localhost"
  run --separate-stderr say_named $'x\n' -w 5 -N 10.77.0.1 7
  assert_failure 1
  [[ "$stderr" == *"wgpeer.lab.test"* ]] || fail "name not in the error: $stderr"
}

@test "a dead and a live address for the name: the handshake falls back to the live one" {
  # 198.18.0.77 is on the lab's own veth link, where nobody answers.
  set_hosts "198.18.0.77 wgpeer.lab.test" "$LAB_PEER_OUTER6 wgpeer.lab.test"
  local t0 ms
  t0=$(now_ms)
  run --separate-stderr say_named $'fallback\n' -w 15 -N 10.77.0.1 7
  ms=$(($(now_ms) - t0))
  assert_success
  assert_output fallback
  [ "$ms" -lt 8000 ] || fail "fallback took ${ms} ms"
}

@test "the name is looked up again while handshakes go unanswered (endpoint moved)" {
  set_hosts "198.18.0.77 wgpeer.lab.test"
  # The peer "moves" 3 s in: the hosts file now names the live address.
  (sleep 3; set_hosts "$LAB_PEER_OUTER4 wgpeer.lab.test") 3>&- &
  local mover=$!
  run --separate-stderr say_named $'moved\n' -vv -w 30 -N 10.77.0.1 7
  wait "$mover"
  assert_success
  assert_output moved
  [[ "$stderr" == *"re-resolved peer endpoint"* ]] || fail "no re-resolution logged: $stderr"
}
