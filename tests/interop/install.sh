#!/usr/bin/env bash
# install.sh: `make install PREFIX=/usr DESTDIR=...` into a temp dir puts
# every file where a packager and an operator look for it: the programs
# (the very binaries under test), warden-console's PAM service, the man
# pages (which man renders
# without a warning), the systemd unit pointing at the installed wardend,
# the example config, which the installed wardend -t accepts, and the
# pair's keepalived example and notify script.
# Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

ROOT=$WORK/root
PREFIX=/usr

# Install the build under test: the sanitizer one when WARDEN_BIN is it
# and make did not say so already (make SAN=1 passes it on in MAKEFLAGS).
MAKE_ARGS=(PREFIX="$PREFIX" DESTDIR="$ROOT")
case "$BIN" in
*build-san) [[ "${MAKEFLAGS:-}" == *SAN=1* ]] ||
	MAKE_ARGS+=(SAN=1 CC=clang) ;;
esac
make --no-print-directory install "${MAKE_ARGS[@]}" >"$WORK/install.log" 2>&1 ||
	die "make install failed (see install.log)"

# installed PATH MODE: a regular file with that mode.
installed() {
	[ -f "$ROOT$1" ] && [ "$(stat -c %a "$ROOT$1")" = "$2" ]
}

check "wardend in sbin, 0755" installed $PREFIX/sbin/wardend 755
check "wardenctl in bin, 0755" installed $PREFIX/bin/wardenctl 755
check "the binaries installed are the ones tested" \
	cmp "$ROOT$PREFIX/sbin/wardend" "$BIN/wardend"
check "warden-console in sbin, 0755" installed $PREFIX/sbin/warden-console 755
check "the console installed is the one tested" \
	cmp "$ROOT$PREFIX/sbin/warden-console" "$BIN/warden-console"
check "the console's PAM service in /etc/pam.d, 0644" \
	installed /etc/pam.d/warden-console 644
for page in man8/wardend.8 man8/wardenctl.8 man8/warden-console.8 \
	man5/warden.yaml.5; do
	check "$page installed, 0644" installed "$PREFIX/share/man/$page" 644
done

UNIT=$ROOT$PREFIX/lib/systemd/system/wardend.service
check "systemd unit installed" test -f "$UNIT"
check "the unit starts the installed wardend" \
	grep -q "^ExecStart=$PREFIX/sbin/wardend " "$UNIT"
unit_is_notify() {
	grep -qx 'Type=notify' "$UNIT" &&
		grep -q '^WatchdogSec=[0-9]' "$UNIT" &&
		grep -qx 'User=warden' "$UNIT"
}
check "the unit is Type=notify with a watchdog, as user warden" unit_is_notify

# The example config: under the sysconfdir make chose.
EXAMPLE=$(find "$ROOT" -path '*/warden/warden.yaml.example' -print -quit)
check "example config installed" test -n "$EXAMPLE"
check "example config is the annotated one" cmp "$EXAMPLE" config/warden.yaml

# The pair's keepalived example and its notify script, beside the
# example config, each pointing at what was installed.
NOTIFY=$(find "$ROOT" -path '*/warden/warden-notify' -print -quit)
KEEPALIVED=${NOTIFY%/*}/keepalived.conf.example
check "warden-notify installed, 0755" eval '[ -n "$NOTIFY" ] &&
	[ "$(stat -c %a "$NOTIFY")" = 755 ]'
check "warden-notify runs the installed wardenctl" \
	grep -qx "wardenctl=$PREFIX/bin/wardenctl" "$NOTIFY"
check "keepalived.conf.example installed beside it, 0644" \
	eval '[ "$(stat -c %a "$KEEPALIVED")" = 644 ]'
check "the keepalived example runs the installed wardenctl and warden-notify" \
	eval 'grep -q "script \"$PREFIX/bin/wardenctl " "$KEEPALIVED" &&
		grep -q "notify \"${NOTIFY#"$ROOT"} " "$KEEPALIVED"'

# wardend -t: exit 0 and "configuration OK" on stdout.
config_ok() {
	local out
	out=$("$ROOT$PREFIX/sbin/wardend" -t -c "$1") || return 1
	grep -q '^configuration OK' <<<"$out"
}
check "installed wardend -t accepts config/warden.yaml" \
	config_ok config/warden.yaml
[ -n "$EXAMPLE" ] &&
	check "installed wardend -t accepts the example" config_ok "$EXAMPLE"
check "installed wardenctl runs (--help)" "$ROOT$PREFIX/bin/wardenctl" --help

# renders PAGE: man formats it, prints text, and warns about nothing.
renders() {
	local err
	err=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >"$WORK/page.txt") ||
		return 1
	[ -z "$err" ] || { echo "$1: $err"; return 1; }
	grep -q NAME "$WORK/page.txt"
}
if command -v man >/dev/null 2>&1; then
	for page in man8/wardend.8 man8/wardenctl.8 man8/warden-console.8 \
		man5/warden.yaml.5; do
		check "man -l renders $page without warnings" \
			renders "$ROOT$PREFIX/share/man/$page"
	done
else
	echo "skip man -l: man is not installed"
fi

finish
