# shellcheck shell=bash
# The built-in demo peer (tools/wgnet-demo-peer) for a suite's "self:" tests: a libwgnet peer on
# 127.0.0.1 that needs no root. Source after setting DEMO_BIN; demo_start from setup_file leaves
# the client config in DEMO_CONF, or the reason it cannot run in DEMO_SKIP; demo_stop from
# teardown_file stops it (only the PID demo_start started).

demo_start() {
  export DEMO_SKIP="" DEMO_PID="" DEMO_CONF="$BATS_FILE_TMPDIR/demo/client.conf"
  if [ ! -f "$DEMO_BIN" ] || [ ! -x "$DEMO_BIN" ]; then
    DEMO_SKIP="wgnet-demo-peer not built ($DEMO_BIN)"
    return 0
  fi
  mkdir -p "$BATS_FILE_TMPDIR/demo"
  # Bounded by its own --timeout; fd 3 (Bats' channel) closed so it cannot hold the suite.
  "$DEMO_BIN" --dir "$BATS_FILE_TMPDIR/demo" --timeout 600 >"$BATS_FILE_TMPDIR/demo/out" 2>&1 3>&- &
  DEMO_PID=$!
  if ! lab__wait 10 grep -q '^ready ' "$BATS_FILE_TMPDIR/demo/out"; then
    DEMO_SKIP="wgnet-demo-peer did not start: $(head -c 300 "$BATS_FILE_TMPDIR/demo/out")"
  fi
}

demo_stop() {
  if [ -n "${DEMO_PID:-}" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -TERM "$DEMO_PID"
    wait "$DEMO_PID" 2>/dev/null || true
  fi
}
