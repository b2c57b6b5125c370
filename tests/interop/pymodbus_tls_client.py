"""pymodbus_tls_client.py: pymodbus' ModbusTlsClient (3.0) with client
certificates of tests/certs.sh, through wardend's Modbus/TCP Security
listener: role hmi reads and writes the setpoint (the write checked on
plcsim, read directly); role historian reads it but its write gets
exception 0x01 and never reaches plcsim. Prints one line per check, then
"N passed, N failed"; exits non-zero on any failure.

usage: pymodbus_tls_client.py TLS_PORT CERT_DIR PLC_PORT JOURNAL
"""
import json
import os
import ssl
import sys

from pymodbus.client import ModbusTcpClient, ModbusTlsClient
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


def tls_client(port, cert_dir, name):
    """A ModbusTlsClient for the certificate NAME.pem of cert_dir.

    pymodbus 3.0.0rc1's ModbusTlsClient frames with ModbusTlsFramer by
    default: the bare PDU, no MBAP header, which is not Modbus/TCP
    Security (MBAP inside TLS); ModbusSocketFramer is. Without sslctx it
    would also not check the gateway's certificate (CERT_NONE), so the
    context is made here, trusting the test CA.
    """
    ctx = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=os.path.join(cert_dir, "ca.pem"))
    ctx.load_cert_chain(os.path.join(cert_dir, name + ".pem"),
                        os.path.join(cert_dir, name + ".key"))
    client = ModbusTlsClient("127.0.0.1", port=port,
                             framer=ModbusSocketFramer, sslctx=ctx,
                             timeout=2, retries=0)
    if not client.connect():
        sys.exit("%s: no TLS connection to 127.0.0.1:%d" % (name, port))
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


def run(c, hmi, historian, plc, journal_path):
    rr = hmi.write_register(SETPOINT, 321, slave=UNIT)
    c.check("hmi: fc6 write over TLS", not rr.isError(), rr)
    c.check("hmi: fc6 reached plcsim",
            journalled(journal_path, 6, SETPOINT, [321]))
    rr = hmi.write_registers(SETPOINT, [654], slave=UNIT)
    c.check("hmi: fc16 write over TLS", not rr.isError(), rr)
    got = registers(plc.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("hmi: plcsim read directly holds 654", got == [654], got)
    got = registers(hmi.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("hmi: fc3 read over TLS", got == [654], got)

    got = registers(historian.read_holding_registers(SETPOINT, 1,
                                                     slave=UNIT))
    c.check("historian: fc3 read over TLS", got == [654], got)
    rr = historian.write_register(SETPOINT, 111, slave=UNIT)
    c.check("historian: fc6 write refused with exception 0x01",
            isinstance(rr, ExceptionResponse)
            and rr.exception_code == ILLEGAL_FUNCTION, rr)
    got = registers(plc.read_holding_registers(SETPOINT, 1, slave=UNIT))
    c.check("historian: plcsim still holds 654", got == [654], got)
    c.check("historian: its write never reached plcsim",
            not journalled(journal_path, 6, SETPOINT, [111]))
    got = registers(historian.read_holding_registers(SETPOINT, 1,
                                                     slave=UNIT))
    c.check("historian: still served after the refusal", got == [654], got)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    tls_port, cert_dir = int(sys.argv[1]), sys.argv[2]
    plc_port, journal_path = int(sys.argv[3]), sys.argv[4]
    c = Checks()
    clients = []
    try:
        hmi = tls_client(tls_port, cert_dir, "client-hmi")
        clients.append(hmi)
        historian = tls_client(tls_port, cert_dir, "client-historian")
        clients.append(historian)
        plc = ModbusTcpClient("127.0.0.1", port=plc_port, timeout=2,
                              retries=0)
        clients.append(plc)
        run(c, hmi, historian, plc, journal_path)
    except Exception as e:  # a crash is a failure, reported as one
        c.check("client ran to the end", False, repr(e))
    finally:
        for client in clients:
            client.close()
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
