#!/usr/bin/env bash
# pymodbus_rtu.sh: wardend in front of a third-party Modbus RTU server,
# pymodbus' serial server (tests/interop/pymodbus_rtu_server.py), on the
# other end of a socat pseudo-terminal pair: units 1 and 2 on one bus.
# mbpoll, as the AI, reads and writes registers and coils of both units
# through wardend, and gets 0x0B for a unit the bus does not answer.
# Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

"$PY" -c 'import pymodbus.server, serial, serial_asyncio' 2>/dev/null ||
	die "$PY lacks pymodbus' serial server (make deps installs" \
		"python3-pymodbus, python3-serial, python3-serial-asyncio)"
command -v socat >/dev/null || die "no socat (make deps installs it)"
command -v mbpoll >/dev/null || die "no mbpoll (make deps installs it)"

# The pty pair; its links exist once socat has made both ends.
socat pty,raw,echo=0,link="$WORK/wardend-tty" \
	pty,raw,echo=0,link="$WORK/server-tty" >>"$WORK/socat.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 250; i++)); do
	[ -e "$WORK/wardend-tty" ] && [ -e "$WORK/server-tty" ] && break
	sleep 0.02
done
[ -e "$WORK/server-tty" ] || die "socat made no pty pair"

"$PY" tests/interop/pymodbus_rtu_server.py "$WORK/server-tty" \
	>>"$WORK/server.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 250; i++)); do
	grep -q '^serving' "$WORK/server.log" 2>/dev/null && break
	sleep 0.02
done
grep -q '^serving' "$WORK/server.log" ||
	die "the pymodbus server did not start"

# 8N2, as the server (pyserial cannot set parity on a pty).
LINE="port: $WORK/wardend-tty, baud: 19200, parity: N, stop_bits: 2"
start_wardend_devices "\
  - {name: rtu1, unit_id: 1, timeout: 500ms, serial: {$LINE}}
  - {name: rtu2, unit_id: 2, timeout: 500ms, serial: {$LINE}}
  - {name: absent, unit_id: 3, timeout: 200ms, serial: {$LINE}}"

# rd UNIT TABLE REF COUNT / wr UNIT TABLE REF VALUE...: one request to
# wardend as the AI (mbpoll: table 0 coils, 4 holding registers; -0:
# references from 0), its output kept.
rd() {
	mbpoll -m tcp -p "$WARDEN_PORT" -0 -1 -o 2 -a "$1" -t "$2" -r "$3" \
		-c "$4" 127.0.0.1 >"$WORK/mbpoll.out" 2>&1
}
wr() {
	local unit=$1 table=$2 ref=$3
	shift 3
	mbpoll -m tcp -p "$WARDEN_PORT" -0 -1 -o 2 -a "$unit" -t "$table" \
		-r "$ref" 127.0.0.1 "$@" >"$WORK/mbpoll.out" 2>&1
}
# shows INDEX VALUE: the last mbpoll output shows [INDEX]: VALUE.
shows() {
	grep -Eq "^\[$1\]:[[:space:]]+$2\$" "$WORK/mbpoll.out"
}
refused_0b() {
	! rd "$@" &&
		grep -q "Target device failed to respond" "$WORK/mbpoll.out"
}

check "unit 2: its preset register read over RTU" \
	eval 'rd 2 4 10 1 && shows 10 1234'
check "unit 1: write a register" wr 1 4 5 4321
check "unit 1: read it back" eval 'rd 1 4 5 1 && shows 5 4321'
check "unit 2: untouched by unit 1's write" eval 'rd 2 4 5 1 && shows 5 0'
check "unit 1: write several registers" wr 1 4 20 7 8 9
check "unit 1: read them back" \
	eval 'rd 1 4 20 3 && shows 20 7 && shows 22 9'
check "unit 2: write a coil" wr 2 0 3 1
check "unit 2: read it back" eval 'rd 2 0 3 1 && shows 3 1'
check "unit 3, on the bus but absent: 0x0B" refused_0b 3 4 0 1
check "unit 1 answers after the timeout (the bus recovered)" \
	eval 'rd 1 4 5 1 && shows 5 4321'
finish
