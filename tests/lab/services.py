#!/usr/bin/env python3
"""Services the interop lab runs behind its wireguard-go peer (inside the peer namespace).

Every service binds only to the tunnel addresses given on the command line, so anything that
reaches it came through the tunnel. Each one logs what it saw to a file in the lab directory,
so a test can assert what the peer side received, not just what the tool printed.

  TCP 7     echo; logs "echo <peer> <bytes> EOF" once the client half-closes
  UDP 7     echo, one datagram back per datagram in
  TCP 9000  sink: reads to EOF, answers "<sha256> <bytes>\n", logs the same
  TCP 9001  source: sends the file given by --source, then half-closes
  TCP 9002  recorder: stores what it receives in recv/<seq>.bin, never writes, logs at EOF/RST
  TCP 9003  reset: sends 1 MiB of the source, then aborts the connection (RST)
  TCP 9004  repeat: reads a count N on the first line, sends the source N times, half-closes
  TCP 9005  late: reads to EOF, answers with what it read after LATE_DELAY seconds, closes
  TCP 9006  hold: echoes, but ignores the client's EOF and keeps the connection for HOLD_LIMIT s
"""
import argparse
import hashlib
import os
import socket
import struct
import sys
import threading
import time

ECHO_PORT, SINK_PORT, SOURCE_PORT, RECORD_PORT, RESET_PORT, REPEAT_PORT = 7, 9000, 9001, 9002, 9003, 9004
LATE_PORT, HOLD_PORT = 9005, 9006
LATE_DELAY = 1.5  # seconds: longer than nc's usual "-q 1"
LATE_MAX = 1024 * 1024  # what late keeps of a request
HOLD_LIMIT = 30  # seconds: "never closes" for a test, yet bounded
MAX_REPEAT = 200  # 2 GiB of a 10 MiB source: bounds what one request can ask for
CHUNK = 65536
IDLE_LIMIT = 120  # seconds; a stuck client never pins a thread forever

log_lock = threading.Lock()
seq_lock = threading.Lock()
next_seq = 0


def log(path, line):
    with log_lock, open(path, "a", encoding="ascii") as f:
        f.write(line + "\n")
        f.flush()


def peer_name(addr):
    return "[%s]:%d" % (addr[0], addr[1]) if ":" in addr[0] else "%s:%d" % (addr[0], addr[1])


def echo_until_eof(conn):
    total = 0
    while True:
        data = conn.recv(CHUNK)
        if not data:
            return total
        total += len(data)
        conn.sendall(data)


def serve_echo(conn, peer, args):
    total = echo_until_eof(conn)
    log(os.path.join(args.dir, "echo.log"), "echo %s %d EOF" % (peer, total))
    conn.shutdown(socket.SHUT_WR)


def serve_sink(conn, peer, args):
    h, total = hashlib.sha256(), 0
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        h.update(data)
        total += len(data)
    line = "%s %d" % (h.hexdigest(), total)
    log(os.path.join(args.dir, "sink.log"), "sink %s %s" % (peer, line))
    conn.sendall((line + "\n").encode())
    conn.shutdown(socket.SHUT_WR)


def serve_source(conn, peer, args):
    with open(args.source, "rb") as f:
        while True:
            data = f.read(CHUNK)
            if not data:
                break
            conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
    # Wait for the client's FIN rather than closing with data unread (which would send RST).
    while conn.recv(CHUNK):
        pass
    log(os.path.join(args.dir, "source.log"), "source %s sent" % peer)


def serve_reset(conn, peer, args):
    with open(args.source, "rb") as f:
        conn.sendall(f.read(1024 * 1024))
    # SO_LINGER {on, 0 s}: close() sends RST instead of FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    log(os.path.join(args.dir, "reset.log"), "reset %s" % peer)


def serve_repeat(conn, peer, args):
    line = b""
    while not line.endswith(b"\n") and len(line) < 32:
        data = conn.recv(1)
        if not data:
            return
        line += data
    count = min(int(line.strip() or b"0"), MAX_REPEAT)
    with open(args.source, "rb") as f:
        blob = f.read()
    for _ in range(count):
        conn.sendall(blob)
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(CHUNK):
        pass
    log(os.path.join(args.dir, "repeat.log"), "repeat %s %d" % (peer, count))


def serve_late(conn, peer, args):
    request = b""
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        request = (request + data)[:LATE_MAX]
    time.sleep(LATE_DELAY)  # a slow server: the answer comes well after the client's EOF
    conn.sendall(request)
    conn.shutdown(socket.SHUT_WR)
    log(os.path.join(args.dir, "late.log"), "late %s %d" % (peer, len(request)))


def serve_hold(conn, peer, args):
    deadline = time.monotonic() + HOLD_LIMIT
    total = echo_until_eof(conn)
    log(os.path.join(args.dir, "hold.log"), "hold %s %d EOF" % (peer, total))
    # The client's EOF closes nothing here: the connection stays open until the deadline.
    time.sleep(max(0.0, deadline - time.monotonic()))


def serve_record(conn, peer, args):
    global next_seq
    with seq_lock:
        next_seq += 1
        seq = next_seq
    h, total, end = hashlib.sha256(), 0, "EOF"
    path = os.path.join(args.dir, "recv", "%d.bin" % seq)
    with open(path, "wb") as out:
        try:
            while True:
                data = conn.recv(CHUNK)
                if not data:
                    break
                out.write(data)
                out.flush()
                h.update(data)
                total += len(data)
        except ConnectionResetError:
            end = "RST"  # logged like EOF, so a test sees how the connection ended
    log(os.path.join(args.dir, "record.log"), "record %d %s %d %s %s" % (seq, peer, total, h.hexdigest(), end))


def handle(handler, conn, addr, args):
    try:
        conn.settimeout(IDLE_LIMIT)
        handler(conn, peer_name(addr), args)
    except OSError as e:
        log(os.path.join(args.dir, "errors.log"), "%s %s: %s" % (handler.__name__, peer_name(addr), e))
    finally:
        conn.close()


def tcp_listener(addr, port, handler, args):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)

    def loop():
        while True:
            conn, peer = s.accept()
            threading.Thread(target=handle, args=(handler, conn, peer, args), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def udp_echo(addr, port, args):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, port))

    def loop():
        while True:
            data, peer = s.recvfrom(65535)
            log(os.path.join(args.dir, "udp.log"), "udp %s %d" % (peer_name(peer), len(data)))
            s.sendto(data, peer)

    threading.Thread(target=loop, daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--ready", required=True, help="file created once every socket is bound")
    p.add_argument("addrs", nargs="+")
    args = p.parse_args()
    os.makedirs(os.path.join(args.dir, "recv"), exist_ok=True)
    for a in args.addrs:
        tcp_listener(a, ECHO_PORT, serve_echo, args)
        tcp_listener(a, SINK_PORT, serve_sink, args)
        tcp_listener(a, SOURCE_PORT, serve_source, args)
        tcp_listener(a, RECORD_PORT, serve_record, args)
        tcp_listener(a, RESET_PORT, serve_reset, args)
        tcp_listener(a, REPEAT_PORT, serve_repeat, args)
        tcp_listener(a, LATE_PORT, serve_late, args)
        tcp_listener(a, HOLD_PORT, serve_hold, args)
        udp_echo(a, ECHO_PORT, args)
    with open(args.ready, "w") as f:
        f.write("%d\n" % os.getpid())
    sys.stdout.flush()
    threading.Event().wait()


if __name__ == "__main__":
    main()
