"""Concurrent clients and a sink for the forward tests (tests/bats/agent-forward.bats).

  fanout.py client HOST PORT N BYTES [SECONDS]
      N connections at once (threads released together), each sending BYTES random bytes of its
      own, half-closing, and reading the answer to EOF, which must be the lab sink's
      "<sha256> <bytes>\\n" for exactly what that connection sent. A refused connect is tried
      again for up to SECONDS (default 10; a forward may still be binding). Prints
      "ok N" when every answer is right, else one line per failure, exit status 1.
  fanout.py sink ADDR PORT READY_FILE
      The same answer as the lab's TCP 9000 sink (services.py), for a local service behind -R:
      one thread per connection, until killed. Writes READY_FILE once listening.
"""
import hashlib
import os
import socket
import sys
import threading
import time


def sink(addr, port, ready):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(128)
    with open(ready, "w") as f:
        f.write("ready\n")

    def serve(conn):
        with conn:
            conn.settimeout(60)
            h, total = hashlib.sha256(), 0
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    break
                h.update(data)
                total += len(data)
            conn.sendall(("%s %d\n" % (h.hexdigest(), total)).encode())

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


# Seconds a client waits on a quiet connection before calling it a failure (FANOUT_IO_TIMEOUT).
IO_TIMEOUT = float(os.environ.get("FANOUT_IO_TIMEOUT", "30"))


def one(host, port, size, seconds, start, results, i):
    payload = os.urandom(size)
    want = "%s %d\n" % (hashlib.sha256(payload).hexdigest(), size)
    start.wait()
    deadline = time.monotonic() + seconds
    while True:
        try:
            s = socket.create_connection((host, port), timeout=IO_TIMEOUT)
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                results[i] = "client %d: connection refused for %ds" % (i, seconds)
                return
            time.sleep(0.1)
        except OSError as e:
            results[i] = "client %d: connect: %s" % (i, e)
            return
    try:
        with s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                data = s.recv(4096)
                if not data:
                    break
                got += data
        results[i] = None if got.decode(errors="replace") == want else (
            "client %d: answer %r, wanted %r" % (i, got[:80], want))
    except OSError as e:
        results[i] = "client %d: %s" % (i, e)


def client(host, port, n, size, seconds=10):
    n, size, port, seconds = int(n), int(size), int(port), int(seconds)
    start = threading.Event()
    results = ["client %d: did not finish" % i for i in range(n)]
    threads = [threading.Thread(target=one, args=(host, port, size, seconds, start, results, i))
               for i in range(n)]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join(90)
    failures = [r for r in results if r]
    for r in failures:
        print(r)
    if failures:
        sys.exit(1)
    print("ok %d" % n)


if __name__ == "__main__":
    {"client": client, "sink": sink}[sys.argv[1]](*sys.argv[2:])
