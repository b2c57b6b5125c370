#!/usr/bin/env bash
# pair.sh: a redundant pair of wardend nodes behind keepalived, in network
# namespaces (issue 14). Root only; skipped, with one line saying why,
# without root, without network namespaces, veth or bridges (a container
# without CAP_SYS_ADMIN), or without keepalived.
#
# The plant network is a bridge in a namespace of its own, the switch;
# on it, each in its namespace: node a and node b (a wardend and a
# keepalived each, keepalived running config/keepalived.conf.example as
# it is but for its paths and a 0.1 s advert_int), the PLC (plcsim) and
# the AI (ai.py). Nodes a and b also share a cable of their own, the pair
# link, which the test cuts without cutting VRRP. Everything binds only in
# these namespaces, is stopped by PID, and the namespaces are deleted on
# exit, whatever happens.
#
# It shows, each a PASS or FAIL line:
#   keepalived -t accepts the example (keywords, its scripts secure)
#   a. the AI keeps working through the virtual address when the active
#      node's wardend is killed; the time from the kill to the first read
#      answered is printed and appended to $WARDEN_BIN/netns-failover.txt
#   b. a TAKEOVER on the active node survives the failover: the new active
#      refuses the AI's writes (0x0A) from its first request, holds the
#      takeover as the old one made it, and its failover record points
#      into the old one's audit chain
#   d. the node that comes back does not take the address back, and stands
#      by (no flapping); it writes nothing to the PLC meanwhile
#   e. with the pair link up, an AUTO active node's failover comes up AUTO
#      (the peer proved its state)
#   c. a failover while the pair link is cut comes up in TAKEOVER
# The last line is "N passed, N failed"; exit 1 on any FAIL.
# WARDEN_KEEP=1 keeps the logs (kept anyway on a failure).
set -u

ME=tests/netns/pair.sh
BIN=${WARDEN_BIN:-build}
SRC=${WARDEN_SRC:-.}
PY=${PYTHON:-/usr/bin/python3}
PATH=$PATH:/usr/sbin:/sbin

skip_all() {
	echo "SKIP $ME: $*"
	exit 0
}

[ "$(id -u)" -eq 0 ] ||
	skip_all "needs root (network namespaces, veth, a bridge, keepalived)"
command -v ip >/dev/null ||
	skip_all "ip (iproute2) is not installed (make deps-check)"
command -v keepalived >/dev/null ||
	skip_all "keepalived is not installed (make deps-check)"
# What the test builds, tried once: a namespace, a veth pair, a bridge.
probe=wprobe$$
if ! ip netns add "$probe" 2>/dev/null; then
	skip_all "ip netns add is not permitted here (no CAP_SYS_ADMIN, or no network namespaces)"
fi
if ! { ip -n "$probe" link add v0 type veth peer name v1 &&
	ip -n "$probe" link add b0 type bridge; } 2>/dev/null; then
	ip netns del "$probe"
	skip_all "no veth or bridge in a network namespace here"
fi
ip netns del "$probe"

BIN=$(cd "$BIN" && pwd) || exit 1
SRC=$(cd "$SRC" && pwd) || exit 1
for prog in wardend wardenctl plcsim; do
	[ -x "$BIN/$prog" ] || { echo "FAIL $ME: no $BIN/$prog (make)"; exit 1; }
done

# The plant network (TEST-NET-1) and the pair link (TEST-NET-2), inside
# the namespaces only. VIP and the interface are the example's.
VIP=192.0.2.100
PLC_IP=192.0.2.10
AI_IP=192.0.2.20
MODBUS=502
PAIR_PORT=8502
ADVERT=0.1
declare -A NS=([a]=wn$$-a [b]=wn$$-b)
declare -A PLANT_IP=([a]=192.0.2.1 [b]=192.0.2.2)
declare -A LINK_IP=([a]=198.51.100.1 [b]=198.51.100.2)
declare -A WPID=() KPID=()
NS_SWITCH=wn$$-sw
NS_PLC=wn$$-plc
NS_AI=wn$$-ai
ALL_NS=("$NS_SWITCH" "${NS[a]}" "${NS[b]}" "$NS_PLC" "$NS_AI")
RESULTS=$BIN/netns-failover.txt

D=$(mktemp -d /tmp/warden-netns.XXXXXX) || exit 1
PASSED=0 FAILED=0
PLC_PID=

# stop PID: SIGTERM, then SIGKILL after 3 s; reaped, its exit status
# returned.
stop() {
	local pid=$1 i
	# Already gone: its status all the same.
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return; }
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	local n pid ns
	# keepalived first: its STOP notify still finds wardend.
	for n in a b; do
		[ -n "${KPID[$n]:-}" ] && stop "${KPID[$n]}"
	done
	for n in a b; do
		[ -n "${WPID[$n]:-}" ] && stop "${WPID[$n]}"
	done
	[ -n "$PLC_PID" ] && stop "$PLC_PID"
	# What is left in our namespaces can only be ours (a notify script
	# keepalived started): by PID, then the namespaces go.
	for ns in "${ALL_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$FAILED" -eq 0 ] && [ -z "${WARDEN_KEEP:-}" ]; then
		rm -rf "$D"
	else
		echo "logs kept in $D"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() {
	PASSED=$((PASSED + 1))
	echo "PASS $*"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL $*"
}

# fatal WHAT: the world could not be built; nothing after it can run.
fatal() {
	fail "$*"
	local f
	for f in "$D"/*.log "$D"/*/*.log; do
		[ -e "$f" ] && { echo "---- $f"; tail -n 30 "$f"; }
	done
	exit 1
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling every
# 50 ms; 1 when SECONDS (whole) pass first.
wait_for() {
	local end=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

ctl() { # NODE ARGS...: wardenctl on NODE's control socket
	local n=$1
	shift
	"$D/bin/wardenctl" -s "$D/$n/control.sock" "$@"
}

status_json() { # NODE
	ctl "$1" --json status 2>/dev/null
}

# has_status NODE PATTERN...: NODE's status JSON has every pattern.
has_status() {
	local n=$1 js p
	shift
	js=$(status_json "$n") || return 1
	for p in "$@"; do
		grep -qF -- "$p" <<<"$js" || return 1
	done
}

holds_vip() { # NODE
	ip -n "${NS[$1]}" -4 addr show dev eth0 | grep -qF " $VIP/"
}

ai() { # ai.py ARGS... from the AI's namespace
	ip netns exec "$NS_AI" "$PY" "$SRC/tests/netns/ai.py" "$@"
}

other() {
	[ "$1" = a ] && echo b || echo a
}

# ---- the network

# attach NS NAME IP: a cable from the switch to NS, eth0 there.
attach() {
	ip -n "$NS_SWITCH" link add "p-$2" type veth peer name eth0 \
		netns "$1" &&
		ip -n "$NS_SWITCH" link set "p-$2" master br0 up &&
		ip -n "$1" addr add "$3/24" dev eth0 &&
		ip -n "$1" link set eth0 up
}

build_network() {
	local ns
	for ns in "${ALL_NS[@]}"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip -n "$NS_SWITCH" link add br0 type bridge &&
		ip -n "$NS_SWITCH" link set br0 up &&
		attach "${NS[a]}" a "${PLANT_IP[a]}" &&
		attach "${NS[b]}" b "${PLANT_IP[b]}" &&
		attach "$NS_PLC" plc "$PLC_IP" &&
		attach "$NS_AI" ai "$AI_IP" || return 1
	# The pair link: a cable of its own between a and b.
	ip -n "${NS[a]}" link add pair0 type veth peer name pair0 \
		netns "${NS[b]}" || return 1
	for n in a b; do
		ip -n "${NS[$n]}" addr add "${LINK_IP[$n]}/30" dev pair0 &&
			ip -n "${NS[$n]}" link set pair0 up || return 1
		# wardend binds the virtual address whichever node holds it
		# (as the example asks).
		ip netns exec "${NS[$n]}" sysctl -q -w \
			net.ipv4.ip_nonlocal_bind=1 || return 1
	done
}

# ---- the nodes

# write_config NODE: the node's warden.yaml; both nodes the same but for
# pair.node and the pair link's addresses (heartbeat, peer_timeout and
# sync_timeout keep their defaults).
write_config() {
	local n=$1 peer
	peer=$(other "$n")
	cat >"$D/$n/warden.yaml" <<EOF
mode: enforce
initial_state: auto
listen: $VIP:$MODBUS
state_dir: $D/$n
audit_log: $D/$n/audit.jsonl
control: {socket: $D/$n/control.sock}
devices:
  - {name: tank1, host: $PLC_IP, port: $MODBUS, unit_id: 1,
     timeout: 500ms, poll_interval: 100ms}
points:
  - {name: valve, device: tank1, table: holding, address: 0,
     scale: 0.1, write: {min: 0, max: 100}}
takeover:
  safe_state:
    - {point: valve, value: 0}
pair:
  node: $n
  initial_role: standby
  peer: ${LINK_IP[$peer]}:$PAIR_PORT
  listen: ${LINK_IP[$n]}:$PAIR_PORT
  key_file: $D/pair.key
EOF
}

start_wardend() { # NODE
	local n=$1
	ip netns exec "${NS[$n]}" "$BIN/wardend" -f -c "$D/$n/warden.yaml" \
		>>"$D/$n/wardend.log" 2>&1 &
	WPID[$n]=$!
	wait_for 10 ctl "$n" status >/dev/null 2>&1
}

# kill_wardend NODE: SIGKILL, as a crash; reaped.
kill_wardend() {
	kill -KILL "${WPID[$1]}" 2>/dev/null
	wait "${WPID[$1]}" 2>/dev/null
	WPID[$1]=
}

# keepalived runs the example: its paths pointed at the test's, a short
# advert_int, and node b's two changes where its comments say.
keepalived_conf() { # NODE
	local n=$1
	sed -e "s|/usr/local/bin/wardenctl|$D/bin/wardenctl|g" \
		-e "s|/usr/local/etc/warden/warden-notify|$D/bin/warden-notify -w $D/bin/wardenctl|g" \
		-e "s|/run/warden/control.sock|$D/$n/control.sock|g" \
		-e "s|^\(\s*advert_int\) 1\b|\1 $ADVERT|" \
		"$SRC/config/keepalived.conf.example" >"$D/$n/keepalived.conf"
	if [ "$n" = b ]; then
		sed -i -e 's|router_id gw-a|router_id gw-b|' \
			-e 's|priority 150|priority 100|' "$D/$n/keepalived.conf"
	fi
	# Each change found its line: the example still is what runs.
	grep -q "advert_int $ADVERT" "$D/$n/keepalived.conf" &&
		grep -q "script \"$D/bin/wardenctl -s $D/$n/control.sock health\"" \
			"$D/$n/keepalived.conf" &&
		grep -q "notify \"$D/bin/warden-notify -w $D/bin/wardenctl -s $D/$n/control.sock\"" \
			"$D/$n/keepalived.conf" &&
		{ [ "$n" = a ] || grep -q "priority 100" "$D/$n/keepalived.conf"; }
}

start_keepalived() { # NODE
	local n=$1
	ip netns exec "${NS[$n]}" keepalived -P -n -l -D -G \
		-f "$D/$n/keepalived.conf" -p "$D/$n/keepalived.pid" \
		-r "$D/$n/vrrp.pid" >>"$D/$n/keepalived.log" 2>&1 &
	KPID[$n]=$!
}

# ---- the checks

# failover FROM: kill FROM's wardend; its peer takes the address and
# serves. Sets TO and FAILOVER_MS (empty when no read was answered).
failover() {
	local from=$1 t0
	TO=$(other "$from")
	t0=$(date +%s%N)
	kill_wardend "$from"
	FAILOVER_MS=$(ai first-read "$VIP" "$MODBUS" "$t0" 10) ||
		{ echo "  $FAILOVER_MS"; FAILOVER_MS=; }
	wait_for 5 holds_vip "$TO" && ! holds_vip "$from" &&
		wait_for 5 has_status "$TO" '"role":"active"'
}

# release NODE: the AI in control (AUTO) on the active node.
release() {
	has_status "$1" '"state":"auto"' && return 0
	ctl "$1" release -r "netns test: the AI back in control" >/dev/null &&
		wait_for 5 has_status "$1" '"state":"auto"'
}

# link_not_live NODE: NODE answers, and its status does not show the
# pair link live (lost, after pair.peer_timeout without a word).
link_not_live() {
	local js
	js=$(status_json "$1") || return 1
	! grep -qF '"pair_link":{"link":"live"' <<<"$js"
}

# wait_link_down NODE: NODE has seen the pair link go down (a TCP
# connection over a cut cable notices nothing by itself: the heartbeat
# does), so that a failover now is one without the peer's latest state.
wait_link_down() {
	wait_for 10 link_not_live "$1"
}

# restart NODE: its wardend back; it stands by (its keepalived, running
# all along, says BACKUP once the health check passes again).
restart() {
	start_wardend "$1" &&
		wait_for 10 has_status "$1" '"role":"standby"'
}

# failover_record NODE PEER: NODE's newest failover record is proven, of
# PEER's TAKEOVER, and its peer_head is a record of PEER's own chain;
# prints that record's event.
failover_record() {
	local line head
	line=$(grep -F '"event":"failover"' "$D/$1/audit.jsonl" | tail -n 1)
	grep -qF '"proven":true' <<<"$line" &&
		grep -qF "\"peer\":\"$2\"" <<<"$line" &&
		grep -qF '"peer_state":"takeover"' <<<"$line" || return 1
	head=$(sed -n 's/.*"peer_head":"\([0-9a-f]\{64\}\)".*/\1/p' <<<"$line")
	[ -n "$head" ] && grep -F "\"hash\":\"$head\"" "$D/$2/audit.jsonl" |
		sed -n 's/.*"event":"\([a-z_]*\)".*/\1/p' | grep .
}

writes_from() { # NODE: the writes the PLC received from NODE
	grep -c "\"client\":\"${PLANT_IP[$1]}:[0-9]*\",\"unit\":1,\"fc\":\(5\|6\|15\|16\)," \
		"$D/plc.jsonl"
}

# ---- the world

build_network || fatal "the namespaces, the bridge and the cables could not be built"
mkdir -p "$D/bin" "$D/a" "$D/b"
# keepalived runs root's scripts only from paths no one else can write.
install -m 0755 "$BIN/wardenctl" "$SRC/config/warden-notify" "$D/bin/"

# The pair link's key, as docs/PAIR.md makes it, mode 0600.
(umask 077 && openssl rand -hex 32 >"$D/pair.key") ||
	fatal "openssl rand could not make the pair link's key"
for n in a b; do
	write_config "$n"
done

ip netns exec "$NS_PLC" "$BIN/plcsim" --model tank \
	--listen "$PLC_IP:$MODBUS" --journal "$D/plc.jsonl" \
	>"$D/plcsim.log" 2>&1 &
PLC_PID=$!
wait_for 10 grep -q "listening on" "$D/plcsim.log" || fatal "plcsim did not start"
start_wardend a || fatal "wardend a did not start"
start_wardend b || fatal "wardend b did not start"
# keepalived's check: a standby polling its device is fit to be active.
if ! wait_for 5 ctl a health >/dev/null 2>&1; then
	out=$(ctl a health 2>&1)
	fatal "wardenctl health on standby a: exit $?, not 0 (fit): $(head -n 1 <<<"$out")"
fi

# keepalived's own check of the example: its keywords, and scripts it
# will run (their paths root's alone).
for n in a b; do
	keepalived_conf "$n" ||
		fatal "config/keepalived.conf.example no longer has the lines the test changes (paths, advert_int, node b's)"
	if out=$(keepalived -t -f "$D/$n/keepalived.conf" 2>&1); then
		pass "keepalived -t accepts the example for node $n"
	else
		fatal "keepalived -t refuses the example for node $n: $out"
	fi
done

# A first, alone: it takes the address; then B, which stands by.
start_keepalived a
wait_for 10 holds_vip a || fatal "keepalived a did not take the address"
wait_for 5 has_status a '"role":"active"' ||
	fatal "wardend a was not made active (keepalived's notify)"
start_keepalived b
wait_for 5 grep -q "Entering BACKUP STATE" "$D/b/keepalived.log" ||
	fatal "keepalived b did not stand by"
wait_for 5 has_status b '"role":"standby"' ||
	fatal "wardend b is not standby"

# A became active without proof of b's state: TAKEOVER, failover. The
# operator hands control to the AI; its writes go through.
release a || fatal "release on a refused"
out=$(ai write "$VIP" "$MODBUS" 500)
[ "$out" = ok ] || fatal "the AI's write through the virtual address, a in AUTO: $out"

# ---- a and b: a TAKEOVER on a, then a's wardend killed
TAKEOVER_REASON="netns test: operator takes over before the failover"
ctl a takeover -r "$TAKEOVER_REASON" >/dev/null ||
	fatal "takeover on a refused"
wait_for 5 has_status a '"state":"takeover"' || fatal "a is not in TAKEOVER"
failover a
failed_over=$?
if [ -n "$FAILOVER_MS" ] && [ "$failed_over" -eq 0 ]; then
	pass "a. failover: first AI request served $FAILOVER_MS ms after the kill"
	echo "$(date -u +%FT%TZ) failover: first AI request served" \
		"$FAILOVER_MS ms after the kill (advert_int $ADVERT s," \
		"vrrp_script interval 1 s, fall 2)" >>"$RESULTS"
else
	fail "a. failover: no AI read answered through $VIP within 10 s of the kill, or b did not become active (ms: ${FAILOVER_MS:-none})"
fi
out=$(ai write "$VIP" "$MODBUS" 400)
if [ "$out" = "exception 0x0a" ] && has_status b '"state":"takeover"'; then
	pass "b. the takeover survives the failover: b refuses the AI's first write ($out)"
else
	fail "b. after a takeover on a and the failover, b's first AI write: $out; status: $(status_json b | head -c 300)"
fi
# By proof, not only by failing safe: b holds a's own takeover.
if has_status b '"cause":"operator"' "$TAKEOVER_REASON"; then
	pass "b. b holds a's takeover as a made it (cause operator, a's reason): proven over the pair link"
else
	fail "b. b's takeover is not a's: $(status_json b | head -c 300)"
fi
if event=$(failover_record b a); then
	pass "b. b's failover record is proven and points into a's audit chain (at a's $event record)"
else
	fail "b. b's failover record: $(grep -F '"event":"failover"' "$D/b/audit.jsonl" | tail -n 1)"
fi

# ---- d: a comes back and stands by; the address stays on b
before=$(writes_from a)
if restart a; then
	# Several advert intervals: a preempting node would have taken the
	# address within 3 of them.
	moved=0
	for ((i = 0; i < 20; i++)); do
		holds_vip a && moved=1
		holds_vip b || moved=1
		sleep "$ADVERT"
	done
	if [ "$moved" -eq 0 ] && has_status a '"role":"standby"' &&
		has_status b '"role":"active"'; then
		pass "d. a came back, stands by, and the address stayed on b (20 advert intervals)"
	else
		fail "d. after a came back: a holds the address: $(holds_vip a && echo yes || echo no), b: $(holds_vip b && echo yes || echo no); a: $(status_json a | head -c 200)"
	fi
else
	fail "d. a's wardend, restarted, did not stand by: $(status_json a | head -c 300)"
fi
after=$(writes_from a)
if [ "$after" -eq "$before" ]; then
	pass "d. a wrote nothing to the PLC while it came back"
else
	fail "d. a, coming back while b is active, wrote to the PLC $((after - before)) times"
fi

# ---- e: the pair link up, b AUTO, b's wardend killed: a comes up AUTO
release b || fail "e. release on b refused"
failover b
out=$(ai write "$VIP" "$MODBUS" 450)
if [ "$out" = ok ] && has_status a '"state":"auto"'; then
	pass "e. with the pair link up, a comes up AUTO after b's failover: the AI's write served"
else
	fail "e. with the pair link up, after b's failover: the AI's write: $out; a: $(status_json a | head -c 300)"
fi
restart b || fail "e. b's wardend, restarted, did not stand by: $(status_json b | head -c 300)"

# ---- c: the pair link cut, a (active, AUTO) killed: b comes up TAKEOVER
ip -n "${NS[a]}" link set pair0 down
wait_link_down b || fail "c. b did not see the pair link go down: $(status_json b | head -c 300)"
failover a
out=$(ai write "$VIP" "$MODBUS" 300)
if [ "$out" = "exception 0x0a" ] &&
	has_status b '"state":"takeover"' '"cause":"failover"' '"role":"active"'; then
	pass "c. a failover with the pair link cut comes up in TAKEOVER (failover): b refuses the AI's write ($out)"
else
	fail "c. a failover with the pair link cut: the AI's write: $out; b: $(status_json b | head -c 300)"
fi

# ---- the end: keepalived first, then the wardend still running stops
# cleanly (exit 0 on SIGTERM; a sanitizer's report would make it 1)
for n in a b; do
	stop "${KPID[$n]}"
	KPID[$n]=
done
for n in a b; do
	[ -n "${WPID[$n]}" ] || continue
	if stop "${WPID[$n]}"; then
		pass "wardend $n exits 0 on SIGTERM"
	else
		fail "wardend $n exits $? on SIGTERM"
	fi
	WPID[$n]=
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
