"""ai.py: the AI controller of tests/netns/pair.sh, one Modbus/TCP request
at a time to unit 1 through the pair's virtual address, built by hand so
that only the socket module stands between the test and wardend.

usage: ai.py read HOST PORT
       ai.py write HOST PORT VALUE
       ai.py first-read HOST PORT SINCE_NS TIMEOUT_S

read: holding register 0 (the inlet valve). write: VALUE (raw) to it.
Prints "ok", "exception 0xNN" or "no answer: why"; exit status 0, 1 or 3.

first-read: reads again and again (a fresh connection each time, as an AI
reconnecting) until one is answered normally, and prints the milliseconds
from SINCE_NS (CLOCK_REALTIME, as `date +%s%N`) to that answer; exit 0,
or 3 and the last failure when TIMEOUT_S passes first.
"""
import socket
import struct
import sys
import time

UNIT = 1
VALVE = 0
# Short: a request to the address while it moves between the nodes goes
# nowhere (the old node dropped it, the AI's ARP entry not yet updated),
# and the next attempt is what finds the new node.
CONNECT_TIMEOUT = 0.2
ANSWER_TIMEOUT = 1.0
RETRY_PAUSE = 0.02


class NoAnswer(Exception):
    pass


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise NoAnswer("connection closed")
        data += chunk
    return data


def request(host, port, pdu, tid=1):
    """The answer's PDU; NoAnswer when there is none."""
    try:
        with socket.create_connection((host, port),
                                      timeout=CONNECT_TIMEOUT) as sock:
            sock.settimeout(ANSWER_TIMEOUT)
            sock.sendall(struct.pack(">HHHB", tid, 0, len(pdu) + 1, UNIT) +
                         pdu)
            rtid, proto, length, _ = struct.unpack(">HHHB",
                                                   recv_exact(sock, 7))
            if rtid != tid or proto != 0 or length < 2:
                raise NoAnswer("bad MBAP header in the answer")
            return recv_exact(sock, length - 1)
    except OSError as e:
        raise NoAnswer(str(e)) from e


def outcome(pdu_out):
    """(exit status, text) of an answer."""
    if pdu_out[0] & 0x80:
        return 1, "exception 0x%02x" % pdu_out[1]
    return 0, "ok"


def one(host, port, pdu):
    try:
        status, text = outcome(request(host, port, pdu))
    except NoAnswer as e:
        status, text = 3, "no answer: %s" % e
    print(text)
    return status


def first_read(host, port, since_ns, timeout_s):
    pdu = struct.pack(">BHH", 3, VALVE, 1)
    deadline = time.monotonic() + timeout_s
    last = "none tried"
    while time.monotonic() < deadline:
        try:
            status, last = outcome(request(host, port, pdu))
            if status == 0:
                print((time.time_ns() - since_ns) // 1000000)
                return 0
        except NoAnswer as e:
            last = "no answer: %s" % e
        time.sleep(RETRY_PAUSE)
    print("no read answered within %g s; the last: %s" % (timeout_s, last))
    return 3


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "read":
        return one(args[1], int(args[2]), struct.pack(">BHH", 3, VALVE, 1))
    if len(args) == 4 and args[0] == "write":
        return one(args[1], int(args[2]),
                   struct.pack(">BHH", 6, VALVE, int(args[3])))
    if len(args) == 5 and args[0] == "first-read":
        return first_read(args[1], int(args[2]), int(args[3]),
                          float(args[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
