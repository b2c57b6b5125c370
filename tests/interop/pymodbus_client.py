"""pymodbus_client.py: a pymodbus (3.0) client reads and writes registers
and coils through wardend; values are checked against plcsim read
directly, against what was forced through plcsim's backdoor, and against
plcsim's journal. Prints one line per check, then "N passed, N failed";
exits non-zero on any failure.

usage: pymodbus_client.py WARDEN_PORT PLC_PORT BACKDOOR_PORT JOURNAL
"""
import json
import sys

from pymodbus.client import ModbusTcpClient
from pymodbus.pdu import ExceptionResponse

UNIT = 1
UNKNOWN_UNIT = 77
GATEWAY_TARGET_FAILED = 0x0B


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


def connect(port):
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
    if not client.connect():
        sys.exit("cannot connect to 127.0.0.1:%d" % port)
    return client


def journal(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.endswith("\n")]


def journalled(path, fc, address, values=None):
    for e in journal(path):
        if (e.get("unit") == UNIT and e.get("fc") == fc
                and e.get("address") == address
                and (values is None or e.get("values") == values)):
            return True
    return False


def registers(rr):
    return None if rr.isError() else list(rr.registers)


def bits(rr, count):
    return None if rr.isError() else list(rr.bits[:count])


def run(c, gw, plc, backdoor, journal_path):
    rr = gw.write_register(200, 4321, slave=UNIT)
    c.check("fc6 write register", not rr.isError(), rr)
    c.check("fc6 reached plcsim", journalled(journal_path, 6, 200, [4321]))
    rr = gw.write_registers(201, [1, 0x8000, 0xFFFF], slave=UNIT)
    c.check("fc16 write registers", not rr.isError(), rr)
    c.check("fc16 reached plcsim",
            journalled(journal_path, 16, 201, [1, 0x8000, 0xFFFF]))
    want = [4321, 1, 0x8000, 0xFFFF]
    got = registers(gw.read_holding_registers(200, 4, slave=UNIT))
    c.check("fc3 read through wardend", got == want, got)
    got = registers(plc.read_holding_registers(200, 4, slave=UNIT))
    c.check("fc3 read directly agrees", got == want, got)

    # pymodbus 3.0 takes unit= (not slave=) for these two requests.
    rr = gw.mask_write_register(address=210, and_mask=0x00F2,
                                or_mask=0x0025, unit=UNIT)
    plc.write_register(211, 0, slave=UNIT)
    c.check("fc22 mask write", not rr.isError(), rr)
    rr = gw.readwrite_registers(read_address=210, read_count=2,
                                write_address=211, write_registers=[777],
                                unit=UNIT)
    got = registers(rr)
    c.check("fc23 write then read", got == [0x0025 & ~0x00F2, 777], got)

    rr = gw.write_coil(220, True, slave=UNIT)
    c.check("fc5 write coil", not rr.isError(), rr)
    rr = gw.write_coils(221, [False, True, True], slave=UNIT)
    c.check("fc15 write coils", not rr.isError(), rr)
    c.check("fc15 reached plcsim", journalled(journal_path, 15, 221, [0, 1, 1]))
    got = bits(gw.read_coils(220, 4, slave=UNIT), 4)
    c.check("fc1 read coils", got == [True, False, True, True], got)
    got = bits(plc.read_coils(220, 4, slave=UNIT), 4)
    c.check("fc1 read directly agrees", got == [True, False, True, True], got)

    backdoor.write_registers(300, [4242, 17], slave=UNIT)
    got = registers(gw.read_input_registers(300, 2, slave=UNIT))
    c.check("fc4 read forced inputs", got == [4242, 17], got)
    backdoor.write_coil(231, True, slave=UNIT)
    got = bits(gw.read_discrete_inputs(230, 2, slave=UNIT), 2)
    c.check("fc2 read forced discrete inputs", got == [False, True], got)

    rr = gw.read_holding_registers(200, 1, slave=UNKNOWN_UNIT)
    c.check("unknown unit id: exception 0x0B",
            isinstance(rr, ExceptionResponse)
            and rr.exception_code == GATEWAY_TARGET_FAILED, rr)
    c.check("unknown unit id never reached plcsim",
            all(e.get("unit") != UNKNOWN_UNIT for e in journal(journal_path)))
    got = registers(gw.read_holding_registers(200, 1, slave=UNIT))
    c.check("still serving after the exception", got == [4321], got)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    gw_port, plc_port, backdoor_port = (int(a) for a in sys.argv[1:4])
    c = Checks()
    gw, plc, backdoor = connect(gw_port), connect(plc_port), \
        connect(backdoor_port)
    try:
        run(c, gw, plc, backdoor, sys.argv[4])
    except Exception as e:  # a crash is a failure, reported as one
        c.check("client ran to the end", False, repr(e))
    finally:
        for client in (gw, plc, backdoor):
            client.close()
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
