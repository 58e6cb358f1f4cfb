#!/usr/bin/env python3
"""Self-to-self tunnel benchmark: `wg-nc -l` and `wg-nc` over loopback UDP, no root.

Sends SIZE bytes (default 1 GiB) from the client through the tunnel to the listener and reports
throughput, CPU seconds per GiB and peak RSS of each wg-nc process, and checks the SHA-256 of
what arrived. Usage: bench/throughput.py BUILD_DIR [--size-mib N] [--mtu N]
Traffic stays on 127.0.0.1; both processes are bounded by a timeout and killed by PID.
"""
import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def wg_keypair():
    priv = subprocess.run(["wg", "genkey"], capture_output=True, text=True, check=True).stdout.strip()
    pub = subprocess.run(["wg", "pubkey"], input=priv, capture_output=True, text=True,
                         check=True).stdout.strip()
    return priv, pub


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_conf(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


# Each wg-nc runs its own tunnel: with the default (a shared wgnet-agent per config) the work
# would happen in two agents this script neither times nor stops, and the CPU and RSS printed
# would be the tools' fd bridging only.
TOOL_ENV = dict(os.environ, WGNET_NO_SHARE="1")


def run(cmd, **kw):
    """Starts cmd and returns (Popen, holder) where holder gets rusage when it exits."""
    p = subprocess.Popen(cmd, **kw)
    holder = {}

    def reap():
        _, status, usage = os.wait4(p.pid, 0)
        holder["status"] = os.waitstatus_to_exitcode(status)
        holder["usage"] = usage
        holder["end"] = time.monotonic()
        p.returncode = holder["status"]

    # Peak RSS from the kernel's high-water mark while the process lives: wait4's ru_maxrss
    # would also count the forking Python's own pages from before exec.
    holder["hwm_kib"] = 0

    def sample():
        path = f"/proc/{p.pid}/status"
        while "status" not in holder:
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            holder["hwm_kib"] = max(holder["hwm_kib"], int(line.split()[1]))
            except (OSError, ValueError):
                break
            time.sleep(0.05)

    t = threading.Thread(target=reap, daemon=True)
    t.start()
    threading.Thread(target=sample, daemon=True).start()
    holder["thread"] = t
    return p, holder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--mtu", type=int, default=1420)
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()
    nc = os.path.join(args.build, "tools/wg-nc/wg-nc")
    size = args.size_mib << 20

    with tempfile.TemporaryDirectory() as tmp:
        (a_priv, a_pub), (b_priv, b_pub) = wg_keypair(), wg_keypair()
        port = free_udp_port()
        write_conf(f"{tmp}/a.conf", f"[Interface]\nPrivateKey = {a_priv}\nAddress = 10.99.0.1/24\n"
                   f"ListenPort = {port}\nMTU = {args.mtu}\n[Peer]\nPublicKey = {b_pub}\n"
                   f"AllowedIPs = 10.99.0.2/32\n")
        write_conf(f"{tmp}/b.conf", f"[Interface]\nPrivateKey = {b_priv}\nAddress = 10.99.0.2/32\n"
                   f"MTU = {args.mtu}\n[Peer]\nPublicKey = {a_pub}\nEndpoint = 127.0.0.1:{port}\n"
                   f"AllowedIPs = 10.99.0.0/24\n")
        src = f"{tmp}/data"
        with open(src, "wb") as f:  # pseudo-random content so a wrong byte shows in the hash
            block = hashlib.sha256(b"wgnet").digest() * 32768  # 1 MiB
            for _ in range(args.size_mib):
                f.write(block)
        want = hashlib.sha256()
        want.update(block)
        for _ in range(args.size_mib - 1):
            want.update(block)

        server, srv = run([nc, "-c", f"{tmp}/a.conf", "-l", "10.99.0.1", "5001"], env=TOOL_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = hashlib.sha256()
        received = [0]

        def drain():
            while True:
                chunk = server.stdout.read(1 << 20)
                if not chunk:
                    break
                received[0] += len(chunk)
                got.update(chunk)

        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()
        time.sleep(0.3)  # let the listener open its tunnel
        start = time.monotonic()
        with open(src, "rb") as data:
            client, cli = run([nc, "-c", f"{tmp}/b.conf", "-N", "10.99.0.1", "5001"], stdin=data,
                              env=TOOL_ENV, stderr=subprocess.PIPE)
        for proc, h in ((client, cli), (server, srv)):
            h["thread"].join(args.timeout)
            if h["thread"].is_alive():
                proc.kill()
                h["thread"].join(5)
                print(f"timeout: {proc.args}", file=sys.stderr)
                return 1
        drainer.join(10)
        elapsed = max(cli["end"], srv["end"]) - start

        ok = received[0] == size and got.digest() == want.digest()
        gib = size / (1 << 30)
        print(f"transfer: {args.size_mib} MiB in {elapsed:.2f} s = {size / elapsed / 1e6:.0f} MB/s "
              f"(MTU {args.mtu}), sha256 {'ok' if ok else 'MISMATCH'}")
        for name, h in (("sender  ", cli), ("receiver", srv)):
            u = h["usage"]
            cpu = u.ru_utime + u.ru_stime
            print(f"{name}: cpu {cpu:.2f} s ({cpu / gib:.2f} s/GiB, user {u.ru_utime:.2f} "
                  f"sys {u.ru_stime:.2f}), peak RSS {h['hwm_kib'] / 1024:.1f} MiB, "
                  f"exit {h['status']}")
        if not ok:
            print(f"received {received[0]} of {size} bytes", file=sys.stderr)
            print(client.stderr.read().decode(errors="replace"), file=sys.stderr)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
