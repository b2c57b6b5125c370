#!/usr/bin/env bash
# readme_tls.sh: the README's "Securing the AI side" works as written. Its
# openssl block (between the readme-tls markers) runs in a temp dir and
# makes a certificate with role hmi; its listen:/roles: snippet (between
# the readme-tls-yaml markers), moved to free loopback ports and the
# temp dir, passes wardend -t and serves; a client with the README's hmi
# certificate completes the handshake (its s_client check and a raw MBAP
# frame over Python's ssl), reads, and writes pump_run, which reaches
# plcsim; a client without a certificate is refused and audited.
# Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

command -v openssl >/dev/null || die "openssl is not installed (make deps)"

CERTS=$WORK/certs
mkdir -p "$CERTS"

# readme_block MARKER: the lines of README.md's fenced block between
# <!-- MARKER:begin --> and <!-- MARKER:end -->, without the fences.
readme_block() {
	sed -n "/^<!-- $1:begin -->\$/,/^<!-- $1:end -->\$/p" README.md |
		sed '/^<!-- /d; /^```/d'
}
readme_block readme-tls >"$WORK/readme_certs.sh"
readme_block readme-tls-yaml >"$WORK/readme.yaml"
[ -s "$WORK/readme_certs.sh" ] && [ -s "$WORK/readme.yaml" ] ||
	die "README.md lacks the readme-tls or readme-tls-yaml block"

run_readme_certs() {
	(cd "$CERTS" && sh -eu "$WORK/readme_certs.sh")
}
check "the README's openssl commands run" run_readme_certs
[ -s "$CERTS/hmi-1.pem" ] || die "the README's commands made no hmi-1.pem"

# x509 -text shows an unknown extension's DER: ".." (tag, length), then
# the UTF8String.
role_shown() {
	openssl x509 -in "$CERTS/hmi-1.pem" -noout -text |
		grep -A1 '^ *1\.3\.6\.1\.4\.1\.50316\.802\.1:' | grep -q '\.\.hmi$'
}
check "x509 -text shows the role hmi" role_shown

start_plcsim
PLAIN_PORT=$(free_port)
TLS_PORT=$(free_port)
# The README's snippet on this machine's free ports and temp dir, with
# what the snippet leaves to the rest of the file: the tank and its
# pump_run point, which the hmi role may write.
sed -e "s|0\.0\.0\.0:502|127.0.0.1:$PLAIN_PORT|" \
	-e "s|0\.0\.0\.0:802|127.0.0.1:$TLS_PORT|" \
	-e "s|/etc/warden/tls/|$CERTS/|g" "$WORK/readme.yaml" >"$WORK/warden.yaml"
cat >>"$WORK/warden.yaml" <<EOF
initial_state: auto
state_dir: $WORK
audit_log: $WORK/audit.jsonl
control: {socket: $WORK/control.sock}
devices:
  - {name: tank1, host: 127.0.0.1, port: $PLC_PORT, unit_id: 1, timeout: 500ms}
points:
  - {name: pump_run, device: tank1, table: coil, address: 0,
     write: {min: 0, max: 1}}
EOF

config_ok() {
	"$BIN/wardend" -t -c "$WORK/warden.yaml" | grep -q '^configuration OK'
}
check "wardend -t accepts the README's listen: and roles:" config_ok

"$BIN/wardend" -f -c "$WORK/warden.yaml" >>"$WORK/wardend.log" 2>&1 &
WARDEN_PID=$!
PIDS+=($!)
# The plain listener: a bare connect to the TLS one would be an abandoned
# handshake.
wait_port "$PLAIN_PORT" "$WARDEN_PID" || die "wardend did not start"

s_client_ok() {
	openssl s_client -connect "127.0.0.1:$TLS_PORT" -CAfile "$CERTS/ca.pem" \
		-cert "$CERTS/hmi-1.pem" -key "$CERTS/hmi-1.key" -brief \
		</dev/null 2>&1 | grep -q '^Verification: OK$'
}
check "the README's s_client check: Verification: OK" s_client_ok

# mbap [--tls CA CERT KEY] PORT UNIT FC ADDRESS ARG: the answer PDU in hex.
mbap() {
	"$PY" tests/interop/mbap.py "$@"
}
hmi() {
	mbap --tls "$CERTS/ca.pem" "$CERTS/hmi-1.pem" "$CERTS/hmi-1.key" \
		"$TLS_PORT" 1 "$@"
}
# expect WANT COMMAND...: the command prints WANT.
expect() {
	local want=$1 got
	shift
	got=$("$@") || return 1
	[ "$got" = "$want" ] || { echo "got '$got', want '$want'"; return 1; }
}
reads_level() {
	local got
	got=$(hmi 4 0 1) || return 1
	[[ "$got" == "04 02 "* ]] || { echo "got '$got'"; return 1; }
}
check "hmi-1 over TLS reads the level (fc4)" reads_level
check "hmi-1 over TLS stops the pump (fc5 pump_run 0)" \
	expect "05 00 00 00 00" hmi 5 0 0
check "plcsim's pump is off" expect "01 01 00" mbap "$PLC_PORT" 1 1 0 1

audit_has() {
	grep -q "$1" "$WORK/audit.jsonl"
}
# eventually COMMAND...: true within 5 s.
eventually() {
	local i
	for ((i = 0; i < 250; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}
check "audited as role hmi, identity CN=hmi-1,O=Plant" audit_has \
	'"event":"write_allowed".*"role":"hmi","identity":"CN=hmi-1,O=Plant"'

no_cert_refused() {
	local status=0
	mbap --tls "$CERTS/ca.pem" - - "$TLS_PORT" 1 4 0 1 || status=$?
	[ "$status" -eq 3 ]
}
check "a client without a certificate is refused" no_cert_refused
check "audited as client_refused" eventually audit_has \
	'"event":"client_refused".*"reason":'
finish
