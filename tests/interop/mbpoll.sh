#!/usr/bin/env bash
# mbpoll.sh: mbpoll (a stock Modbus master) reads and writes holding
# registers, input registers, coils and discrete inputs through wardend;
# the values are checked in mbpoll's output, directly on plcsim, and in
# plcsim's journal. Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

command -v mbpoll >/dev/null || die "mbpoll is not installed (make deps)"

# mb PORT UNIT TABLE ADDRESS [COUNT | VALUES...]: one mbpoll call, 0-based.
mb_read() {
	mbpoll -m tcp -p "$1" -a "$2" -t "$3" -r "$4" -c "$5" -0 -1 -o 2 \
		127.0.0.1
}
mb_write() {
	local port=$1 unit=$2 table=$3 address=$4
	shift 4
	mbpoll -m tcp -p "$port" -a "$unit" -t "$table" -r "$address" -0 \
		-o 2 127.0.0.1 "$@"
}

# expect_values OUTPUT ADDRESS VALUE...: "[ADDRESS]: VALUE" lines in order.
expect_values() {
	local out=$1 address=$2 value
	shift 2
	for value in "$@"; do
		printf '%s\n' "$out" | grep -Eq "^\[$address\]:[[:space:]]+$value( \(-?[0-9]+\))?\$" ||
			{ echo "no [$address]: $value in: $out"; return 1; }
		address=$((address + 1))
	done
}

read_holding_through_gateway() {
	expect_values "$(mb_read "$WARDEN_PORT" 1 4 200 2)" 200 1234 5678
}
read_holding_directly() {
	expect_values "$(mb_read "$PLC_PORT" 1 4 200 2)" 200 1234 5678
}
read_single_directly() {
	expect_values "$(mb_read "$PLC_PORT" 1 4 210 1)" 210 99
}
read_input_through_gateway() {
	expect_values "$(mb_read "$WARDEN_PORT" 1 3 300 2)" 300 4242 65535
}
read_coils_through_gateway() {
	expect_values "$(mb_read "$WARDEN_PORT" 1 0 220 3)" 220 1 0 1
}
read_discrete_through_gateway() {
	expect_values "$(mb_read "$WARDEN_PORT" 1 1 230 2)" 230 0 1
}
# libmodbus' text for exception 0x0B (gateway target failed to respond).
unknown_unit_fails() {
	local out
	out=$(mb_read "$WARDEN_PORT" 77 4 200 1 2>&1) && return 1
	printf '%s\n' "$out" | grep -q 'Target device failed to respond' &&
		! journal_unit_seen 77
}
journal_unit_seen() {
	grep -q "\"unit\":$1," "$PLC_JOURNAL"
}

start_plcsim
start_wardend

check "fc16 write 2 holding registers" mb_write "$WARDEN_PORT" 1 4 200 1234 5678
check "fc16 reached plcsim" journal_has 16 200 "1234,5678"
check "fc16 values on plcsim" read_holding_directly
check "fc3 read holding registers" read_holding_through_gateway
check "fc3 reached plcsim" journal_has 3 200
check "fc6 write 1 holding register" mb_write "$WARDEN_PORT" 1 4 210 99
check "fc6 reached plcsim" journal_has 6 210 99
check "fc6 value on plcsim" read_single_directly
check "backdoor forces inputs" mb_write "$PLC_BACKDOOR" 1 4 300 4242 65535
check "fc4 read input registers" read_input_through_gateway
check "fc4 reached plcsim" journal_has 4 300
check "fc15 write coils" mb_write "$WARDEN_PORT" 1 0 220 1 0 1
check "fc15 reached plcsim" journal_has 15 220 "1,0,1"
check "fc1 read coils" read_coils_through_gateway
check "backdoor forces a discrete input" mb_write "$PLC_BACKDOOR" 1 0 231 1
check "fc2 read discrete inputs" read_discrete_through_gateway
check "unknown unit id is refused" unknown_unit_fails
finish
