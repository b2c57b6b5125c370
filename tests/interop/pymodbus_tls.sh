#!/usr/bin/env bash
# pymodbus_tls.sh: pymodbus' AsyncModbusTlsClient with client certificates of
# tests/certs.sh, through wardend's Modbus/TCP Security listener
# (tests/interop/pymodbus_tls_client.py): role hmi reads and writes, and
# its writes reach plcsim; role historian reads, and its write gets
# exception 0x01. Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

"$PY" -c 'import pymodbus.client' 2>/dev/null ||
	die "$PY has no pymodbus (make deps installs python3-pymodbus)"
command -v openssl >/dev/null || die "openssl is not installed (make deps)"

CERTS=$WORK/certs
sh tests/certs.sh "$CERTS" >"$WORK/certs.log" 2>&1 ||
	die "tests/certs.sh failed"

start_plcsim
PLAIN_PORT=$(free_port)
TLS_PORT=$(free_port)
cat >"$WORK/warden.yaml" <<EOF
listen:
  - address: 127.0.0.1:$PLAIN_PORT
  - address: 127.0.0.1:$TLS_PORT
    tls: {cert: $CERTS/server.pem, key: $CERTS/server.key,
          client_ca: $CERTS/ca.pem, crl: $CERTS/crl.pem}
roles:
  hmi: {read: all, write: [setpoint]}
  historian: {read: all, write: none}
initial_state: auto
state_dir: $WORK
audit_log: $WORK/audit.jsonl
control: {socket: $WORK/control.sock}
devices:
  - {name: tank1, host: 127.0.0.1, port: $PLC_PORT, unit_id: 1, timeout: 500ms}
points:
  - {name: setpoint, device: tank1, table: holding, address: 200,
     write: {min: 0, max: 1000}}
EOF
"$BIN/wardend" -f -c "$WORK/warden.yaml" >>"$WORK/wardend.log" 2>&1 &
WARDEN_PID=$!
PIDS+=($!)
# Ready once the plain listener accepts: a bare connect to the TLS one
# would be an abandoned handshake.
wait_port "$PLAIN_PORT" "$WARDEN_PID" || die "wardend did not start"

"$PY" tests/interop/pymodbus_tls_client.py "$TLS_PORT" "$CERTS" \
	"$PLC_PORT" "$PLC_JOURNAL" >"$WORK/client.out" 2>&1
status=$?
# The client's own checks, then its summary counted here as well.
grep -v ' passed, .* failed$' "$WORK/client.out"
read -r client_passed client_failed < <(sed -n \
	's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$WORK/client.out")
PASSED=$((PASSED + ${client_passed:-0}))
FAILED=$((FAILED + ${client_failed:-0}))
if [ "$status" -ne 0 ] && [ "${client_failed:-0}" -eq 0 ]; then
	FAILED=$((FAILED + 1))
	echo "FAIL pymodbus TLS client exited $status"
fi

audit_has() {
	grep -q "$1" "$WORK/audit.jsonl"
}
# The identity: the certificate's subject as RFC 2253 writes it.
subject=$(openssl x509 -in "$CERTS/client-historian.pem" -noout -subject \
	-nameopt RFC2253)
refused='"event":"write_rejected".*"rule":"role","exception":1,'
who="\"role\":\"historian\",\"identity\":\"${subject#subject=}\""
check "audit: the historian's write refused, with role and identity" \
	audit_has "$refused.*$who"
finish
