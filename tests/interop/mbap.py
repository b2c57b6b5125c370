"""mbap.py: one Modbus/TCP request, over TLS (Modbus/TCP Security: the
MBAP frame inside TLS) or plain, built by hand so that nothing but the
ssl module stands between the test and wardend. Prints the answer's PDU
in hex, function code first ("04 02 00 c8"; an exception "84 01").

usage: mbap.py [--tls CA CERT KEY] PORT UNIT FC ADDRESS ARG
  FC 1-4: ARG is the count to read; 5: 0 or 1; 6: the register value.
  CERT and KEY "-": no client certificate.

Exit status: 0 an answer, 2 usage, 3 the TLS handshake refused or the
connection closed without an answer (the reason on stderr).
"""
import socket
import ssl
import struct
import sys

TRANSACTION = 0x1234


def request_pdu(fc, address, arg):
    if fc in (1, 2, 3, 4, 6):
        return struct.pack(">BHH", fc, address, arg)
    if fc == 5:
        return struct.pack(">BHH", fc, address, 0xFF00 if arg else 0)
    sys.exit("mbap.py: function code %d is not supported" % fc)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed by wardend")
        data += chunk
    return data


def connect(port, tls):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls is None:
        return sock
    ca, cert, key = tls
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    if cert != "-":
        ctx.load_cert_chain(cert, key)
    # The gateway's certificate names IP 127.0.0.1: checked as a name.
    return ctx.wrap_socket(sock, server_hostname="127.0.0.1")


def main():
    args = sys.argv[1:]
    tls = None
    if args[:1] == ["--tls"]:
        tls, args = args[1:4], args[4:]
    if len(args) != 5 or (tls is not None and len(tls) != 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    port, unit, fc, address, arg = (int(a) for a in args)
    pdu = request_pdu(fc, address, arg)
    try:
        sock = connect(port, tls)
        with sock:
            sock.sendall(struct.pack(">HHHB", TRANSACTION, 0, len(pdu) + 1,
                                     unit) + pdu)
            tid, proto, length, _ = struct.unpack(">HHHB",
                                                  recv_exact(sock, 7))
            if tid != TRANSACTION or proto != 0 or length < 2:
                raise ConnectionError("bad MBAP header in the answer")
            answer = recv_exact(sock, length - 1)
    except (OSError, ConnectionError) as e:  # ssl.SSLError is an OSError
        print("mbap.py: %s" % e, file=sys.stderr)
        sys.exit(3)
    print(" ".join("%02x" % b for b in answer))


if __name__ == "__main__":
    main()
