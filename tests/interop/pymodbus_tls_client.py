"""pymodbus_tls_client.py: pymodbus' AsyncModbusTlsClient (3.0) with
client certificates of tests/certs.sh, through wardend's Modbus/TCP Security
listener: role hmi reads and writes the setpoint (the write checked on
plcsim, read directly); role historian reads it but its write gets
exception 0x01 and never reaches plcsim. Prints one line per check, then
"N passed, N failed"; exits non-zero on any failure.

usage: pymodbus_tls_client.py TLS_PORT CERT_DIR PLC_PORT JOURNAL
"""
import asyncio
import json
import os
import ssl
import sys

from pymodbus.client import AsyncModbusTlsClient, ModbusTcpClient
from pymodbus.framer.socket_framer import ModbusSocketFramer
from pymodbus.pdu import ExceptionResponse

UNIT = 1
SETPOINT = 200
ILLEGAL_FUNCTION = 0x01


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + (": " + str(detail) if detail else ""))


async def tls_client(port, cert_dir, name):
    """An AsyncModbusTlsClient for the certificate NAME.pem of cert_dir.

    pymodbus 3.0.0rc1's TLS clients frame with ModbusTlsFramer by
    default: the bare PDU, no MBAP header, which is not Modbus/TCP
    Security (MBAP inside TLS); ModbusSocketFramer is. Without sslctx
    they would not check the gateway's certificate (CERT_NONE), so the
    context is made here, trusting the test CA. The async client, as
    its sync ModbusTlsClient reads with select() on the socket and a
    non-blocking recv(): it misses what the TLS layer already holds (the
    rest of an answer after the 8 bytes it asks for first) and fails on
    a TLS 1.3 NewSessionTicket (SSLWantReadError), so it cannot read an
    answer of any TLS server whole.
    """
    ctx = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=os.path.join(cert_dir, "ca.pem"))
    ctx.load_cert_chain(os.path.join(cert_dir, name + ".pem"),
                        os.path.join(cert_dir, name + ".key"))
    client = AsyncModbusTlsClient("127.0.0.1", port=port,
                                  framer=ModbusSocketFramer, sslctx=ctx,
                                  server_hostname="127.0.0.1", timeout=2,
                                  retries=0)
    # connect() logs a failure and schedules a reconnect; no protocol
    # then.
    await client.connect()
    if client.protocol is None:
        await client.close()
        raise ConnectionError("%s: no TLS connection to 127.0.0.1:%d"
                              % (name, port))
    return client


def registers(rr):
    return None if rr.isError() else list(rr.registers)


def journalled(path, fc, address, values):
    with open(path) as f:
        return any(e.get("unit") == UNIT and e.get("fc") == fc
                   and e.get("address") == address
                   and e.get("values") == values
                   for e in (json.loads(line) for line in f
                             if line.endswith("\n")))


async def run(c, hmi, historian, plc, journal_path):
    rr = await hmi.write_register(SETPOINT, 321, slave=UNIT)
    c.check("hmi: fc6 write over TLS", not rr.isError(), rr)
    c.check("hmi: fc6 reached plcsim",
            journalled(journal_path, 6, SETPOINT, [321]))
    rr = await hmi.write_registers(SETPOINT, [654], slave=UNIT)
    c.check("hmi: fc16 write over TLS", not rr.isError(), rr)
    got = registers(plc.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("hmi: plcsim read directly holds 654", got == [654], got)
    got = registers(await hmi.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("hmi: fc3 read over TLS", got == [654], got)

    got = registers(await historian.read_holding_registers(
        SETPOINT, 1, slave=UNIT))
    c.check("historian: fc3 read over TLS", got == [654], got)
    rr = await historian.write_register(SETPOINT, 111, slave=UNIT)
    c.check("historian: fc6 write refused with exception 0x01",
            isinstance(rr, ExceptionResponse)
            and rr.exception_code == ILLEGAL_FUNCTION, rr)
    got = registers(plc.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("historian: plcsim still holds 654", got == [654], got)
    c.check("historian: its write never reached plcsim",
            not journalled(journal_path, 6, SETPOINT, [111]))
    got = registers(await historian.read_holding_registers(
        SETPOINT, 1, slave=UNIT))
    c.check("historian: still served after the refusal", got == [654], got)


async def clients_run(c, tls_port, cert_dir, plc_port, journal_path):
    tls = []
    plc = ModbusTcpClient("127.0.0.1", port=plc_port, timeout=2, retries=0)
    try:
        tls.append(await tls_client(tls_port, cert_dir, "client-hmi"))
        tls.append(await tls_client(tls_port, cert_dir, "client-historian"))
        await run(c, tls[0], tls[1], plc, journal_path)
    except Exception as e:  # a crash is a failure, reported as one
        c.check("client ran to the end", False, repr(e))
    finally:
        for client in tls:
            await client.close()
        plc.close()


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    c = Checks()
    asyncio.run(clients_run(c, int(sys.argv[1]), sys.argv[2],
                            int(sys.argv[3]), sys.argv[4]))
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
