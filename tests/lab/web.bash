# shellcheck shell=bash
# Web servers for the interop lab (wg-curl's Bats suites). Source after lab.bash, call lab_web_up
# after lab_up; lab_down stops everything (the servers run under lab_spawn_peer).
#
# lab_web_up starts, in the peer namespace, on 10.77.0.1, [fd77::1] and 10.77.0.3:
#   80    HTTP/1.1 (keep-alive), tests/lab/web_server.py
#   443   HTTPS. With nginx installed (scripts/setup.sh installs it): nginx, speaking h2 and
#         http/1.1 (ALPN), proxying every request to web_server.py on 127.0.0.1 in the peer
#         namespace, so the paths behave as on port 80. LAB_WEB_H2=1 says so. Without nginx (or
#         with LAB_WEB_NO_NGINX=1): web_server.py itself, http/1.1 only, LAB_WEB_H2=0.
#   8443  HTTPS (web_server.py, http/1.1) with a certificate from the same CA that names only
#         wrong.lab.invalid                                               ($LAB_WRONGHOST_PORT)
#   8444  HTTPS (web_server.py, http/1.1) that requires a client certificate signed by the CA.
#         TLS 1.2 at most, so a missing client certificate fails inside the handshake (curl exit
#         35) and not at the first read as TLS 1.3's post-handshake alert would (curl exit 56).
#   8080  TCP that accepts and never answers; each connection is closed after 120 s (or when the
#         client closes). Logged in $LAB_DIR/web/hold.log ("hold PEER open|closed").
#
# Exports: LAB_CA, LAB_CA_DIR, LAB_WRONGHOST_PORT (8443), LAB_CLIENT_CERT, LAB_CLIENT_KEY,
#   LAB_CLIENT_PORT (8444), LAB_WEB_LOG, LAB_WEB_H2 (1 when 443 speaks h2), LAB_WEB_DIR.
# Certificates are made with the openssl CLI at lab_web_up time (EC P-256, valid 30 days); the
# server certificate's SANs are web.lab.wgnet, web2.lab.wgnet, web, web2, 10.77.0.1, 10.77.0.3
# and fd77::1.
#
# $LAB_WEB_LOG has one line per request, "METHOD PATH HOST STATUS": PATH is the request target
# as sent (query included), HOST the Host header (":authority" on h2) or "-" when there is none.
# /hang is logged when its request arrives, with STATUS "-". $LAB_DIR/web/requests.log has the
# same plus where it came from: "SCHEME PROTOCOL PEER METHOD PATH HOST STATUS".
#
# Paths (any host name, HTTP and HTTPS alike, HEAD works on every one, a request body is always
# read so the connection stays usable):
#   /                 "hello from web.lab.wgnet\n"
#   /big              $LAB_SOURCE (10 MiB): Content-Length, Last-Modified, ETag, Accept-Ranges;
#                     Range (one range: 206 + Content-Range; several: multipart/byteranges;
#                     unsatisfiable: 416 "bytes */SIZE"); If-Modified-Since (304)
#   /echo             any method: 200, the request body as the body (application/octet-stream),
#                     X-Method: METHOD
#   /headers          the request line and the headers as received, text/plain. Through nginx
#                     (443) the request line's version is the client's (HTTP/2.0 on h2) and the
#                     headers are what nginx forwarded: hop-by-hop ones (Connection,
#                     Keep-Alive, TE, Expect, Upgrade) are not there, names are lower-case
#                     on h2, and Host is the :authority.
#   /status/N         status N (200..599), body "status N\n" (none for 204 and 304)
#   /redirect/N?to=URL  status N (301, 302, 303, 307, 308), Location: URL (percent-decoded);
#                     without "to", Location: /
#   /cookies/set?k=v[&k2=v2]  200, Set-Cookie: k=v; Path=/ for each pair
#   /cookies          the Cookie header received and "\n" (just "\n" without one)
#   /basic-auth/U/P   200 "authenticated U\n" when Authorization is Basic U:P, else 401 with
#                     WWW-Authenticate: Basic realm="lab"
#   /gzip             1000 lines "line NNNN of the lab's gzip page\n" (NNNN = 0000..0999);
#                     gzip-encoded (Content-Encoding: gzip, Vary: Accept-Encoding) when the
#                     request's Accept-Encoding names gzip, plain otherwise
#   /slow?bytes=N&rate=R  N bytes (ASCII "0123456789abcde\n" repeated) at about R bytes/s, with
#                     Content-Length (chunked instead with &chunked=1 on HTTP/1.1). N is capped
#                     at 1 GiB; the response never takes longer than 120 s (cut short then).
#   /chunked?bytes=N  N bytes like /slow, at full speed, Transfer-Encoding: chunked
#   /hang             reads the request, never answers; closes after 120 s or when the client
#                     closes first
#   /upload/NAME      PUT (or POST) stores the body (201, "stored N bytes\n"); GET returns it
#                     (404 before). NAME is [A-Za-z0-9._-]+ and not starting with '.'.
#   anything else     404 "not found\n"
# Request bodies (Content-Length or chunked) up to 256 MiB; Expect: 100-continue is honoured.

WEB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_WEB_HTTP_PORT=80
LAB_WEB_HTTPS_PORT=443
LAB_WRONGHOST_PORT=8443
LAB_CLIENT_PORT=8444
LAB_WEB_HOLD_PORT=8080

# lab_web_up: see above. Returns non-zero with the reason on stderr.
lab_web_up() {
  if [ -z "${LAB_DIR:-}" ] || [ ! -d "$LAB_DIR" ]; then
    echo "lab_web_up: no lab is up (call lab_up first)" >&2
    return 1
  fi
  local c
  for c in openssl python3; do
    command -v "$c" >/dev/null 2>&1 || { echo "lab_web_up: '$c' not found (run scripts/setup.sh)" >&2; return 1; }
  done
  LAB_WEB_DIR="$LAB_DIR/web"
  mkdir -p "$LAB_WEB_DIR/uploads" "$LAB_WEB_DIR/ca"
  web__make_certs "$LAB_WEB_DIR" || { echo "lab_web_up: could not make the test certificates" >&2; return 1; }
  LAB_CA="$LAB_WEB_DIR/ca.pem"
  LAB_CA_DIR="$LAB_WEB_DIR/ca"
  LAB_CLIENT_CERT="$LAB_WEB_DIR/client.pem"
  LAB_CLIENT_KEY="$LAB_WEB_DIR/client.key"
  LAB_WEB_LOG="$LAB_WEB_DIR/access.log"
  : >"$LAB_WEB_LOG"

  local use_nginx=0
  if [ -z "${LAB_WEB_NO_NGINX:-}" ] && command -v nginx >/dev/null 2>&1; then
    use_nginx=1
  fi
  local args=(--dir "$LAB_WEB_DIR" --source "$LAB_SOURCE" --ready "$LAB_WEB_DIR/server.ready"
    --cert "$LAB_WEB_DIR/server.pem" --key "$LAB_WEB_DIR/server.key"
    --wrong-cert "$LAB_WEB_DIR/wrong.pem" --wrong-key "$LAB_WEB_DIR/wrong.key"
    --client-ca "$LAB_CA" --http-port "$LAB_WEB_HTTP_PORT" --wrong-port "$LAB_WRONGHOST_PORT"
    --client-port "$LAB_CLIENT_PORT" --hold-port "$LAB_WEB_HOLD_PORT")
  if [ "$use_nginx" = 1 ]; then
    args+=(--backend-port 0)
  else
    args+=(--https-port "$LAB_WEB_HTTPS_PORT")
  fi
  args+=("$LAB_PEER_INNER4" "$LAB_PEER_INNER6" "$LAB_PEER_INNER4_B")
  lab_spawn_peer web python3 -u "$WEB_LIB_DIR/web_server.py" "${args[@]}" ||
    { echo "lab_web_up: web_server.py did not start" >&2; return 1; }
  if ! lab__wait 10 test -s "$LAB_WEB_DIR/server.ready"; then
    echo "lab_web_up: web_server.py did not bind: $(tail -n 20 "$LAB_DIR/web.log" 2>/dev/null)" >&2
    return 1
  fi

  LAB_WEB_H2=0
  if [ "$use_nginx" = 1 ]; then
    local backend
    backend=$(sed -n 's/^backend //p' "$LAB_WEB_DIR/server.ready")
    web__nginx_conf "$backend" >"$LAB_WEB_DIR/nginx.conf"
    lab_spawn_peer nginx nginx -e "$LAB_WEB_DIR/nginx-error.log" -c "$LAB_WEB_DIR/nginx.conf" ||
      { echo "lab_web_up: nginx did not start" >&2; return 1; }
    if ! lab__wait 10 web__listening "$LAB_PEER_INNER4_B" "$LAB_WEB_HTTPS_PORT"; then
      echo "lab_web_up: nginx did not bind: $(tail -n 20 "$LAB_WEB_DIR/nginx-error.log" "$LAB_DIR/nginx.log" 2>/dev/null)" >&2
      return 1
    fi
    LAB_WEB_H2=1
  fi
  export LAB_CA LAB_CA_DIR LAB_WRONGHOST_PORT LAB_CLIENT_PORT LAB_CLIENT_CERT LAB_CLIENT_KEY \
    LAB_WEB_LOG LAB_WEB_H2 LAB_WEB_DIR
}

# web__listening ADDR PORT: a TCP listener on ADDR:PORT in the peer namespace.
web__listening() {
  lab_peer ss -Hltn "sport = :$2" | grep -qF "$1:$2"
}

# web__make_certs DIR: CA, server, wrong-host and client certificates (EC P-256, 30 days).
web__make_certs() {
  local d=$1
  local ossl=(openssl)
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  (
    set -e
    umask 077
    cd "$d"
    "${ossl[@]}" req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 30 -config /dev/null \
      -subj "/O=wgnet lab/CN=wgnet lab CA $LAB_ID" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash" 2>/dev/null
    web__leaf server "/CN=web.lab.wgnet" \
      "subjectAltName=DNS:web.lab.wgnet,DNS:web2.lab.wgnet,DNS:web,DNS:web2,IP:10.77.0.1,IP:10.77.0.3,IP:fd77::1" \
      serverAuth
    web__leaf wrong "/CN=wrong.lab.invalid" "subjectAltName=DNS:wrong.lab.invalid" serverAuth
    web__leaf client "/CN=wgnet lab client" "subjectAltName=DNS:client.lab.wgnet" clientAuth
    cp ca.pem ca/lab-ca.pem
    openssl rehash ca
    chmod 644 ./*.pem ca/*
  )
}

# web__leaf NAME SUBJECT SAN EKU (in the certificate directory): NAME.key, NAME.pem signed by ca.
web__leaf() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -out "$1.pem" -days 30 -config /dev/null -subj "/O=wgnet lab$2" -CA ca.pem -CAkey ca.key \
    -addext "$3" -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=$4" \
    -addext "authorityKeyIdentifier=keyid" 2>/dev/null
}

# web__nginx_conf BACKEND_PORT: nginx in front of web_server.py for port 443 (h2 + http/1.1).
# Nothing is buffered (so /slow, /hang and uploads behave as on port 80) and the client's
# protocol, address and Host reach the backend in X-Lab-* headers, which it trusts only on its
# loopback port.
web__nginx_conf() {
  local d=$LAB_WEB_DIR a
  cat <<EOF
daemon off;
master_process on;
worker_processes 1;
user root root;
pid $d/nginx.pid;
error_log $d/nginx-error.log info;
events { worker_connections 512; }
http {
  access_log $d/nginx-access.log;
  client_body_temp_path $d/nginx-tmp/body;
  proxy_temp_path $d/nginx-tmp/proxy;
  fastcgi_temp_path $d/nginx-tmp/fastcgi;
  uwsgi_temp_path $d/nginx-tmp/uwsgi;
  scgi_temp_path $d/nginx-tmp/scgi;
  client_max_body_size 0;
  client_body_timeout 120s;
  send_timeout 120s;
  keepalive_timeout 120s;
  keepalive_requests 1000;
  server_tokens off;
  gzip off;
  map \$http_host \$lab_host { "" \$host; default \$http_host; }
  upstream lab_backend { server 127.0.0.1:$1; keepalive 16; }
  server {
EOF
  for a in "$LAB_PEER_INNER4" "[$LAB_PEER_INNER6]" "$LAB_PEER_INNER4_B"; do
    echo "    listen $a:$LAB_WEB_HTTPS_PORT ssl http2;"
  done
  cat <<EOF
    ssl_certificate $d/server.pem;
    ssl_certificate_key $d/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://lab_backend;
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_max_temp_file_size 0;
      proxy_redirect off;
      proxy_read_timeout 130s;
      proxy_send_timeout 130s;
      proxy_set_header Host \$lab_host;
      proxy_set_header Connection "";
      proxy_set_header X-Lab-Proto \$server_protocol;
      proxy_set_header X-Lab-Peer "\$remote_addr \$remote_port";
      proxy_set_header X-Lab-Scheme https;
    }
  }
}
EOF
  mkdir -p "$d/nginx-tmp"
}
