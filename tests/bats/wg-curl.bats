#!/usr/bin/env bats
# wg-curl against the real lab (issue 4's test list, TESTPLAN I4-I6): a wireguard-go peer with
# HTTP/HTTPS servers (tests/lab/web.bash) and dnsmasq behind it, on names only the tunnel's DNS
# knows (web.lab.wgnet, web2.lab.wgnet, "web" through the search domain). wg-curl runs in a
# namespace whose only way out is the tunnel. Needs root; otherwise every test is skipped with
# the reason. Every run is bounded by `timeout`.

load ../lab/wgnc
# shellcheck source=tests/lab/web.bash
source "$BATS_TEST_DIRNAME/../lab/web.bash"
# shellcheck source=tests/lab/wgcurl.bash
source "$BATS_TEST_DIRNAME/../lab/wgcurl.bash"
# shellcheck source=tests/lab/term.bash
source "$BATS_TEST_DIRNAME/../lab/term.bash"

setup_file() {
  wgcurl_require_binary || return 1
  lab_setup_file || return 1
  [ -n "$WGNC_SKIP" ] && return 0
  lab_web_up || return 1
}
teardown_file() { lab_teardown_file; }
setup() {
  wgnc_skip_if_unusable
  term_setup
}
teardown() { term_teardown; }

# timed CMD...: `run --separate-stderr CMD`, and its duration in ms in $elapsed.
timed() {
  local t0
  t0=$(now_ms)
  run --separate-stderr "$@"
  elapsed=$(($(now_ms) - t0))
}

@test "GET of a small page through the tunnel" {
  run --separate-stderr wgcurl -sS http://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  assert_equal "$stderr" ""
}

@test "GET of the 10 MiB file: SHA-256 matches; time to first byte and throughput" {
  local out="$BATS_TEST_TMPDIR/big.bin"
  run --separate-stderr wgcurl -sS -o "$out" \
    -w '%{http_code} %{size_download} %{time_starttransfer} %{time_total} %{speed_download}' \
    http://web.lab.wgnet/big
  assert_success
  read -r code size ttfb total speed <<<"$output"
  assert_equal "$code" 200
  assert_equal "$size" "$LAB_SOURCE_BYTES"
  assert_equal "$(sha256sum <"$out" | cut -d' ' -f1)" "$LAB_SOURCE_SHA"
  echo "# 10 MiB GET: first byte after ${ttfb} s, total ${total} s, $((speed / 1000000)) MB/s" >&3
}

@test "HTTPS: --cacert verifies; without it exit 60; -k skips the check" {
  run --separate-stderr wgcurl -sS --cacert "$LAB_CA" https://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
  run --separate-stderr wgcurl -sS --capath "$LAB_CA_DIR" https://web.lab.wgnet/
  assert_success
  run --separate-stderr wgcurl -sS https://web.lab.wgnet/
  assert_failure 60
  assert_equal "$output" ""
  [[ $stderr == "wg-curl: (60) SSL certificate problem: "* ]]
  run --separate-stderr wgcurl -sS -k https://web.lab.wgnet/
  assert_success
  assert_output "hello from web.lab.wgnet"
}

@test "I4: a certificate for another host name is exit 60 even with the right CA, unless -k" {
  run --separate-stderr wgcurl -sS --cacert "$LAB_CA" "https://web.lab.wgnet:$LAB_WRONGHOST_PORT/"
  assert_failure 60
  [[ $stderr == *"no alternative certificate subject name matches target host name 'web.lab.wgnet'"* ]]
  run --separate-stderr wgcurl -sS -k "https://web.lab.wgnet:$LAB_WRONGHOST_PORT/"
  assert_success
  assert_output "hello from web.lab.wgnet"
}

@test "HTTPS client certificate: --cert/--key accepted, none is a TLS failure" {
  run --separate-stderr wgcurl -sS --cacert "$LAB_CA" --cert "$LAB_CLIENT_CERT" \
    --key "$LAB_CLIENT_KEY" "https://web.lab.wgnet:$LAB_CLIENT_PORT/"
  assert_success
  assert_output "hello from web.lab.wgnet"
  run --separate-stderr wgcurl -sS --cacert "$LAB_CA" "https://web.lab.wgnet:$LAB_CLIENT_PORT/"
  [ "$status" -eq 35 ] || [ "$status" -eq 56 ]
}

@test "HTTP/2 over TLS when the server offers it, --http1.1 when asked" {
  [ "${LAB_WEB_H2:-0}" = 1 ] || skip "the lab's HTTPS server does not speak h2 (no nginx)"
  run --separate-stderr wgcurl -sS --cacert "$LAB_CA" -o /dev/null -w '%{http_version}' \
    https://web.lab.wgnet/
  assert_success
  assert_output 2
  run --separate-stderr wgcurl -sS --http1.1 --cacert "$LAB_CA" -o /dev/null \
    -w '%{http_version}' https://web.lab.wgnet/
  assert_output 1.1
}

@test "-L follows a redirect to a second tunnel-only host name; no body of the redirect" {
  local before
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -sS -L -w '%{http_code} %{num_redirects} %{url_effective}' \
    "http://web.lab.wgnet/redirect/302?to=http://web2.lab.wgnet/"
  assert_success
  assert_output $'hello from web.lab.wgnet\n200 1 http://web2.lab.wgnet/'
  run web_log_since "$before"
  assert_line --index 0 --regexp '^GET /redirect/302\?to=.* web\.lab\.wgnet 302$'
  assert_line --index 1 'GET / web2.lab.wgnet 200'
  # Without -L: the 302 itself, and where it would have gone.
  run --separate-stderr wgcurl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
    "http://web.lab.wgnet/redirect/301?to=http://web2.lab.wgnet/x"
  assert_output "301 http://web2.lab.wgnet/x"
}

@test "-L: 302 turns POST into GET, 307 keeps POST and its body, -i shows every response" {
  local before
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -sS -L -d 'a=1' "http://web/redirect/302?to=/echo"
  assert_success
  assert_output ""
  run --separate-stderr wgcurl -sS -L -i -d 'a=1' "http://web/redirect/307?to=/echo"
  assert_success
  assert_line --index 0 --regexp '^HTTP/1\.1 307 '
  assert_line --regexp '^X-Method: POST'
  assert_line --index $((${#lines[@]} - 1)) 'a=1'
  run web_log_since "$before"
  assert_line --index 1 'GET /echo web 200'
  assert_line --index 3 'POST /echo web 200'
}

@test "-L: credentials go to the first host only" {
  run --separate-stderr wgcurl -sS -L -u lab:secret -H 'Cookie: c=1' \
    "http://web.lab.wgnet/redirect/302?to=http://web2.lab.wgnet/headers"
  assert_success
  assert_line 'Host: web2.lab.wgnet'
  refute_line --regexp '^Authorization:'
  refute_line --regexp '^Cookie:'
  run --separate-stderr wgcurl -sS -L -u lab:secret "http://web/redirect/302?to=/headers"
  assert_line --regexp '^Authorization: Basic '
}

@test "I6: redirects to file://, scp:// and gopher:// are refused (exit 1)" {
  local target
  for target in file:///etc/passwd scp://web.lab.wgnet/etc/passwd gopher://web.lab.wgnet/; do
    run --separate-stderr wgcurl -sS -L "http://web/redirect/302?to=$target"
    assert_failure 1
    assert_output ""
    assert_equal "$stderr" "wg-curl: (1) Protocol \"${target%%:*}\" not supported or disabled in libcurl"
  done
}

@test "--max-redirs: one more redirect than allowed is exit 47" {
  run --separate-stderr wgcurl -sS -L --max-redirs 1 \
    "http://web/redirect/302?to=/redirect/302%3Fto=/"
  assert_failure 47
  assert_equal "$stderr" "wg-curl: (47) Maximum (1) redirects followed"
  run --separate-stderr wgcurl -sS -L --max-redirs 2 "http://web/redirect/302?to=/redirect/302%3Fto=/"
  assert_success
  assert_output "hello from web.lab.wgnet"
}

@test "POST and PUT bodies are echoed back byte for byte (10 MiB binary)" {
  wgcurl -sS --data-binary "@$LAB_DIR/up.bin" http://web/echo >"$BATS_TEST_TMPDIR/post.bin"
  assert_equal "$(sha256sum <"$BATS_TEST_TMPDIR/post.bin" | cut -d' ' -f1)" "$UP_SHA"
  wgcurl -sS -T "$LAB_DIR/up.bin" http://web/echo >"$BATS_TEST_TMPDIR/put.bin"
  assert_equal "$(sha256sum <"$BATS_TEST_TMPDIR/put.bin" | cut -d' ' -f1)" "$UP_SHA"
  run --separate-stderr wgcurl -sS -i -X PATCH --data-binary 'x' http://web/echo
  assert_line --regexp '^X-Method: PATCH'
}

@test "-T uploads a file (and stdin) that a later GET returns" {
  run --separate-stderr wgcurl -sS -T "$LAB_DIR/up.bin" http://web/upload/up.bin
  assert_success
  wgcurl -sS http://web/upload/up.bin >"$BATS_TEST_TMPDIR/back.bin"
  assert_equal "$(sha256sum <"$BATS_TEST_TMPDIR/back.bin" | cut -d' ' -f1)" "$UP_SHA"
  # "-T FILE URL/" appends the file's name, as curl does.
  printf 'from stdin' >"$BATS_TEST_TMPDIR/named.txt"
  wgcurl -sS -T "$BATS_TEST_TMPDIR/named.txt" http://web/upload/
  run --separate-stderr wgcurl -sS http://web/upload/named.txt
  assert_output "from stdin"
  printf piped | wgcurl -sS -T - http://web/upload/piped
  run --separate-stderr wgcurl -sS http://web/upload/piped
  assert_output "piped"
}

@test "-F multipart: a field and a file part" {
  printf 'file body\n' >"$BATS_TEST_TMPDIR/part.txt"
  wgcurl -sS -F 'field=value' -F "upload=@$BATS_TEST_TMPDIR/part.txt;type=text/plain" \
    http://web/echo >"$BATS_TEST_TMPDIR/form.out"
  run tr -d '\r' <"$BATS_TEST_TMPDIR/form.out"
  assert_line 'Content-Disposition: form-data; name="field"'
  assert_line 'value'
  assert_line 'Content-Disposition: form-data; name="upload"; filename="part.txt"'
  assert_line 'Content-Type: text/plain'
  assert_line 'file body'
  run --separate-stderr wgcurl -sS -F "upload=@$BATS_TEST_TMPDIR/missing.txt" http://web/echo
  assert_failure 26
}

@test "-o, -O, --create-dirs and -w '%{http_code}'" {
  cd "$BATS_TEST_TMPDIR"
  run --separate-stderr wgcurl -sS -o sub/dir/page.txt --create-dirs -w '%{http_code}' http://web/
  assert_success
  assert_output 200
  assert_equal "$(cat sub/dir/page.txt)" "hello from web.lab.wgnet"
  run --separate-stderr wgcurl -sS -O -w '%{filename_effective}' http://web/big
  assert_success
  assert_output big
  assert_equal "$(sha256sum <big | cut -d' ' -f1)" "$LAB_SOURCE_SHA"
  # A failed transfer leaves no file behind.
  run --separate-stderr wgcurl -sS -f -o none.txt http://web/status/404
  assert_failure 22
  [ ! -e none.txt ]
}

@test "-f on 404 is exit 22; --fail-with-body keeps the body; without -f exit 0" {
  run --separate-stderr wgcurl -sS -f http://web/status/404
  assert_failure 22
  assert_output ""
  assert_equal "$stderr" "wg-curl: (22) The requested URL returned error: 404"
  run --separate-stderr wgcurl -s -f http://web/status/404
  assert_failure 22
  assert_equal "$stderr" ""
  run --separate-stderr wgcurl -sS --fail-with-body http://web/status/404
  assert_failure 22
  assert_output "status 404"
  run --separate-stderr wgcurl -sS -w '%{http_code}' http://web/status/404
  assert_success
  assert_output "status 404
404"
}

@test "--max-time on a server that never answers: exit 28 on time" {
  timed wgcurl -sS --max-time 2 http://web/hang
  assert_failure 28
  [[ $stderr == "wg-curl: (28) Operation timed out after "* ]]
  [ "$elapsed" -ge 1900 ] && [ "$elapsed" -lt 4500 ] || fail "took ${elapsed} ms"
}

@test "a name the tunnel DNS does not know: exit 6, and the query went through the tunnel" {
  local before
  before=$(lines_of "$LAB_DNS_LOG")
  run --separate-stderr wgcurl -sS http://nosuch.lab.wgnet/
  assert_failure 6
  assert_equal "$stderr" "wg-curl: (6) Could not resolve host: nosuch.lab.wgnet"
  run since "$LAB_DNS_LOG" "$before"
  assert_output --partial "nosuch.lab.wgnet from 10.77.0.2"
}

@test "an unreachable tunnel host (10.77.0.99): exit 7 or 28, quickly, never hangs" {
  timed wgcurl -sS --connect-timeout 2 http://10.77.0.99/
  [ "$status" -eq 7 ] || [ "$status" -eq 28 ] || fail "status $status: $stderr"
  [ "$elapsed" -lt 5000 ] || fail "took ${elapsed} ms"
  # -m alone bounds the connection attempt too.
  timed wgcurl -sS -m 2 http://10.77.0.99/
  [ "$status" -eq 7 ] || [ "$status" -eq 28 ] || fail "status $status: $stderr"
  [ "$elapsed" -lt 5000 ] || fail "took ${elapsed} ms"
}

@test "a DNS server that never answers (DNS = 10.77.0.99): -m 1 is exit 28 on time" {
  local conf="$BATS_TEST_TMPDIR/silent-dns.conf"
  (umask 077 && sed 's/^DNS = .*/DNS = 10.77.0.99, lab.wgnet/' "$LAB_CONF" >"$conf")
  grep -q '^DNS = 10\.77\.0\.99,' "$conf" || fail "no DNS= line to replace in $LAB_CONF"
  timed wgcurl_conf "$conf" -sS -m 1 http://web.lab.wgnet/
  assert_failure 28
  [[ $stderr == "wg-curl: (28) Resolving timed out after "*" milliseconds" ]] || fail "$stderr"
  [ "$elapsed" -ge 900 ] && [ "$elapsed" -lt 2500 ] || fail "took ${elapsed} ms"
  # --connect-timeout counts the lookup too, as curl's does.
  timed wgcurl_conf "$conf" -sS --connect-timeout 1 http://web/
  assert_failure 28
  [ "$elapsed" -ge 900 ] && [ "$elapsed" -lt 2500 ] || fail "took ${elapsed} ms"
}

@test "I5: proxies in the environment and a poisoned system resolver see nothing" {
  wgcurl_leak_sink_up
  wgcurl_poison_resolver
  wgcurl_count_outside_packets start
  local before
  before=$(lines_of "$LAB_DNS_LOG")
  run --separate-stderr wgcurl_env "http_proxy=http://$LAB_PEER_OUTER4:3128" \
    "HTTPS_PROXY=http://$LAB_PEER_OUTER4:3128" "ALL_PROXY=socks5h://$LAB_PEER_OUTER4:1080" \
    "all_proxy=socks5h://$LAB_PEER_OUTER4:1080" -- -sS -L --cacert "$LAB_CA" \
    "https://web.lab.wgnet/redirect/302?to=http://web2.lab.wgnet/"
  local fetch_status=$status fetch_output=$output
  run --separate-stderr wgcurl_env "http_proxy=http://$LAB_PEER_OUTER4:3128" -- -sS \
    http://leak-check.lab.wgnet/
  local unknown_status=$status
  local outside
  outside=$(wgcurl_count_outside_packets read)
  local outside_rules
  outside_rules=$(wgcurl_count_outside_packets show)
  wgcurl_count_outside_packets stop
  wgcurl_unpoison_resolver
  [ "$fetch_status" -eq 0 ] || fail "fetch failed ($fetch_status)"
  assert_equal "$fetch_output" "hello from web.lab.wgnet"
  assert_equal "$unknown_status" 6
  # Nothing reached the poisoned resolver or the proxies, no packet left outside the tunnel ...
  assert_equal "$(cat "$LEAK_LOG")" ""
  [ "$outside" -eq 0 ] || fail "$outside packet(s) left outside the tunnel: $outside_rules"
  # ... and the names were asked through the tunnel.
  run since "$LAB_DNS_LOG" "$before"
  assert_output --partial "web.lab.wgnet from 10.77.0.2"
  assert_output --partial "web2.lab.wgnet from 10.77.0.2"
  assert_output --partial "leak-check.lab.wgnet from 10.77.0.2"
}

@test "IPv6 literal URL; -4 picks the name's IPv4 address" {
  run --separate-stderr wgcurl -sS -w '%{remote_ip} %{local_ip}' 'http://[fd77::1]/'
  assert_success
  assert_output $'hello from web.lab.wgnet\nfd77::1 fd77::2'
  run --separate-stderr wgcurl -sS -4 -o /dev/null -w '%{remote_ip}' http://web.lab.wgnet/
  assert_output 10.77.0.1
}

@test "search domain: http://web/ resolves through the tunnel's DNS = line" {
  run --separate-stderr wgcurl -sS -w '%{remote_ip}:%{remote_port}' -4 http://web/
  assert_success
  assert_output $'hello from web.lab.wgnet\n10.77.0.1:80'
}

@test "--resolve: a name the tunnel does not know, pinned to a tunnel address" {
  local before
  before=$(lines_of "$LAB_DNS_LOG")
  run --separate-stderr wgcurl -sS --resolve pinned.example:80:10.77.0.3 http://pinned.example/headers
  assert_success
  assert_line 'Host: pinned.example'
  run since "$LAB_DNS_LOG" "$before"
  refute_output --partial pinned.example
}

@test "-C - resumes a partial download; -r fetches a range" {
  cd "$BATS_TEST_TMPDIR"
  head -c 3000000 "$LAB_SOURCE" >part.bin
  run --separate-stderr wgcurl -sS -C - -o part.bin -w '%{http_code} %{size_download}' http://web/big
  assert_success
  assert_output "206 $((LAB_SOURCE_BYTES - 3000000))"
  assert_equal "$(sha256sum <part.bin | cut -d' ' -f1)" "$LAB_SOURCE_SHA"
  wgcurl -sS -r 100-199 http://web/big >range.bin
  cmp range.bin <(tail -c +101 "$LAB_SOURCE" | head -c 100)
}

@test "cookies: --cookie-jar keeps what the server set, -b sends it back" {
  cd "$BATS_TEST_TMPDIR"
  run --separate-stderr wgcurl -sS --cookie-jar jar.txt "http://web/cookies/set?flavour=oat"
  assert_success
  grep -q $'\tflavour\toat$' jar.txt
  run --separate-stderr wgcurl -sS -b jar.txt http://web/cookies
  assert_output "flavour=oat"
  # Within one run: set by the first URL's response, sent with the second URL's request.
  run --separate-stderr wgcurl -sS --cookie-jar jar2.txt "http://web/cookies/set?a=1" \
    http://web/cookies
  assert_output $'set a=1\na=1'
}

@test "-u basic auth: right credentials 200, none 401 (22 with -f)" {
  run --separate-stderr wgcurl -sS -u lab:secret http://web/basic-auth/lab/secret
  assert_success
  assert_output "authenticated lab"
  run --separate-stderr wgcurl -sS -f http://web/basic-auth/lab/secret
  assert_failure 22
}

@test "-u NAME and no terminal: curl's question on stderr, the password read from stdin" {
  run --separate-stderr wgcurl_without_terminal -sS -u lab http://web/basic-auth/lab/secret \
    <<<secret
  assert_success
  assert_output "authenticated lab"
  assert_equal "$stderr" "Enter host password for user 'lab':"
  # Asked also under -s, as curl does; a wrong answer is the server's 401.
  run --separate-stderr wgcurl_without_terminal -s -f -u lab http://web/basic-auth/lab/secret \
    <<<wrong
  assert_failure 22
  assert_equal "$stderr" "Enter host password for user 'lab':"
}

@test "-u NAME on a terminal (tmux): asked there, typed without echo, terminal restored" {
  command -v tmux >/dev/null || skip "needs tmux (run scripts/setup.sh)"
  term_start "$(printf 'timeout --foreground %q ip netns exec %q %q -c %q -sS -u lab %q' \
    "$WGCURL_TIMEOUT" "$LAB_TOOL_NS" "$WGCURL" "$LAB_CONF" http://web/basic-auth/lab/secret)"
  term_wait_screen 10 "^Enter host password for user 'lab':\$"
  term_send 'secret' Enter
  term_wait_exit 15
  assert_equal "$TERM_STATUS" 0
  term_screen_has '^authenticated lab$' || fail "no answer: $(term_screen)"
  ! term_screen_has secret || fail "the password was echoed: $(term_screen)"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/stty.after")" "$(cat "$BATS_TEST_TMPDIR/stty.before")"
}

@test "--compressed: gzip on the wire, text on output" {
  run --separate-stderr wgcurl -sS --compressed -w '\n%{size_download}' http://web/gzip
  assert_success
  assert_line --index 0 "line 0000 of the lab's gzip page"
  assert_line --index 999 "line 0999 of the lab's gzip page"
  local wire=${lines[1000]}
  [ "$wire" -lt 20000 ] || fail "size_download $wire: not compressed"
}

@test "several URLs on one handle: the connection is reused" {
  run --separate-stderr wgcurl -sS -o /dev/null -o /dev/null -w '%{num_connects}\n' \
    http://web/ http://web/
  assert_success
  assert_output $'1\n0'
}

@test "the last URL's result is the exit status, as in curl" {
  run --separate-stderr wgcurl -sS -f http://web/status/404 http://web/
  assert_success
  assert_output "hello from web.lab.wgnet"
  run --separate-stderr wgcurl -sS -f http://web/ http://web/status/500
  assert_failure 22
}

@test "--retry: a 503 is retried after 1 s" {
  local before
  before=$(lines_of "$LAB_WEB_LOG")
  timed wgcurl -S --retry 1 -o /dev/null http://web/status/503
  assert_success
  [[ $stderr == *"wg-curl: warning: Problem : HTTP error. Will retry in 1 seconds. 1 retries left."* ]]
  [ "$(web_log_since "$before" | grep -c 'status/503')" -eq 2 ]
  [ "$elapsed" -ge 900 ] || fail "retried after ${elapsed} ms"
}

@test "--limit-rate holds an upload to the rate" {
  # An upload, because libcurl 7.88 checks a download's rate only between bursts of reads, so a
  # short download may finish in its first burst; its sending side is paced evenly.
  head -c 200000 "$LAB_DIR/up.bin" >"$BATS_TEST_TMPDIR/200k.bin"
  timed wgcurl -sS --limit-rate 100k -T "$BATS_TEST_TMPDIR/200k.bin" -o /dev/null \
    -w '%{size_upload}' http://web/upload/limited
  assert_success
  assert_output 200000
  [ "$elapsed" -ge 1500 ] && [ "$elapsed" -lt 6000 ] || fail "200 kB at 100 kB/s in ${elapsed} ms"
}

@test "-v: libcurl's lines and the tunnel's; progress meter and -# bar on stderr" {
  run --separate-stderr wgcurl -v -o /dev/null http://web/
  assert_success
  [[ $stderr == *"wg-curl: handshake with peer "* ]]
  [[ $stderr == *"> GET / HTTP/1.1"* ]]
  [[ $stderr == *"< HTTP/1.1 200 OK"* ]]
  [[ $stderr == *"wg-curl: tunnel: sent "* ]]
  run --separate-stderr wgcurl -o /dev/null http://web/big
  assert_success
  [[ $stderr == *"% Total"* ]]
  run --separate-stderr wgcurl -# -o /dev/null http://web/big
  assert_success
  [[ $stderr == *"100.0%"* ]]
}

@test "handshake failure (wrong peer key): exit 100 with one line" {
  lab_write_config "$BATS_TEST_TMPDIR/bad.conf" public_key="$(wg genkey | wg pubkey)"
  timed wgcurl_conf "$BATS_TEST_TMPDIR/bad.conf" -sS --connect-timeout 2 http://web/
  assert_failure 100
  assert_output ""
  assert_equal "${#stderr_lines[@]}" 1
  [[ $stderr == "wg-curl: (100) WireGuard handshake with "* ]]
  [ "$elapsed" -lt 5000 ] || fail "took ${elapsed} ms"
}

# URL globbing as curl 7.88 does it (tools/wg-curl/lib/url_glob.hpp).
@test "globbing: {200,201} is two transfers in order, -o '#1.out' names each file" {
  local before dir=$BATS_TEST_TMPDIR/glob
  mkdir -p "$dir"
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -sS 'http://10.77.0.1/status/{200,201}' -o "$dir/#1.out" \
    -w '%{urlnum} %{http_code}\n'
  assert_success
  assert_output $'0 200\n0 201'
  [ "$(cat "$dir/200.out")" = "status 200" ] || fail "200.out: $(cat "$dir/200.out" 2>&1)"
  [ "$(cat "$dir/201.out")" = "status 201" ] || fail "201.out: $(cat "$dir/201.out" 2>&1)"
  run web_log_since "$before"
  assert_line --index 0 'GET /status/200 10.77.0.1 200'
  assert_line --index 1 'GET /status/201 10.77.0.1 201'
}

@test "globbing: [1-3] with -o file_#1 and --create-dirs, then the next URL of the command line" {
  local dir=$BATS_TEST_TMPDIR/range/sub n
  run --separate-stderr wgcurl -sS --create-dirs 'http://10.77.0.1/status/20[1-3]' \
    -o "$dir/file_#1" http://web/
  assert_success
  assert_output "hello from web.lab.wgnet"
  for n in 1 2 3; do
    [ "$(cat "$dir/file_$n")" = "status 20$n" ] || fail "file_$n: $(cat "$dir/file_$n" 2>&1)"
  done
}

@test "globbing: several URLs to stdout with the progress meter: no separator lines, as curl 7.88" {
  run --separate-stderr wgcurl 'http://10.77.0.1/status/{200,201}'
  assert_success
  assert_output $'status 200\nstatus 201'
  [[ $stderr == *"% Total"* ]] || fail "no progress meter: $stderr"
  [[ $stderr != *"_curl_"* && $stderr != *"-->"* ]] || fail "a separator line: $stderr"
}

@test "-g takes a URL with braces as typed: one request" {
  local before
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -sS -g 'http://10.77.0.1/status/{200,201}' -o /dev/null \
    -w '%{url_effective}'
  assert_success
  assert_output 'http://10.77.0.1/status/{200,201}'
  run web_log_since "$before"
  assert_equal "${#lines[@]}" 1
  assert_line --index 0 --regexp '^GET /status/(\{|%7B)200,201(\}|%7D) 10\.77\.0\.1 [0-9]+$'
}

@test "a bad glob: curl's exit 3 and curl's own message, after the URLs before it ran" {
  local url='http://10.77.0.1/status/[1-' before want
  # Real curl's text for the same URL (it fails on the glob before any connection).
  want=$(lab_tool_timeout 10 curl -sS "$url" 2>&1) || true
  [[ $want == "curl: (3) bad range in URL position "* ]] || fail "real curl said: $want"
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -sS http://web/ "$url" 'http://10.77.0.1/status/200'
  assert_failure 3
  assert_output "hello from web.lab.wgnet"
  assert_equal "$stderr" "wg-${want}"
  run web_log_since "$before"
  assert_equal "${#lines[@]}" 1  # nothing after the bad glob ran
}

@test "a bad glob after a failed transfer: the failed transfer's code wins, as curl's returncode" {
  local url='http://10.77.0.1/status/[1-' want
  want=$(lab_tool_timeout 10 curl -sS "$url" 2>&1) || true  # real curl's text, as above
  run --separate-stderr wgcurl -sS -f http://web/status/404 "$url"
  assert_failure 22
  assert_equal "$stderr" "wg-curl: (22) The requested URL returned error: 404"$'\n'"wg-${want}"
}

@test "an -o glob that names nothing: curl's warning, its (23) line and -w, exit 23, no request" {
  local before
  before=$(lines_of "$LAB_WEB_LOG")
  run --separate-stderr wgcurl -S -w '%{exitcode} %{url}\n' --output-dir "$BATS_TEST_TMPDIR" \
    -o '#1' 'http://10.77.0.1/status/{,200}'
  assert_failure 23
  assert_output "23 http://10.77.0.1/status/"
  assert_equal "$stderr" $'wg-curl: warning: output glob produces empty string!\nwg-curl: (23) Failed writing received data to disk/application'
  run web_log_since "$before"
  assert_output ""
}
