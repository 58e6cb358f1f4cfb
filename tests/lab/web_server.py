#!/usr/bin/env python3
"""HTTP and HTTPS test server of the interop lab (tests/lab/web.bash starts it in the peer
namespace; the paths it serves are listed there). Python standard library only.

Every listener binds to the addresses given on the command line (the tunnel's), plus an optional
plain-HTTP backend on 127.0.0.1 for nginx (web.bash's h2 front on port 443): only there are the
X-Lab-* headers nginx adds believed, and hidden from /headers.

Bounded everywhere: an idle connection is closed after 120 s, /hang and the hold port close after
120 s, /slow never runs longer than 120 s, request bodies are capped at 256 MiB. Nothing polls:
every wait is a blocking call with a timeout.
"""
import argparse
import base64
import email.utils
import gzip
import http.server
import os
import re
import select
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

IDLE_LIMIT = 120  # seconds an idle connection (or a stuck client) may hold a thread
HANG_LIMIT = 120  # /hang and the hold port
SLOW_LIMIT = 120  # longest /slow response
MAX_BODY = 256 * 1024 * 1024
MAX_GENERATED = 1024 * 1024 * 1024  # /slow and /chunked
CHUNK = 65536
TLS_HANDSHAKE_LIMIT = 30
PATTERN = b"0123456789abcde\n"
HELLO = b"hello from web.lab.wgnet\n"
GZIP_TEXT = b"".join(b"line %04d of the lab's gzip page\n" % i for i in range(1000))
REDIRECT_CODES = (301, 302, 303, 307, 308)
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")

log_lock = threading.Lock()


def log(args, name, line):
    with log_lock, open(os.path.join(args.dir, name), "a", encoding="utf-8", errors="replace") as f:
        f.write(line + "\n")


class BodyTooLarge(Exception):
    pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "wgnet-lab-web/1"
    sys_version = ""
    timeout = IDLE_LIMIT
    disable_nagle_algorithm = True

    # Every method reaches dispatch (BaseHTTPRequestHandler looks up do_<METHOD>).
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def version_string(self):
        return self.server_version

    def log_request(self, code="-", size="-"):
        pass  # access.log and requests.log are written by dispatch

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        log(self.server.args, "errors.log", "%s %s" % (self.peer(), format % args))

    # --- who asked, as the client sees it (nginx passes that on in X-Lab-* headers) ---
    def lab_header(self, name):
        return self.headers.get(name) if self.server.trusted else None

    def peer(self):
        via = self.lab_header("X-Lab-Peer") if hasattr(self, "headers") else None
        if via:
            addr, _, port = via.partition(" ")
            return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)
        addr, port = self.client_address[0], self.client_address[1]
        return ("[%s]:%d" if ":" in addr else "%s:%d") % (addr, port)

    def scheme(self):
        return self.lab_header("X-Lab-Scheme") or self.server.scheme

    def client_protocol(self):
        return self.lab_header("X-Lab-Proto") or self.request_version

    def host(self):
        return self.headers.get("Host") or "-"

    def log_request_line(self, status):
        host, target = self.host(), self.path
        log(self.server.args, "access.log", "%s %s %s %s" % (self.command, target, host, status))
        log(self.server.args, "requests.log", "%s %s %s %s %s %s %s" % (
            self.scheme(), self.client_protocol(), self.peer(), self.command, target, host, status))

    # --- request bodies ---
    def read_exact(self, n):
        data = self.rfile.read(n)
        if len(data) != n:
            raise ConnectionError("client closed in the middle of the request body")
        return data

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    raise ConnectionError("client closed in the middle of a chunked body")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                total += size
                if total > MAX_BODY:
                    raise BodyTooLarge()
                parts.append(self.read_exact(size))
                self.rfile.readline(8)  # the CRLF after the chunk
        length = int(self.headers.get("Content-Length") or "0")
        if length < 0 or length > MAX_BODY:
            raise BodyTooLarge()
        return self.read_exact(length)

    # --- responses ---
    def start(self, status, headers=()):
        self.status = status
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")

    def reply(self, status, body=b"", ctype="text/plain; charset=utf-8", headers=()):
        self.start(status, headers)
        has_body = status not in (204, 304)
        if has_body:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(body)

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def dispatch(self):
        self.status = "-"
        try:
            try:
                self.body = self.read_body()
            except BodyTooLarge:
                self.close_connection = True
                self.reply(413, b"request body over %d bytes\n" % MAX_BODY)
                return
            except ValueError:
                self.close_connection = True
                self.reply(400, b"bad request body framing\n")
                return
            self.route()
        except (OSError, ConnectionError) as e:
            self.close_connection = True
            log(self.server.args, "errors.log", "%s %s %s: %s" % (self.peer(), self.command, self.path, e))
        finally:
            if self.status != "-" or not self.path.startswith("/hang"):
                self.log_request_line(self.status)

    def route(self):
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute form
            target = urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl() or "/"
        split = urllib.parse.urlsplit(target)
        path, self.query = split.path, urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        parts = path.split("/")[1:]
        head = parts[0] if parts else ""
        if path == "/":
            return self.reply(200, HELLO)
        if path == "/big":
            return self.serve_big()
        if path == "/echo":
            return self.reply(200, self.body, "application/octet-stream", [("X-Method", self.command)])
        if path == "/headers":
            return self.serve_headers()
        if head == "status" and len(parts) == 2:
            return self.serve_status(parts[1])
        if head == "redirect" and len(parts) == 2:
            return self.serve_redirect(parts[1])
        if path == "/cookies/set":
            return self.serve_set_cookies()
        if path == "/cookies":
            return self.reply(200, (self.headers.get("Cookie", "") + "\n").encode("latin-1", "replace"))
        if head == "basic-auth" and len(parts) == 3:
            return self.serve_basic_auth(parts[1], parts[2])
        if path == "/gzip":
            return self.serve_gzip()
        if path == "/slow":
            return self.serve_generated(self.query_int("rate", 0), self.query_int("chunked", 0) == 1)
        if path == "/chunked":
            return self.serve_generated(0, True)
        if path == "/hang":
            return self.serve_hang()
        if head == "upload" and len(parts) == 2:
            return self.serve_upload(urllib.parse.unquote(parts[1]))
        return self.reply(404, b"not found\n")

    def query_value(self, name, default=None):
        for k, v in self.query:
            if k == name:
                return v
        return default

    def query_int(self, name, default):
        try:
            return int(self.query_value(name, default))
        except ValueError:
            return default

    def serve_headers(self):
        lines = ["%s %s %s" % (self.command, self.path, self.client_protocol())]
        for name, value in self.headers.items():
            if self.server.trusted and name.lower().startswith("x-lab-"):
                continue
            lines.append("%s: %s" % (name, value))
        self.reply(200, ("\n".join(lines) + "\n").encode("latin-1", "replace"))

    def serve_status(self, text):
        if not text.isdigit() or not 200 <= int(text) <= 599:
            return self.reply(400, b"status must be 200..599\n")
        code = int(text)
        self.reply(code, b"status %d\n" % code)

    def serve_redirect(self, text):
        if not text.isdigit() or int(text) not in REDIRECT_CODES:
            return self.reply(400, b"redirect status must be one of 301 302 303 307 308\n")
        to = self.query_value("to", "/")
        self.reply(int(text), ("redirect to %s\n" % to).encode("utf-8"), headers=[("Location", to)])

    def serve_set_cookies(self):
        cookies = [("Set-Cookie", "%s=%s; Path=/" % (k, v)) for k, v in self.query]
        body = "".join("set %s=%s\n" % (k, v) for k, v in self.query)
        self.reply(200, body.encode("utf-8"), headers=cookies)

    def serve_basic_auth(self, user, password):
        user, password = urllib.parse.unquote(user), urllib.parse.unquote(password)
        given = self.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        ok = False
        if scheme.lower() == "basic":
            try:
                ok = base64.b64decode(token.strip(), validate=True).decode("utf-8") == "%s:%s" % (user, password)
            except (ValueError, UnicodeDecodeError):
                ok = False
        if ok:
            return self.reply(200, ("authenticated %s\n" % user).encode("utf-8"))
        self.reply(401, b"authentication required\n", headers=[("WWW-Authenticate", 'Basic realm="lab"')])

    def serve_gzip(self):
        wanted = False
        for item in self.headers.get("Accept-Encoding", "").split(","):
            token, _, params = item.strip().partition(";")
            if token.strip().lower() in ("gzip", "x-gzip", "*"):
                wanted = params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        if not wanted:
            return self.reply(200, GZIP_TEXT, headers=[("Vary", "Accept-Encoding")])
        body = gzip.compress(GZIP_TEXT, mtime=0)
        self.reply(200, body, headers=[("Vary", "Accept-Encoding"), ("Content-Encoding", "gzip")])

    def serve_generated(self, rate, chunked):
        total = min(max(self.query_int("bytes", 0), 0), MAX_GENERATED)
        chunked = chunked and self.request_version != "HTTP/1.0"
        self.start(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        if self.command == "HEAD":
            return
        # Pieces of about a tenth of a second's worth, paced against the start time so the
        # average rate holds however long each write blocks.
        piece = CHUNK if rate <= 0 else max(1, min(CHUNK, rate // 10))
        block = PATTERN * (CHUNK // len(PATTERN) + 1)
        start, sent = time.monotonic(), 0
        while sent < total:
            n = min(piece, total - sent)
            offset = sent % len(PATTERN)
            data = block[offset:offset + n]
            if chunked:
                self.write_chunk(data)
            else:
                self.wfile.write(data)
            sent += n
            if rate > 0 and sent < total:
                due = start + sent / rate
                if due - start > SLOW_LIMIT:
                    self.close_connection = True  # cut short: never longer than SLOW_LIMIT
                    return
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def serve_hang(self):
        self.log_request_line("-")
        self.close_connection = True
        sock = self.connection
        deadline = time.monotonic() + HANG_LIMIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([sock], [], [], left)
            if ready:
                sock.settimeout(max(left, 0.01))
                try:
                    if not sock.recv(CHUNK):
                        return  # the client closed
                except (TimeoutError, ssl.SSLWantReadError):
                    pass

    def serve_upload(self, name):
        if not UPLOAD_NAME.match(name):
            return self.reply(400, b"upload name must be [A-Za-z0-9._-]+, not starting with '.'\n")
        path = os.path.join(self.server.args.dir, "uploads", name)
        if self.command in ("PUT", "POST"):
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".up-")
            with os.fdopen(fd, "wb") as f:
                f.write(self.body)
            os.replace(tmp, path)
            return self.reply(201, b"stored %d bytes\n" % len(self.body))
        if self.command in ("GET", "HEAD"):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                return self.reply(404, b"no upload named that\n")
            return self.reply(200, data, "application/octet-stream")
        self.reply(405, b"use PUT, POST, GET or HEAD\n", headers=[("Allow", "GET, HEAD, PUT, POST")])

    # --- /big: the lab's source file, with ranges ---
    def serve_big(self):
        source = self.server.args.source
        st = os.stat(source)
        size, mtime = st.st_size, int(st.st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        etag = '"%x-%x"' % (size, mtime)
        meta = [("Last-Modified", last_modified), ("ETag", etag), ("Accept-Ranges", "bytes")]
        ims = self.headers.get("If-Modified-Since")
        if ims and self.command in ("GET", "HEAD") and not self.headers.get("Range"):
            try:
                if mtime <= email.utils.parsedate_to_datetime(ims).timestamp():
                    return self.reply(304, headers=meta)
            except (TypeError, ValueError):
                pass
        ranges = self.parse_ranges(size)
        if_range = self.headers.get("If-Range")
        if if_range and if_range not in (etag, last_modified):
            ranges = None
        if ranges == []:
            return self.reply(416, b"range not satisfiable\n", headers=meta + [("Content-Range", "bytes */%d" % size)])
        with open(source, "rb") as f:
            if ranges is None:
                self.send_file_part(f, 200, meta, 0, size, size)
            elif len(ranges) == 1:
                first, last = ranges[0]
                self.send_file_part(f, 206, meta + [("Content-Range", "bytes %d-%d/%d" % (first, last, size))],
                                    first, last + 1 - first, size)
            else:
                self.send_multipart(f, meta, ranges, size)

    def parse_ranges(self, size):
        """None: no (usable) Range header; []: none satisfiable; else [(first, last), ...]."""
        header = self.headers.get("Range")
        if not header or not header.startswith("bytes="):
            return None
        out = []
        for spec in header[len("bytes="):].split(","):
            first, dash, last = spec.strip().partition("-")
            if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
                return None  # malformed: ignored, as RFC 9110 allows
            if not first:  # suffix: the last N bytes
                n = int(last)
                if n > 0 and size > 0:
                    out.append((max(size - n, 0), size - 1))
                continue
            a = int(first)
            b = min(int(last), size - 1) if last else size - 1
            if last and int(last) < a:
                return None
            if a < size:
                out.append((a, b))
        return out

    def send_file_part(self, f, status, headers, offset, length, size):
        self.start(status, headers)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command != "HEAD":
            self.copy(f, offset, length)

    def copy(self, f, offset, length):
        f.seek(offset)
        while length > 0:
            data = f.read(min(CHUNK, length))
            if not data:
                raise OSError("source file shrank")
            self.wfile.write(data)
            length -= len(data)

    def send_multipart(self, f, meta, ranges, size):
        boundary = "wgnet-lab-%d" % threading.get_ident()
        heads = [("\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes %d-%d/%d\r\n\r\n"
                  % (boundary, a, b, size)).encode() for a, b in ranges]
        tail = ("\r\n--%s--\r\n" % boundary).encode()
        length = sum(len(h) for h in heads) + sum(b + 1 - a for a, b in ranges) + len(tail)
        self.start(206, meta)
        self.send_header("Content-Type", "multipart/byteranges; boundary=%s" % boundary)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD":
            return
        for h, (a, b) in zip(heads, ranges):
            self.wfile.write(h)
            self.copy(f, a, b + 1 - a)
        self.wfile.write(tail)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, port, args, scheme="http", tls=None, trusted=False):
        self.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.args, self.scheme, self.tls, self.trusted = args, scheme, tls, trusted
        super().__init__((addr, port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would look the address up in DNS (getfqdn): not in the lab.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        if self.tls is None:
            return super().finish_request(request, client_address)
        # The handshake runs in the connection's own thread, bounded, so a client that never
        # completes one cannot stall the accept loop.
        request.settimeout(TLS_HANDSHAKE_LIMIT)
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log(self.args, "tls.log", "%s port %d: handshake failed: %s" % (client_address[0], self.server_port, e))
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            conn.close()


def tls_context(cert, key, client_ca=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
        # A missing client certificate then fails inside the handshake (see web.bash).
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def hold_listener(addr, port, args):
    """Accepts and never answers; each connection ends after HANG_LIMIT or at the client's close."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(128)

    def hold(conn, peer):
        name = ("[%s]:%d" if ":" in peer[0] else "%s:%d") % peer[:2]
        log(args, "hold.log", "hold %s open" % name)
        deadline = time.monotonic() + HANG_LIMIT
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                conn.settimeout(left)
                if not conn.recv(CHUNK):
                    break
        except OSError:
            pass
        finally:
            conn.close()
            log(args, "hold.log", "hold %s closed" % name)

    def loop():
        while True:
            conn, peer = s.accept()
            threading.Thread(target=hold, args=(conn, peer), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def serve(server):
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": None}, daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--ready", required=True, help="written once every socket is bound")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--wrong-cert", required=True)
    p.add_argument("--wrong-key", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--http-port", type=int, default=80)
    p.add_argument("--https-port", type=int, help="HTTPS here too (when nginx does not)")
    p.add_argument("--wrong-port", type=int, default=8443)
    p.add_argument("--client-port", type=int, default=8444)
    p.add_argument("--hold-port", type=int, default=8080)
    p.add_argument("--backend-port", type=int, help="plain HTTP for nginx on 127.0.0.1 (0: any)")
    p.add_argument("addrs", nargs="+")
    args = p.parse_args()
    os.makedirs(os.path.join(args.dir, "uploads"), exist_ok=True)

    main_tls = tls_context(args.cert, args.key)
    wrong_tls = tls_context(args.wrong_cert, args.wrong_key)
    client_tls = tls_context(args.cert, args.key, client_ca=args.client_ca)
    servers = []
    for a in args.addrs:
        servers.append(Server(a, args.http_port, args))
        if args.https_port is not None:
            servers.append(Server(a, args.https_port, args, "https", main_tls))
        servers.append(Server(a, args.wrong_port, args, "https", wrong_tls))
        servers.append(Server(a, args.client_port, args, "https", client_tls))
        hold_listener(a, args.hold_port, args)
    ready = "pid %d\n" % os.getpid()
    if args.backend_port is not None:
        backend = Server("127.0.0.1", args.backend_port, args, trusted=True)
        servers.append(backend)
        ready += "backend %d\n" % backend.server_port
    for s in servers:
        serve(s)
    with open(args.ready + ".tmp", "w") as f:
        f.write(ready)
    os.replace(args.ready + ".tmp", args.ready)
    sys.stdout.flush()
    threading.Event().wait()


if __name__ == "__main__":
    main()
