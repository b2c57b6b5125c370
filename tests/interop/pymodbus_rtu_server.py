"""pymodbus_rtu_server.py PORT: a third-party Modbus RTU server on the tty
PORT (19200 8N2: pyserial refuses to set parity on a pty, EINVAL,
so the line has none, and two stop bits as the serial line spec wants
then): pymodbus' serial server (Debian python3-pymodbus, with
python3-serial and python3-serial-asyncio), units 1 and 2 each with 100
holding registers and 100 coils, all 0 at the start, register 10 of unit
2 preset to 1234. Runs until killed; prints "serving PORT" once it does.
"""
import logging
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock,
                                ModbusServerContext, ModbusSlaveContext)
from pymodbus.server import StartSerialServer
from pymodbus.transaction import ModbusRtuFramer


def unit(preset=None):
    """One unit's tables; preset: {register: value}."""
    holding = ModbusSequentialDataBlock(0, [0] * 101)
    for address, value in (preset or {}).items():
        # pymodbus 3.0 blocks count from 1: register A is at A + 1.
        holding.setValues(address + 1, [value])
    return ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [0] * 101),
        co=ModbusSequentialDataBlock(0, [0] * 101),
        hr=holding,
        ir=ModbusSequentialDataBlock(0, [0] * 101))


def main():
    logging.basicConfig(level=logging.WARNING)
    context = ModbusServerContext(
        slaves={1: unit(), 2: unit({10: 1234})}, single=False)
    print("serving", sys.argv[1], flush=True)
    StartSerialServer(context=context, framer=ModbusRtuFramer,
                      port=sys.argv[1], baudrate=19200, parity="N",
                      bytesize=8, stopbits=2)


if __name__ == "__main__":
    main()
