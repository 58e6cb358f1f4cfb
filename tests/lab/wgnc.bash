# shellcheck shell=bash
# Helpers shared by the Bats suites that run wg-nc (tests/bats/*.bats). Load with
#   load ../lab/wgnc
# WGNET_BUILD names the build directory holding tools/wg-nc/wg-nc (default: build/).
# Bats 1.8 cannot skip from setup_file, so setup_file records why the lab is unusable in
# WGNC_SKIP and every test's setup() skips with that reason (visible in the TAP output).

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

# Debian 12's bats-assert shows only $output when assert_success/assert_failure fail; after
# `run --separate-stderr` the tool's reason is in $stderr, so a failure shows that too.
eval "$(declare -f assert_success | sed '1s/^assert_success/lab__assert_success_output_only/')"
eval "$(declare -f assert_failure | sed '1s/^assert_failure/lab__assert_failure_output_only/')"
lab__show_stderr() { [ -z "${stderr:-}" ] || printf -- '-- stderr --\n%s\n--\n' "$stderr" >&2; }
assert_success() { lab__assert_success_output_only "$@" || { lab__show_stderr; return 1; }; }
assert_failure() { lab__assert_failure_output_only "$@" || { lab__show_stderr; return 1; }; }
# shellcheck source=tests/lab/lab.bash
source "$BATS_TEST_DIRNAME/../lab/lab.bash"

# The tools share one tunnel per config through wgnet-agent by default. The suites written
# before the agent test the in-process tunnel (its handshakes, endpoints, timings and exit
# statuses, one process per run), so they keep it: WGNET_NO_SHARE=1. A suite about the agent
# sets LAB_SHARE=1 before loading this file and gets the default (sharing) instead. Set here,
# at load time, because Bats loads this file again for every test and every suite entry
# (lab_setup_file, wg-dig's lab_up, the demo peer's and self.bats' loopback runs) goes through it.
if [ -n "${LAB_SHARE:-}" ]; then
  unset WGNET_NO_SHARE
else
  export WGNET_NO_SHARE=1
fi

WGNC_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
wgnc__build=${WGNET_BUILD:-build}
case $wgnc__build in /*) ;; *) wgnc__build="$WGNC_TOP/$wgnc__build" ;; esac
WGNC="$wgnc__build/tools/wg-nc/wg-nc"
# Upper bound for any single tool run; a hang fails the test instead of stalling the suite.
WGNC_TIMEOUT=${WGNC_TIMEOUT:-60}

# lab_require_binary NAME PATH: for setup_file() of a tool's suite. A missing binary is a failure,
# not a skip: the suite exists to test it.
lab_require_binary() {
  if [ ! -x "$2" ]; then
    echo "$1 not built: $2 is missing (build it, or set WGNET_BUILD)" >&2
    return 1
  fi
}
wgnc_require_binary() { lab_require_binary wg-nc "$WGNC"; }

# lab_tool_timeout SECS CMD...: CMD inside the tool namespace, killed after SECS (then 5 more for
# KILL), so that a hang fails the test instead of stalling the suite. The tool suites' runners
# (nc_tool, wgcurl, ssh_tool) are this with their binary, timeout and -c config.
lab_tool_timeout() {
  local secs=$1
  shift
  timeout -k 5 "$secs" ip netns exec "$LAB_TOOL_NS" "$@"
}
# lab_tool_conf SECS BIN CONF ARGS...: BIN -c CONF ARGS that way.
lab_tool_conf() {
  local secs=$1 bin=$2 conf=$3
  shift 3
  lab_tool_timeout "$secs" "$bin" -c "$conf" "$@"
}

# lab_setup_file [lab_up options]: for setup_file() of a lab suite.
lab_setup_file() {
  wgnc_require_binary || return 1
  local reason
  if reason=$(lab_unusable_reason); then
    export WGNC_SKIP="$reason"
    return 0
  fi
  export WGNC_SKIP=""
  lab_up "$@" || return 1
  echo "# lab up in ${LAB_UP_SECONDS}s: $LAB_PEER_NS / $LAB_TOOL_NS, endpoint $LAB_ENDPOINT" >&3
  # Test payloads, made once per file.
  head -c $((10 * 1024 * 1024)) /dev/urandom >"$LAB_DIR/up.bin"
  export UP_SHA
  UP_SHA=$(sha256sum <"$LAB_DIR/up.bin" | cut -d' ' -f1)
}

lab_teardown_file() {
  lab_down
}

# For setup(): skip with the recorded reason when the lab cannot run here.
wgnc_skip_if_unusable() {
  if [ -n "${WGNC_SKIP:-}" ]; then
    skip "$WGNC_SKIP"
  fi
}

# nc_tool ARGS...: wg-nc with the lab's config, inside the tool namespace, bounded in time.
nc_tool() { nc_tool_conf "$LAB_CONF" "$@"; }
# nc_tool_conf CONF ARGS...: same with another config file.
nc_tool_conf() { lab_tool_conf "$WGNC_TIMEOUT" "$WGNC" "$@"; }
# nc_say TEXT ARGS...: TEXT on stdin.
nc_say() {
  local text=$1
  shift
  printf '%s' "$text" | nc_tool "$@"
}

# now_ms: monotonic enough for run durations.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECS CMD...: bounded poll.
wait_for() { lab__wait "$@"; }

# Number of lines in a file (0 when absent): lets a test look only at what it caused.
lines_of() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# since FILE N: the lines after line N.
since() { tail -n +$(($2 + 1)) "$1" 2>/dev/null; }

# stop_bg PID: stop a background tool a test started (only that PID) and reap it.
stop_bg() {
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

# wait_bg PID SECS: wait for a background tool to exit on its own; its status in BG_STATUS.
# Returns 1 (leaving it running) if it did not exit in time.
wait_bg() {
  local pid=$1 secs=$2
  lab__wait "$secs" wgnc__gone "$pid" || return 1
  wait "$pid"
  BG_STATUS=$?
  return 0
}
# A child that exited stays a zombie until waited for, and kill -0 still finds it.
wgnc__gone() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}
