# shellcheck shell=bash
# An impaired path for the lab: wgnet-udp-relay (tests/udp_relay), the stand-in for netem, runs
# in the peer namespace between the tool and wireguard-go, and the tool's config points at it:
#
#   tool ns                      peer ns
#   wg-nc --> 198.18.0.1:51821 [relay: delay, jitter, loss, reorder, dup] --> 127.0.0.1:51820
#                                                                          (wireguard-go)
#
# Each tool process gets its own upstream socket in the relay, so wireguard-go sees one source
# per process, as it would without the relay. Source after lab.bash (lab_up first).
#
# Functions:
#   lab_relay_up [RELAY OPTIONS...]  e.g. lab_relay_up --delay-ms 50 --loss 1 --seed 7
#       starts the relay (its options as in `wgnet-udp-relay --help`; --max-seconds defaults to
#       900 here) and rewrites $LAB_CONF so that Endpoint = $LAB_RELAY_ENDPOINT.
#   lab_relay_down   stops it (by PID), puts the direct endpoint back in $LAB_CONF, and prints
#       the relay's counters (received/sent/lost/duplicated/reordered per direction).
# lab_down stops a relay still running, like any process lab_up started.

LAB_RELAY_PORT=${LAB_RELAY_PORT:-51821}

lab__relay_binary() {
  local build=${WGNET_BUILD:-build}
  case $build in /*) ;; *) build="$LAB_LIB_DIR/../../$build" ;; esac
  echo "$build/tests/udp_relay/wgnet-udp-relay"
}

lab_relay_up() {
  local bin
  bin=$(lab__relay_binary)
  if [ ! -x "$bin" ]; then
    echo "lab_relay_up: $bin is missing (build the wgnet-udp-relay target)" >&2
    return 1
  fi
  if [ -n "${LAB_RELAY_PID:-}" ] && [ -d "/proc/$LAB_RELAY_PID" ]; then
    echo "lab_relay_up: a relay is already running (PID $LAB_RELAY_PID)" >&2
    return 1
  fi
  local args=("$@")
  case " $* " in *" --max-seconds "*) ;; *) args+=(--max-seconds 900) ;; esac
  rm -f "$LAB_DIR/relay.ready" "$LAB_DIR/relay.log"
  lab__spawn relay "$LAB_PEER_NS" "$bin" --listen "$LAB_PEER_OUTER4:$LAB_RELAY_PORT" \
    --upstream "127.0.0.1:$LAB_WG_PORT" --ready "$LAB_DIR/relay.ready" "${args[@]}" || return 1
  LAB_RELAY_PID=$LAB_PID_relay
  if ! lab__wait 5 test -s "$LAB_DIR/relay.ready"; then
    echo "lab_relay_up: the relay did not bind: $(cat "$LAB_DIR/relay.log")" >&2
    lab__stop "$LAB_RELAY_PID" "$LAB_PEER_NS"
    return 1
  fi
  LAB_RELAY_ENDPOINT="$LAB_PEER_OUTER4:$LAB_RELAY_PORT"
  export LAB_RELAY_PID LAB_RELAY_ENDPOINT
  lab_write_config "$LAB_CONF" endpoint="$LAB_RELAY_ENDPOINT"
}

lab_relay_down() {
  [ -n "${LAB_RELAY_PID:-}" ] || return 0
  lab__stop "$LAB_RELAY_PID" "$LAB_PEER_NS"
  LAB_RELAY_PID=""
  lab_write_config "$LAB_CONF"
  grep '^wgnet-udp-relay:' "$LAB_DIR/relay.log" 2>/dev/null
  return 0
}
