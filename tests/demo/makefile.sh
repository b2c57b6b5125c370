#!/usr/bin/env bash
# makefile.sh: what the Makefile installs per target and what it prints.
# `make demo` installs only what the demo needs (no test or bench peer);
# `make check` installs every peer the tests run, pymodbus with the two
# Recommends it cannot import its client and server without; `make bench`
# haproxy; `make deps` all of it. A build prints one short line per file,
# the full command with V=1, and a failing command always shows.
# Prints "N passed, N failed" last; non-zero on failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

# make as a user runs it in a clean shell: no V=1, -n or SAN=1 from a make
# around the test (its command-line variables reach us in the environment).
mk() {
	env -i PATH="$PATH" HOME="${HOME:-/}" TMPDIR="${TMPDIR:-/tmp}" \
		make --no-print-directory "$@"
}

# The Debian packages each target would install: make -n runs the
# sub-makes with -n too, so the deps-* recipes print their lists.
declare -A LISTS
for target in demo check bench deps; do
	LISTS[$target]=$(mk -n "$target" |
		sed -n 's/.*for p in \([^;]*\); do.*/\1/p' | tr ' ' '\n' | sort -u)
done

# has TARGET PACKAGE...: TARGET installs each.
has() {
	local target=$1 p
	shift
	for p in "$@"; do
		grep -qx -- "$p" <<<"${LISTS[$target]}" ||
			{ echo "$target lacks $p"; return 1; }
	done
}

# lacks TARGET PACKAGE...: TARGET installs none of them.
lacks() {
	local target=$1 p
	shift
	for p in "$@"; do
		grep -qx -- "$p" <<<"${LISTS[$target]}" &&
			{ echo "$target installs $p"; return 1; }
	done
	return 0
}

# deps_covers TARGET: make deps installs everything TARGET does.
deps_covers() {
	[ -n "${LISTS[$1]}" ] && has deps ${LISTS[$1]}
}

PEERS="haproxy mbpoll python3-pymodbus libcmocka-dev clang llvm man-db"
BUILD="gcc make pkg-config libmodbus-dev libev-dev libcyaml-dev libyaml-dev
	libssl-dev"

# documented LIST: README's table names the packages the Makefile's LIST has.
documented() {
	local made readme
	made=$(mk -s --eval 'print-%: ; @echo $($*)' "print-$1" | tr ' ' '\n' |
		sed '/^$/d' | sort)
	readme=$(sed -n "s/^| \`$1\` | \([^|]*\) |.*/\1/p" README.md |
		tr ' ' '\n' | sed '/^$/d' | sort)
	[ -n "$made" ] && [ "$made" = "$readme" ] ||
		{ echo "Makefile: $made"; echo "README.md: $readme"; return 1; }
}

# A one-object build into a scratch dir: quiet, verbose, failing.
OBJ=$WORK/b/simulators/rng.o
build_quiet() {
	local out
	out=$(mk B="$WORK/b" "$OBJ" 2>&1) || return 1
	echo "$out"
	[ "$out" = "  CC    $OBJ" ]
}
build_verbose() {
	rm -f "$OBJ"
	mk B="$WORK/b" V=1 "$OBJ" 2>&1 |
		grep -q -- "-Werror .* -c -o $OBJ simulators/rng.c"
}
build_failure_shows() {
	local out
	rm -f "$OBJ"
	out=$(mk B="$WORK/b" CC="sh -c 'echo broken >&2; exit 1' cc" "$OBJ" 2>&1) &&
		return 1
	echo "$out"
	grep -q '^broken$' <<<"$out" && grep -q 'Error 1' <<<"$out"
}

check "make demo builds with the build's packages and python3" \
	has demo $BUILD libc6-dev python3
check "make demo installs no test or bench peer" lacks demo $PEERS
check "make check installs pymodbus and its Recommends" \
	has check python3-pymodbus python3-serial-asyncio python3-serial
check "make check installs the peers, cmocka and the sanitizer tools" \
	has check $BUILD mbpoll libcmocka-dev clang libclang-rt-14-dev llvm man-db
check "make check installs keepalived and iproute2 for the pair's test" \
	has check keepalived iproute2
check "make check installs no bench peer" lacks check haproxy
check "make bench installs haproxy" has bench $BUILD haproxy
check "make deps installs what check, demo and bench do" \
	eval 'deps_covers check && deps_covers demo && deps_covers bench'
for list in DEB_BUILD DEB_DEMO DEB_TEST DEB_SAN DEB_BENCH; do
	check "README lists the packages of $list" documented "$list"
done
check "a build prints one short line per file" build_quiet
check "V=1 prints the compiler's command" build_verbose
check "a failing command shows its error" build_failure_shows
finish
