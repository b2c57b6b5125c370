#!/usr/bin/env bash
# story.sh: `make demo`'s screen tells the story, whole. It exits 0 by
# itself within a minute and leaves no process; the AI column is never cut
# mid-word and says why a write was refused; each refused write shows as
# it happens (what the AI asked, the limit, the answer), before the
# takeover; it ends with the safe state verified and the audit log valid.
# Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

OUT=$WORK/demo.out

# Its own session, so whatever it started is found by its process group.
DEMO_ROGUE_AT=3 timeout 60 setsid bash -c \
	'echo $$ >"$1"; exec bash simulators/demo.sh' demo "$WORK/demo.pgid" \
	>"$OUT" 2>&1
rc=$?

# line_of REGEX: the number of the first line of the screen matching it.
line_of() {
	grep -n -E -m 1 -- "$1" "$OUT" | cut -d: -f1
}

exits_by_itself() {
	[ "$rc" -eq 0 ] ||
		{ echo "demo exited $rc (124: still running at 60 s)"; return 1; }
}

# No process is left in the demo's process group.
nothing_left() {
	"$PY" - "$(cat "$WORK/demo.pgid")" <<'PY'
import os, sys
group = int(sys.argv[1])
left = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    if int(stat.rsplit(")", 1)[1].split()[2]) == group:
        left.append(pid)
sys.exit("left running: " + " ".join(left) if left else 0)
PY
}

# Every status row's AI column is a whole aisim line, or ends in "...".
ai_column_whole() {
	local at
	at=$(grep -m 1 'the AI: ' "$OUT" | awk '{ print index($0, "the AI: ") }')
	[ -n "$at" ] || { echo "no header"; return 1; }
	grep -E '^ +[0-9]+s  ' "$OUT" | cut -c"$at"- | grep -v -E \
		-e '-> ok$' \
		-e '-> (refused|failed|acknowledged)[a-z ,:]* \(0x[0-9A-F]{2}\)$' \
		-e '-> exception \(0x[0-9A-F]{2}\)$' \
		-e '-> (error|failed): .*(reconnecting|retrying in 1 s)$' \
		-e '^going rogue: ' -e '^aisim: target ' -e '^stopping$' \
		-e '\.\.\.$' -e '^$' && return 1
	return 0
}

takeover_says_why() {
	grep -E '^ +[0-9]+s  .*TAKEOVER.*write inlet_valve 150\.0% ->'\
' refused: takeover \(0x0A\)$' "$OUT"
}

# The refused writes that led to the takeover ("N violations within"),
# each with its limit and answer, show before the takeover's line, which
# comes before the first TAKEOVER status row.
violations_before_takeover() {
	local event row wanted shown
	event=$(line_of '^ +[0-9.]+s TAKEOVER \(violations\): [0-9]+ violations')
	row=$(line_of '^ +[0-9]+s  .*TAKEOVER, safe state')
	[ -n "$event" ] && [ -n "$row" ] && [ "$event" -lt "$row" ] ||
		{ echo "takeover line $event, first TAKEOVER row $row"; return 1; }
	wanted=$(sed -n "${event}s/.*: \([0-9]*\) violations.*/\1/p" "$OUT")
	shown=$(head -n "$event" "$OUT" |
		grep -c -E 'AI asks .* -> refused \(0x03\)$')
	grep -q -E 'AI asks inlet_valve = 150 % +over max 100 % +->'\
' refused \(0x03\)$' "$OUT" && [ "$shown" -ge "$wanted" ] ||
		{ echo "$shown refusals shown before $wanted violations"; return 1; }
}

# after LINE REGEX: a line after LINE matches.
after() {
	sed -n "$1,\$p" "$OUT" | grep -q -E -- "$2"
}

ends_verified() {
	local rows trail verify
	rows=$(line_of '^ +[0-9]+s  .*TAKEOVER, safe state VERIFIED')
	trail=$(line_of '^== the audit trail of it')
	verify=$(line_of '^== wardenctl audit verify')
	[ -n "$rows" ] && [ -n "$trail" ] && [ -n "$verify" ] &&
		[ "$rows" -lt "$trail" ] && [ "$trail" -lt "$verify" ] &&
		after "$trail" ' takeover  .*cause=violations' &&
		after "$trail" ' safe_state_verified .*point=pump_run' &&
		after "$verify" ': valid: '
}

# The column's cut, on aisim lines longer than it (probe's, say): the
# answer stays whole, the request ends at a word, with "...".
long_lines_cut_at_words() {
	"$PY" -B - <<'PY'
import sys
sys.path.insert(0, "simulators")
from demo_screen import AI_WIDTH, fit
cases = {
    "fc 43 read device identification -> refused: function not allowed (0x01)":
        "fc 43 read... -> refused: function not allowed (0x01)",
    "write holding 0-1 (valve 100%, pump speed 0%) -> refused: address not allowed (0x02)":
        "write holding... -> refused: address not allowed (0x02)",
    "going rogue: out-of-range: writes inlet_valve 150 %, far over its max":
        "going rogue: out-of-range: writes inlet_valve 150 %...",
    "write inlet_valve 150.0% -> refused: takeover (0x0A)":
        "write inlet_valve 150.0% -> refused: takeover (0x0A)",
}
bad = [(line, fit(line, AI_WIDTH), want) for line, want in cases.items()
       if fit(line, AI_WIDTH) != want or len(want) > AI_WIDTH]
for line, got, want in bad:
    print("%r -> %r, wanted %r" % (line, got, want))
sys.exit(1 if bad else 0)
PY
}

check "the demo exits 0 by itself within a minute" exits_by_itself
check "the demo leaves no process behind" nothing_left
check "the AI column is never cut mid-word" ai_column_whole
check "a long AI line keeps its answer, its request cut at a word" \
	long_lines_cut_at_words
check "the AI column says the takeover refused its writes" takeover_says_why
check "each refused write shows live, before the takeover" \
	violations_before_takeover
check "it ends with the safe state verified and a valid audit log" \
	ends_verified
finish
