#!/usr/bin/env python3
"""A SOCKS5 UDP ASSOCIATE client written by hand (RFC 1928 section 7; no PySocks), as any
program would: one datagram to HOST:PORT through the proxy, then prints the reply's source
and payload as "ADDR:PORT PAYLOAD".

Usage: udp_associate_client.py SOCKS_PORT HOST PORT PAYLOAD
Exit 2 when the proxy refuses the association, 3 when no reply comes within 5 s."""
import socket
import struct
import sys


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise SystemExit("proxy closed the control connection")
        data += chunk
    return data


def main():
    socks_port, host, port, payload = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    control = socket.create_connection(("127.0.0.1", socks_port), timeout=5)
    control.sendall(b"\x05\x01\x00")
    if recv_exact(control, 2) != b"\x05\x00":
        raise SystemExit("proxy refused no-authentication")

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(5)
    # DST.ADDR/PORT: where our datagrams will come from.
    control.sendall(b"\x05\x03\x00\x01" + socket.inet_aton("127.0.0.1") +
                    struct.pack("!H", udp.getsockname()[1]))
    reply = recv_exact(control, 4)
    if reply[1] != 0:
        print(f"UDP ASSOCIATE refused with reply {reply[1]}", file=sys.stderr)
        return 2
    if reply[3] == 1:
        relay_host = socket.inet_ntop(socket.AF_INET, recv_exact(control, 4))
    else:
        relay_host = socket.inet_ntop(socket.AF_INET6, recv_exact(control, 16))
    (relay_port,) = struct.unpack("!H", recv_exact(control, 2))

    name = host.encode()
    header = b"\x00\x00\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", port)
    udp.sendto(header + payload.encode(), (relay_host, relay_port))
    try:
        datagram, _ = udp.recvfrom(65535)
    except socket.timeout:
        print("no reply through the proxy within 5 s", file=sys.stderr)
        return 3
    if datagram[3] != 1:
        print(f"reply header with ATYP {datagram[3]}", file=sys.stderr)
        return 4
    source = socket.inet_ntop(socket.AF_INET, datagram[4:8])
    (source_port,) = struct.unpack("!H", datagram[8:10])
    print(f"{source}:{source_port} {datagram[10:].decode()}")
    control.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
