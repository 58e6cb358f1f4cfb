#!/usr/bin/env bats
# wg-nc against wireguard-go through an impaired path: the lab's UDP relay (tests/lab/relay.bash)
# between the tool and the peer. Needs root; otherwise every test is skipped with the reason.

load ../lab/wgnc
# shellcheck source=tests/lab/relay.bash
source "$BATS_TEST_DIRNAME/../lab/relay.bash"

setup_file() { lab_setup_file; }
teardown_file() { lab_teardown_file; }
setup() { wgnc_skip_if_unusable; }
teardown() {
  lab_relay_down >&3 || true
  if [ -n "${PEER_SACK_BEFORE:-}" ]; then
    ip netns exec "$LAB_PEER_NS" sysctl -qw "net.ipv4.tcp_sack=$PEER_SACK_BEFORE"
  fi
}

# Start-up handshake race (issue 11): with a round trip longer than the 50 ms start-up retry, the
# responder answers two initiations; a session must come from whichever answer arrives, with
# data getting through at once, never after a REKEY_TIMEOUT retransmit (5 s) or not at all.
# Normal build only: a timing race, hunted by repetition; ASan adds nothing but minutes.
# bats test_tags=plain-build-only
@test "back-to-back runs through a 100 ms round trip all connect at once" {
  # 100 runs (~0.46 s each; 300 took 139 s of a suite that must stay well under 30 minutes on 2
  # cores). Every CI run repeats them; WGNC_IMPAIRED_RUNS=1000 hunts the race for longer.
  local runs=${WGNC_IMPAIRED_RUNS:-100}
  lab_relay_up --delay-ms 50
  local i t0 ms out failures=0 slow=0 times="$BATS_TEST_TMPDIR/times"
  : >"$times"
  for ((i = 1; i <= runs; i++)); do
    t0=$(now_ms)
    out=$(printf 'ok\n' | lab_tool_conf 15 "$WGNC" "$LAB_CONF" -N "$LAB_PEER_INNER4" 7 \
      2>"$BATS_TEST_TMPDIR/stderr.$i") || true
    ms=$(($(now_ms) - t0))
    echo "$ms" >>"$times"
    if [ "$out" != ok ]; then
      failures=$((failures + 1))
      echo "# run $i failed after $ms ms: $(tail -n 3 "$BATS_TEST_TMPDIR/stderr.$i")" >&3
    elif [ "$ms" -gt 5000 ]; then
      slow=$((slow + 1))
      echo "# run $i took $ms ms" >&3
    fi
  done
  local stats
  stats=$(sort -n "$times" | awk '{ v[NR] = $1; s += $1 } END {
    printf "min %d median %d p95 %d max %d mean %d", v[1], v[int((NR + 1) / 2)],
      v[int(NR * 0.95 + 0.5)], v[NR], s / NR }')
  echo "# $runs runs, $failures failed, $slow over 5 s; per run ms: $stats" >&3
  [ "$failures" -eq 0 ]
  [ "$slow" -eq 0 ]
  # The relay really delays: handshake, TCP handshake and the echo take 3 round trips.
  [ "$(sort -n "$times" | head -n 1)" -ge 300 ]
}

# TcpExt counter NAME of the peer namespace's kernel TCP (the lab's senders).
impaired__peer_tcpext() {
  ip netns exec "$LAB_PEER_NS" awk -v name="$1" '$1 == "TcpExt:" {
    if (!col) { for (i = 2; i <= NF; i++) if ($i == name) col = i } else { print $col; exit } }' \
    /proc/net/netstat
}

# Receiver SACK (issue 10): lwIP offers SACK-permitted and reports its out-of-order queue, so the
# Linux sender (the lab's 9001 source) recovers from losses by SACK, never by NewReno's one hole
# per round trip, and the file arrives intact.
@test "download through 1% loss with SACK: intact" {
  lab_relay_up --delay-ms 10 --loss 1 --seed 1
  local counter
  declare -A before
  for counter in TCPSackRecovery TCPRenoRecovery TCPSACKReneging; do
    before[$counter]=$(impaired__peer_tcpext "$counter")
  done
  lab_tool_conf 90 "$WGNC" "$LAB_CONF" 10.77.0.1 9001 </dev/null >"$BATS_TEST_TMPDIR/down.bin"
  [ "$(stat -c %s "$BATS_TEST_TMPDIR/down.bin")" -eq "$LAB_SOURCE_BYTES" ]
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/down.bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
  local sack reno reneging
  sack=$(($(impaired__peer_tcpext TCPSackRecovery) - before[TCPSackRecovery]))
  reno=$(($(impaired__peer_tcpext TCPRenoRecovery) - before[TCPRenoRecovery]))
  reneging=$(($(impaired__peer_tcpext TCPSACKReneging) - before[TCPSACKReneging]))
  echo "# sender recoveries: $sack by SACK, $reno by NewReno; $reneging SACK renegings" >&3
  [ "$sack" -gt 0 ]
  [ "$reno" -eq 0 ]
  [ "$reneging" -eq 0 ]
}

# Sender SACK (netstack/patches/0001): the Linux receiver SACKs what got through and wg-nc resends
# only the holes, several per window, without the connection being given up (a window's holes
# once counted as timeouts against TCP_MAXRTX and cut uploads short). The peer's D-SACK count
# (duplicate data it received) is printed, not checked: tail loss probes may duplicate a little.
@test "upload through 1% loss with SACK: intact" {
  lab_relay_up --delay-ms 10 --loss 1 --seed 2
  local dsack_before dsack
  dsack_before=$(($(impaired__peer_tcpext TCPDSACKOldSent) + $(impaired__peer_tcpext TCPDSACKOfoSent)))
  run --separate-stderr lab_tool_conf 120 "$WGNC" "$LAB_CONF" -N 10.77.0.1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
  dsack=$(($(impaired__peer_tcpext TCPDSACKOldSent) + $(impaired__peer_tcpext TCPDSACKOfoSent)))
  echo "# duplicate segments the peer reported (D-SACK): $((dsack - dsack_before))" >&3
}

# A harsh path for wg-nc's sender (netstack/patches/0002 and 0004): 5% loss each way, 5% of the
# datagrams reordered by up to 15 ms, 1% duplicated. Recovery, RACK and the tail loss probe all
# run at once here; a probe once queued itself in front of a pending retransmission, which left
# unsent out of order and lost a segment from the queues: the upload stalled until the RTO gave
# up (bench/lossy_link.sh's 1 GiB soak, about one run in two). 32 MiB takes a few seconds.
@test "upload through 5% loss, reordering and duplication: intact" {
  lab_relay_up --delay-ms 10 --loss 5 --reorder 5 --reorder-ms 15 --dup 1 --seed 4
  head -c $((32 * 1024 * 1024)) /dev/urandom >"$BATS_TEST_TMPDIR/harsh.bin"
  local sha
  sha=$(sha256sum <"$BATS_TEST_TMPDIR/harsh.bin" | cut -d' ' -f1)
  run --separate-stderr lab_tool_conf 120 "$WGNC" "$LAB_CONF" -N 10.77.0.1 9000 \
    <"$BATS_TEST_TMPDIR/harsh.bin"
  assert_success
  assert_output "$sha 33554432"
}

# Interop with a peer that does not do SACK (issue 10: "option negotiation"): the peer
# namespace's Linux with net.ipv4.tcp_sack=0 neither offers nor accepts SACK-permitted, so both
# directions fall back to lwIP's and Linux's NewReno (the model and RACK need SACK: lwipopts.h).
# Through 1% loss both transfers stay intact; the peer's sender recovers by NewReno only.
# Normal build only: the unit test PeerWithoutSackGetsRenoRecovery runs this path under ASan.
# bats test_tags=plain-build-only
@test "a peer without SACK: upload and download through 1% loss intact, by NewReno" {
  PEER_SACK_BEFORE=$(ip netns exec "$LAB_PEER_NS" sysctl -n net.ipv4.tcp_sack)
  ip netns exec "$LAB_PEER_NS" sysctl -qw net.ipv4.tcp_sack=0
  lab_relay_up --delay-ms 10 --loss 1 --seed 5
  local sack_before reno_before
  sack_before=$(impaired__peer_tcpext TCPSackRecovery)
  reno_before=$(impaired__peer_tcpext TCPRenoRecovery)
  lab_tool_conf 120 "$WGNC" "$LAB_CONF" 10.77.0.1 9001 </dev/null >"$BATS_TEST_TMPDIR/down.bin"
  [ "$(sha256sum <"$BATS_TEST_TMPDIR/down.bin" | cut -d' ' -f1)" = "$LAB_SOURCE_SHA" ]
  [ "$(impaired__peer_tcpext TCPSackRecovery)" -eq "$sack_before" ]
  [ "$(impaired__peer_tcpext TCPRenoRecovery)" -gt "$reno_before" ]
  run --separate-stderr lab_tool_conf 120 "$WGNC" "$LAB_CONF" -N 10.77.0.1 9000 <"$LAB_DIR/up.bin"
  assert_success
  assert_output "$UP_SHA 10485760"
}
