#!/usr/bin/env python3
"""udp_peer.py - a tiny host on the other end of a QEMU network card.

QEMU's `-netdev socket,udp=127.0.0.1:A,localaddr=127.0.0.1:B` sends each
Ethernet frame the card transmits as one UDP datagram from port B to port
A, and takes each datagram that arrives at port B as one frame for the
card to receive: the whole frame, destination MAC first, no FCS, no
length prefix.  This program listens at A and plays a host with one MAC
and one IPv4 address (02:00:00:00:00:64 and 192.0.2.100 unless told
otherwise), which

  - answers ARP requests for its address,
  - answers ICMP echo requests (ping) to it,
  - echoes UDP datagrams sent to its port 7 back to the sender, ports and
    addresses swapped (RFC 862), with a correct IPv4 header checksum and
    a correct UDP checksum,

and ignores everything else.  It replies to the datagram's source, which
is QEMU's localaddr.  What it does goes to stderr, one line each.  It
ends after --timeout seconds, after --max-echoes UDP echoes, or on
SIGTERM or SIGINT, and prints a summary line.

Network rules of the tests: the sockets are on 127.0.0.1 only, and the
addresses inside frames are in 192.0.2.0/24 (TEST-NET-1, RFC 5737) only:
requests from outside it are ignored, never answered.

  udp_peer.py --listen 127.0.0.1:A [--port-file F] [--timeout S]
              [--max-echoes N] [--mac M] [--ip 192.0.2.X]
  udp_peer.py --self-test     builds frames, checks the replies, then
                              the same through two loopback sockets
"""
import argparse
import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_MIN = 60  # a frame without its FCS is padded to this
TEST_NET = ipaddress.ip_network("192.0.2.0/24")
BROADCAST = b"\xff" * 6
ECHO_PORT = 7


def log(msg):
    print(f"udp_peer: {msg}", file=sys.stderr, flush=True)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def parse_mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6 or b[0] & 1:
        raise ValueError(f"not a unicast MAC address: {s}")
    return b


def checksum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_checksum(src, dst, udp):
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    c = checksum(pseudo + udp)
    return c or 0xFFFF  # 0 means "no checksum" in IPv4 UDP


def pad(frame):
    return frame + b"\0" * max(0, ETH_MIN - len(frame))


def ipv4_header(src, dst, proto, payload_len, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                      0, 64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]


class Peer:
    """The host's replies, frame in, frame (or None) out; no sockets."""

    def __init__(self, mac, ip):
        self.mac = mac
        self.ip = ipaddress.ip_address(ip).packed
        self.ident = 0
        self.counts = {"arp": 0, "icmp": 0, "udp": 0, "ignored": 0}

    def ignore(self, why):
        self.counts["ignored"] += 1
        log(f"ignored: {why}")
        return None

    def handle(self, frame):
        if len(frame) < 14:
            return self.ignore(f"a {len(frame)}-byte frame")
        dst, src = frame[0:6], frame[6:12]
        (etype,) = struct.unpack("!H", frame[12:14])
        if src[0] & 1:
            return self.ignore(f"a group source address {mac_str(src)}")
        if dst != self.mac and dst != BROADCAST:
            return None  # someone else's: a host does not see it
        if etype == ETH_P_ARP:
            return self.arp(frame, src)
        if etype == ETH_P_IP and dst == self.mac:
            return self.ipv4(frame, src)
        return self.ignore(f"ethertype {etype:#06x} from {mac_str(src)}")

    def arp(self, frame, src):
        body = frame[14:42]
        if len(body) < 28:
            return self.ignore("a short ARP packet")
        htype, ptype, hlen, plen, oper, sha, spa, _tha, tpa = struct.unpack(
            "!HHBBH6s4s6s4s", body)
        if (htype, ptype, hlen, plen) != (1, ETH_P_IP, 6, 4):
            return self.ignore("ARP for something other than IPv4 on Ethernet")
        if oper != 1:
            return self.ignore(f"ARP operation {oper} from {mac_str(sha)}")
        if tpa != self.ip:
            return None  # asks for another host
        who = ipaddress.ip_address(spa)
        if who not in TEST_NET:
            return self.ignore(f"ARP from {who}, outside {TEST_NET}")
        self.counts["arp"] += 1
        log(f"ARP who-has {ipaddress.ip_address(self.ip)} from "
            f"{mac_str(sha)} ({who}): answered")
        reply = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 2,
                            self.mac, self.ip, sha, spa)
        return pad(sha + self.mac + struct.pack("!H", ETH_P_ARP) + reply)

    def ipv4(self, frame, src):
        ip = frame[14:]
        if len(ip) < 20 or ip[0] >> 4 != 4:
            return self.ignore("not an IPv4 header")
        ihl = (ip[0] & 0xF) * 4
        (total,) = struct.unpack("!H", ip[2:4])
        if ihl < 20 or total < ihl or total > len(ip):
            return self.ignore(f"IPv4 lengths {ihl}/{total} in "
                               f"{len(ip)} bytes")
        if checksum(ip[:ihl]):
            return self.ignore("an IPv4 header checksum that is wrong")
        (frag,) = struct.unpack("!H", ip[6:8])
        if frag & 0x3FFF:
            return self.ignore("an IPv4 fragment")
        proto, sip, dip = ip[9], ip[12:16], ip[16:20]
        if dip != self.ip:
            return self.ignore(f"IPv4 to {ipaddress.ip_address(dip)}")
        who = ipaddress.ip_address(sip)
        if who not in TEST_NET:
            return self.ignore(f"IPv4 from {who}, outside {TEST_NET}")
        payload = ip[ihl:total]
        if proto == 1:
            reply = self.icmp(payload, who)
        elif proto == 17:
            reply = self.udp(payload, sip, who)
        else:
            return self.ignore(f"IP protocol {proto} from {who}")
        if reply is None:
            return None
        proto_out, body = reply
        self.ident = (self.ident + 1) & 0xFFFF
        hdr = ipv4_header(self.ip, sip, proto_out, len(body), self.ident)
        return pad(src + self.mac + struct.pack("!H", ETH_P_IP) + hdr + body)

    def icmp(self, msg, who):
        if len(msg) < 8 or checksum(msg):
            return self.ignore(f"a short or damaged ICMP message from {who}")
        if msg[0] != 8 or msg[1] != 0:
            return self.ignore(f"ICMP type {msg[0]} code {msg[1]} from {who}")
        ident, seq = struct.unpack("!HH", msg[4:8])
        self.counts["icmp"] += 1
        log(f"ICMP echo id={ident} seq={seq} from {who}, {len(msg) - 8} "
            "bytes: answered")
        body = b"\0\0\0\0" + msg[4:]
        body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
        return 1, body

    def udp(self, dgram, sip, who):
        if len(dgram) < 8:
            return self.ignore(f"a short UDP datagram from {who}")
        sport, dport, length, csum = struct.unpack("!HHHH", dgram[:8])
        if length < 8 or length > len(dgram):
            return self.ignore(f"UDP length {length} in {len(dgram)} bytes")
        dgram = dgram[:length]
        if csum and checksum(sip + self.ip + struct.pack("!BBH", 0, 17,
                                                         length) + dgram):
            return self.ignore(f"a UDP checksum that is wrong, from {who}")
        if dport != ECHO_PORT:
            return self.ignore(f"UDP to port {dport} from {who}")
        data = dgram[8:]
        self.counts["udp"] += 1
        log(f"UDP {who}:{sport} -> port {dport}, {len(data)} bytes: echoed")
        out = struct.pack("!HHHH", dport, sport, length, 0) + data
        c = udp_checksum(self.ip, sip, out)
        return 17, out[:6] + struct.pack("!H", c) + out[8:]


def loopback_addr(s):
    host, _, port = s.rpartition(":")
    if host != "127.0.0.1":
        raise argparse.ArgumentTypeError(f"{s}: only 127.0.0.1 is allowed")
    return host, int(port)


def test_net_ip(s):
    if ipaddress.ip_address(s) not in TEST_NET:
        raise argparse.ArgumentTypeError(f"{s}: not in {TEST_NET}")
    return s


def serve(sock, peer, deadline, max_echoes, stop):
    """Answer datagrams until the deadline, the echo count or stop."""
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        if max_echoes and peer.counts["udp"] >= max_echoes:
            return f"{max_echoes} UDP echoes done"
        ready, _, _ = select.select([sock], [], [], min(left, 0.2))
        if not ready:
            continue
        frame, (host, port) = sock.recvfrom(65535)
        if host != "127.0.0.1":
            log(f"ignored: a datagram from {host}")
            continue
        reply = peer.handle(frame)
        if reply is not None:
            sock.sendto(reply, (host, port))
    return "told to stop"


# ---- --self-test: frames built here, replies checked field by field.

GUEST_MAC = bytes.fromhex("525400123456")
GUEST_IP = ipaddress.ip_address("192.0.2.1").packed
PEER_MAC = bytes.fromhex("020000000064")
PEER_IP = ipaddress.ip_address("192.0.2.100").packed


def arp_request(target, sender_ip=GUEST_IP):
    body = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, GUEST_MAC,
                       sender_ip, b"\0" * 6, target)
    return pad(BROADCAST + GUEST_MAC + struct.pack("!H", ETH_P_ARP) + body)


def ip_frame(proto, body, src=GUEST_IP, dst=PEER_IP):
    hdr = ipv4_header(src, dst, proto, len(body), 0x1234)
    return PEER_MAC + GUEST_MAC + struct.pack("!H", ETH_P_IP) + hdr + body


def icmp_echo(ident, seq, data):
    msg = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def udp_dgram(sport, dport, data, with_checksum=True):
    d = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    if with_checksum:
        c = udp_checksum(GUEST_IP, PEER_IP, d)
        d = d[:6] + struct.pack("!H", c) + d[8:]
    return d


def check_ip_reply(reply, proto):
    assert reply is not None, "no reply"
    assert len(reply) >= ETH_MIN
    assert reply[0:6] == GUEST_MAC and reply[6:12] == PEER_MAC
    assert reply[12:14] == b"\x08\x00"
    ip = reply[14:]
    assert ip[0] == 0x45 and ip[9] == proto
    assert checksum(ip[:20]) == 0, "IPv4 header checksum"
    assert ip[12:16] == PEER_IP and ip[16:20] == GUEST_IP
    (total,) = struct.unpack("!H", ip[2:4])
    return ip[20:total]


def self_test_frames():
    p = Peer(PEER_MAC, "192.0.2.100")
    # ARP: answered for our address, silent for another's.
    r = p.handle(arp_request(PEER_IP))
    assert r is not None and len(r) == ETH_MIN
    assert r[0:6] == GUEST_MAC and r[6:12] == PEER_MAC
    assert r[12:14] == b"\x08\x06"
    htype, ptype, hlen, plen, oper, sha, spa, tha, tpa = struct.unpack(
        "!HHBBH6s4s6s4s", r[14:42])
    assert (htype, ptype, hlen, plen, oper) == (1, ETH_P_IP, 6, 4, 2)
    assert sha == PEER_MAC and spa == PEER_IP
    assert tha == GUEST_MAC and tpa == GUEST_IP
    assert p.handle(arp_request(ipaddress.ip_address("192.0.2.7").packed)) \
        is None
    # ... and never for a sender outside TEST-NET-1.
    assert p.handle(arp_request(PEER_IP, bytes([10, 0, 0, 1]))) is None
    # ICMP echo: same id, seq and data, type 0, a good checksum.
    data = bytes(range(56))
    body = check_ip_reply(p.handle(ip_frame(1, icmp_echo(7, 3, data))), 1)
    assert body[0] == 0 and body[1] == 0 and checksum(body) == 0
    assert body[4:8] == struct.pack("!HH", 7, 3) and body[8:] == data
    # UDP echo, with and without the sender's checksum.
    for with_csum in (True, False):
        payload = b"hello, port seven" * 3
        body = check_ip_reply(p.handle(
            ip_frame(17, udp_dgram(40000, 7, payload, with_csum))), 17)
        sport, dport, length, csum = struct.unpack("!HHHH", body[:8])
        assert (sport, dport, length) == (7, 40000, 8 + len(payload))
        assert body[8:length] == payload
        assert csum != 0
        assert checksum(PEER_IP + GUEST_IP + struct.pack("!BBH", 0, 17,
                                                         length)
                        + body[:length]) == 0, "UDP checksum"
    # Ignored: another port, a bad IP checksum, a bad UDP checksum, a
    # frame for another MAC, fragments, truncations of every length.
    assert p.handle(ip_frame(17, udp_dgram(40000, 9, b"x"))) is None
    f = bytearray(ip_frame(17, udp_dgram(40000, 7, b"x")))
    f[14 + 10] ^= 1
    assert p.handle(bytes(f)) is None
    f = bytearray(ip_frame(17, udp_dgram(40000, 7, b"xyz")))
    f[-1] ^= 0xFF
    assert p.handle(bytes(f)) is None
    f = bytearray(ip_frame(1, icmp_echo(1, 1, b"abc")))
    f[0:6] = b"\x02\0\0\0\0\x65"
    assert p.handle(bytes(f)) is None
    frag = bytearray(ip_frame(1, icmp_echo(1, 1, b"abc")))
    frag[14 + 6] = 0x20  # MF
    frag[14 + 10:14 + 12] = b"\0\0"
    frag[14 + 10:14 + 12] = struct.pack("!H", checksum(bytes(frag[14:34])))
    assert p.handle(bytes(frag)) is None
    whole = ip_frame(17, udp_dgram(40000, 7, b"0123456789"))
    for n in range(len(whole)):
        assert p.handle(whole[:n]) is None
    counts = p.counts
    assert (counts["arp"], counts["icmp"], counts["udp"]) == (1, 1, 2), counts


def self_test_sockets():
    """The same through 127.0.0.1, as QEMU would talk to us."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    qemu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    qemu.bind(("127.0.0.1", 0))
    qemu.settimeout(5)
    peer = Peer(PEER_MAC, "192.0.2.100")
    stop = threading.Event()
    result = []
    t = threading.Thread(target=lambda: result.append(
        serve(server, peer, time.monotonic() + 10, 2, stop)))
    t.start()
    try:
        to = server.getsockname()
        qemu.sendto(arp_request(PEER_IP), to)
        r, _ = qemu.recvfrom(65535)
        assert r[12:14] == b"\x08\x06" and r[20:22] == b"\x00\x02"
        for i in range(2):
            payload = bytes([i]) * (100 + i)
            qemu.sendto(ip_frame(17, udp_dgram(5000 + i, 7, payload)), to)
            r, _ = qemu.recvfrom(65535)
            body = check_ip_reply(r, 17)
            assert body[8:] == payload
        t.join(5)
        assert result == ["2 UDP echoes done"], result
    finally:
        stop.set()
        t.join(5)
        server.close()
        qemu.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", type=loopback_addr,
                    help="127.0.0.1:PORT, QEMU's udp= (0: any free port)")
    ap.add_argument("--port-file", help="write the port listened at here")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--max-echoes", type=int, default=0,
                    help="end after this many UDP echoes (0: no limit)")
    ap.add_argument("--mac", type=parse_mac, default=PEER_MAC)
    ap.add_argument("--ip", type=test_net_ip, default="192.0.2.100")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()

    if args.self_test:
        self_test_frames()
        self_test_sockets()
        log("self-test: ok")
        return 0
    if not args.listen:
        ap.error("--listen is needed (or --self-test)")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(args.listen)
    port = sock.getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    peer = Peer(args.mac, args.ip)
    log(f"{mac_str(args.mac)} {args.ip} at 127.0.0.1:{port}, "
        f"for {args.timeout:g} s")
    why = serve(sock, peer, time.monotonic() + args.timeout,
                args.max_echoes, stop)
    c = peer.counts
    log(f"done ({why}): {c['arp']} ARP, {c['icmp']} ICMP, {c['udp']} UDP "
        f"echoes, {c['ignored']} ignored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
