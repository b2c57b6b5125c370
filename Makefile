# Modbus Warden. GNU make; see README.md.
#   make deps    install every Debian package below (only those missing)
#   make         build wardend, wardenctl, plcsim, aisim, warden-console
#                into build/
#   make check   the layer check, unit, integration, interop and demo tests,
#                the redundant pair in network namespaces (root), then
#                under ASan/UBSan
#   make check-layers  daemon/ keeps the layer order of tests/layers.txt
#   make demo    simulated plant + wardend + aisim
#   make bench   gateway benchmarks against a direct connection and haproxy,
#                the safety benchmarks and the serial (RTU) figure
#                (BENCH_ARGS="--before-bin OLD/wardend" adds an A/B run)
#   make fuzz    libFuzzer targets, FUZZ_SECONDS each (default 300)
#   make install PREFIX=/usr/local DESTDIR=
#   V=1          show every command (by default one short line per file)
#
# Debian 12 packages, one list per purpose. Each target installs the lists
# it needs, and only the packages missing (deps-build, deps-demo,
# deps-check, deps-bench; `make deps` all of them), without Recommends: a
# package that needs one of its Recommends names it here.
#   DEB_BUILD  compiler, pkg-config and the libraries wardend links;
#              libmicrohttpd-dev and libpam0g-dev for warden-console
#   DEB_DEMO   what simulators/demo.sh runs besides the build
#   DEB_TEST   what the tests run: cmocka, the interop peers (mbpoll;
#              python3-pymodbus 3.0 imports its client and server only with
#              its Recommends python3-serial-asyncio and python3-serial),
#              man-db for the man page check in tests/interop/install.sh,
#              openssl for the test certificates (tests/certs.sh);
#              chromium, chromium-driver and python3-selenium for the
#              console's browser test (tests/browser/); socat for the
#              pseudo-terminal pairs of the serial (RTU) tests and
#              bench-rtu; keepalived and iproute2 (ip netns, veth,
#              bridge) for the redundant pair's test (tests/netns/)
#   DEB_SAN    clang and its sanitizer and libFuzzer runtimes (check and
#              fuzz, deps-fuzz); llvm for llvm-symbolizer, so a sanitizer
#              report names file and line
#   DEB_BENCH  the peer the benchmarks compare against; socat for
#              bench-rtu's pseudo-terminal pair
DEB_BUILD = gcc libc6-dev make pkg-config libmodbus-dev libev-dev \
	libcyaml-dev libyaml-dev libssl-dev libmicrohttpd-dev libpam0g-dev
DEB_DEMO = python3
DEB_TEST = libcmocka-dev python3 mbpoll python3-pymodbus python3-serial \
	python3-serial-asyncio man-db openssl chromium chromium-driver \
	python3-selenium socat keepalived iproute2
DEB_SAN = clang libclang-rt-14-dev llvm
DEB_BENCH = haproxy socat
DEB_PACKAGES = $(sort $(DEB_BUILD) $(DEB_DEMO) $(DEB_TEST) $(DEB_SAN) \
	$(DEB_BENCH))

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)

CC ?= cc
PKG_CONFIG ?= pkg-config
PYTHON ?= /usr/bin/python3
# Parallel builds (never parallel tests): one job per core.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# SAN=1 builds everything with AddressSanitizer and UBSan into build-san/.
ifeq ($(SAN),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
OPT = -O1
else
B ?= build
SANFLAGS =
OPT = -O2
endif

PKGS = libmodbus libcyaml yaml-0.1 libssl libcrypto
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# libev-dev ships no pkg-config file.
EV_LIBS = -lev

# V=1 shows every command; by default one short line per file, as kbuild.
ifeq ($(V),1)
Q =
SAY = @:
APT_OUT =
else
Q = @
SAY = @printf '  %-5s %s\n'
APT_OUT = >"$$log" 2>&1
endif

WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2
CFLAGS ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) \
	$(SANFLAGS) $(PKG_CFLAGS) -Idaemon -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) $(EV_LIBS) -lm -pthread

# Every daemon module but the two mains goes into one archive the tests
# and fuzz targets link against.
DAEMON_MAINS = daemon/wardend.c daemon/wardenctl.c
DAEMON_SRCS = $(filter-out $(DAEMON_MAINS), $(wildcard daemon/*.c))
DAEMON_OBJS = $(DAEMON_SRCS:%.c=$(B)/%.o)
LIBWARDEN = $(B)/libwarden.a

SIM_COMMON_SRCS = $(filter-out simulators/plcsim.c simulators/aisim.c, \
	$(wildcard simulators/*.c))
SIM_COMMON_OBJS = $(SIM_COMMON_SRCS:%.c=$(B)/%.o)

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:%.c=$(B)/%)
INTEG_SUPPORT_SRCS = $(filter-out tests/integration/test_%.c, \
	$(wildcard tests/integration/*.c))
INTEG_SUPPORT_OBJS = $(INTEG_SUPPORT_SRCS:%.c=$(B)/%.o)
INTEG_SRCS = $(wildcard tests/integration/test_*.c)
INTEG_BINS = $(INTEG_SRCS:%.c=$(B)/%)
BENCH_SRCS = $(filter-out tests/bench/audit_bench.c tests/bench/policy_bench.c, \
	$(wildcard tests/bench/*.c))
BENCH_OBJS = $(BENCH_SRCS:%.c=$(B)/%.o)
# The safety benchmarks (policy, audit, takeover latency, floods): a second
# program, so each stays one thing.
SAFETY_BENCH_SRCS = $(wildcard tests/bench-safety/*.c)
SAFETY_BENCH_OBJS = $(SAFETY_BENCH_SRCS:%.c=$(B)/%.o)
# The RTU figure (issue 13): a program of its own, over pty pairs.
RTU_BENCH_OBJS = $(B)/tests/bench-rtu/bench_rtu.o

# warden-console (daemon/console/): the operators' web console, a
# program of its own that reaches wardend only through the control
# socket. It links what it needs of libwarden.a (json, log, buf, net,
# privdrop, control_proto), libmicrohttpd and PAM. Its page, script and
# style (daemon/console/www/) are compiled in by www/embed.sh.
CONSOLE_SRCS = $(wildcard daemon/console/*.c)
CONSOLE_OBJS = $(CONSOLE_SRCS:%.c=$(B)/%.o) \
	$(B)/daemon/console/console_assets.o
CONSOLE_WWW = $(sort $(wildcard daemon/console/www/*.html \
	daemon/console/www/*.js daemon/console/www/*.css \
	daemon/console/www/*.svg))
CONSOLE_CFLAGS = $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null) \
	-Idaemon/console
# PAM ships no pkg-config file.
CONSOLE_LIBS = $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null) -lpam
# ASan intercepts crypt_r(), which pam_unix calls from libcrypt; loaded
# only with pam_unix (dlopen), libcrypt comes too late for the
# interceptor, which then calls NULL. Linked from the start it does not.
ifeq ($(SAN),1)
CONSOLE_LIBS += -Wl,--push-state,--no-as-needed -lcrypt -Wl,--pop-state
endif

PROGRAMS = $(B)/wardend $(B)/wardenctl $(B)/plcsim $(B)/aisim \
	$(B)/warden-console

.PHONY: all deps deps-build deps-demo deps-check deps-bench deps-fuzz check test-unit \
	test-integration test-interop test-demo test-browser test-netns check-san \
	build-tests \
	check-layers demo bench fuzz fuzz-run fuzz-smoke install uninstall clean

# Keep the test programs' objects: make would delete them as intermediate,
# an "rm" line each in the log and a recompile on the next run.
.SECONDARY:

all: $(PROGRAMS)

# $(call deb_install,PACKAGES): apt-get installs those not installed yet,
# a no-op when none is missing. apt's output shows with V=1 or on failure.
define deb_install
@missing=""; for p in $(sort $(1)); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q 'ok installed' || missing="$$missing $$p"; \
done; \
[ -n "$$missing" ] || exit 0; \
echo "deps: installing$$missing"; \
if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
elif command -v sudo >/dev/null; then sudo=sudo; \
else echo "deps: run as root or with sudo to install$$missing" >&2; \
	exit 1; fi; \
log=$$(mktemp); \
if { $$sudo apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $$missing; } $(APT_OUT); then \
	rm -f "$$log"; \
else cat "$$log" >&2; rm -f "$$log"; \
	echo "deps: apt-get failed to install$$missing" >&2; exit 1; fi
endef

deps:
	$(call deb_install,$(DEB_PACKAGES))

deps-build:
	$(call deb_install,$(DEB_BUILD))

deps-demo:
	$(call deb_install,$(DEB_BUILD) $(DEB_DEMO))

deps-check:
	$(call deb_install,$(DEB_BUILD) $(DEB_TEST) $(DEB_SAN))

deps-bench:
	$(call deb_install,$(DEB_BUILD) $(DEB_BENCH))

deps-fuzz:
	$(call deb_install,$(DEB_BUILD) $(DEB_SAN))

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(SAY) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBWARDEN): $(DAEMON_OBJS)
	@mkdir -p $(@D)
	$(SAY) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/wardend: $(B)/daemon/wardend.o $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/wardenctl: $(B)/daemon/wardenctl.o $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/daemon/console/%.o: ALL_CFLAGS += $(CONSOLE_CFLAGS)
$(B)/tests/unit/test_console_%.o: ALL_CFLAGS += $(CONSOLE_CFLAGS)

$(B)/daemon/console/console_assets.c: daemon/console/www/embed.sh \
		$(CONSOLE_WWW)
	@mkdir -p $(@D)
	$(SAY) GEN $@
	$(Q)sh daemon/console/www/embed.sh $@ $(CONSOLE_WWW)

$(B)/daemon/console/console_assets.o: $(B)/daemon/console/console_assets.c
	$(SAY) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/warden-console: $(CONSOLE_OBJS) $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CONSOLE_LIBS) $(LIBS)

$(B)/plcsim: $(B)/simulators/plcsim.o $(SIM_COMMON_OBJS)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/aisim: $(B)/simulators/aisim.o $(SIM_COMMON_OBJS)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

# test_device fails the daemon's realloc() calls on demand: its seam for
# an out-of-memory (see the file).
$(B)/tests/unit/test_device: ALL_LDFLAGS += -Wl,--wrap=realloc
# test_hot_path counts the allocations of an AI request's way through.
$(B)/tests/unit/test_hot_path: ALL_LDFLAGS += -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc
# test_audit_batch counts the writes, looks and allocations of a batch
# and fails a write or an allocation on demand (see the file).
$(B)/tests/unit/test_audit_batch: ALL_LDFLAGS += -Wl,--wrap=write \
	-Wl,--wrap=statx -Wl,--wrap=malloc -Wl,--wrap=calloc \
	-Wl,--wrap=realloc

# Each of the console's pure parts has a suite of its own name:
# test_console_trend tests daemon/console/console_trend.c.
$(B)/tests/unit/test_console_%: $(B)/tests/unit/test_console_%.o \
		$(B)/daemon/console/console_%.o $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

# console_action names rights as console_session does.
$(B)/tests/unit/test_console_action: $(B)/daemon/console/console_session.o

# The simulators' pure parts (framing, holes) have their own unit tests.
$(B)/tests/unit/test_sim_%: $(B)/tests/unit/test_sim_%.o $(SIM_COMMON_OBJS) \
		$(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

$(B)/tests/integration/%: $(B)/tests/integration/%.o $(INTEG_SUPPORT_OBJS) \
		$(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

$(B)/bench: $(BENCH_OBJS) $(INTEG_SUPPORT_OBJS) $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lpthread

$(B)/bench-safety: $(SAFETY_BENCH_OBJS) $(B)/tests/bench/policy_bench.o \
		$(B)/tests/bench/audit_bench.o $(B)/tests/bench/bench_proc.o \
		$(B)/tests/bench/bench_tls.o $(INTEG_SUPPORT_OBJS) $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lpthread

$(B)/bench-rtu: $(RTU_BENCH_OBJS) $(INTEG_SUPPORT_OBJS) $(LIBWARDEN)
	$(SAY) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The tests find the programs through these variables.
TEST_ENV = WARDEN_BIN=$(CURDIR)/$(B) WARDEN_SRC=$(CURDIR) PYTHON=$(PYTHON)

test-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $(TEST_ENV) $$t; done

test-integration: $(PROGRAMS) $(INTEG_BINS)
	@set -e; for t in $(INTEG_BINS); do echo "== $$t"; $(TEST_ENV) $$t; done

test-interop: $(PROGRAMS)
	@set -e; for t in tests/interop/*.sh; do echo "== $$t"; \
		$(TEST_ENV) bash $$t; done

# warden-console in headless Chromium, and its refusals, against plcsim
# and wardend; adds and removes test users, so run as root. Once, in
# `make check` only: not again under check-san.
test-browser: $(PROGRAMS)
	@set -e; for t in tests/browser/test_*.py; do echo "== $$t"; \
		$(TEST_ENV) $(PYTHON) $$t; done

# The demo's story and the Makefile's promises (packages, quiet build).
test-demo: $(PROGRAMS)
	@set -e; for t in tests/demo/*.sh; do echo "== $$t"; \
		$(TEST_ENV) bash $$t; done

# The redundant pair (two wardends, two keepalived, plcsim, the AI) in
# network namespaces: root only, skipped with a line saying why without
# root, namespaces or keepalived. In `make check`, and again under
# ASan/UBSan (check-san): the pair link over a real network.
test-netns: $(PROGRAMS)
	@set -e; for t in tests/netns/*.sh; do echo "== $$t"; \
		$(TEST_ENV) bash $$t; done

check-san:
	$(MAKE) -j$(JOBS) SAN=1 CC=clang build-tests
	$(MAKE) SAN=1 CC=clang test-unit test-integration test-interop \
		test-netns

# Everything the tests run, built in parallel; the tests themselves run
# one at a time.
build-tests: $(PROGRAMS) $(UNIT_BINS) $(INTEG_BINS)

# The layer order of daemon/ (tests/layers.txt, docs/ARCHITECTURE.md)
# against every #include and, with nm, every symbol the objects share;
# the checker first shows that each of its checks fails on a breach.
check-layers: all
	@$(PYTHON) tests/layers.py --self-test
	@$(PYTHON) tests/layers.py --objs $(B)/daemon

check:
	@$(MAKE) --no-print-directory deps-check
	$(MAKE) -j$(JOBS) build-tests
	$(MAKE) check-layers
	$(MAKE) test-unit
	$(MAKE) test-integration
	$(MAKE) test-interop
	$(MAKE) test-demo
	$(MAKE) test-browser
	$(MAKE) test-netns
	$(MAKE) check-san
	$(MAKE) fuzz-smoke

# The demo's screen is its story: the build is silent unless V=1 (or a
# compiler error), and says one line only when there is something to build.
demo:
	@$(MAKE) --no-print-directory deps-demo
	@$(MAKE) --no-print-directory -q all || { \
		echo "== building wardend, wardenctl, plcsim, aisim into $(B)/"; \
		$(MAKE) --no-print-directory all SAY=@:; }
	@$(TEST_ENV) bash simulators/demo.sh

bench:
	@$(MAKE) --no-print-directory deps-bench
	$(MAKE) all $(B)/bench $(B)/bench-safety $(B)/bench-rtu
	$(TEST_ENV) $(B)/bench $(BENCH_ARGS)
	$(TEST_ENV) $(B)/bench-safety
	$(TEST_ENV) $(B)/bench-rtu

# libFuzzer targets: tests/fuzz/fuzz_*.c, seeds in tests/fuzz/corpus/NAME/.
FUZZ_SECONDS ?= 300
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SAN = address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g -O1 \
	$(PKG_CFLAGS) -Idaemon
# The daemon's sources are compiled once, instrumented for the fuzzer but
# without its main(), into one archive every target links: seven targets
# no longer compile the whole daemon seven times.
FUZZ_OBJS = $(DAEMON_SRCS:%.c=build-fuzz/obj/%.o)
FUZZ_LIB = build-fuzz/libwarden-fuzz.a

build-fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(SAY) CC $@
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
		-MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(SAY) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $^ $(LIBS)

-include $(FUZZ_OBJS:.o=.d)

fuzz:
	@$(MAKE) --no-print-directory deps-fuzz
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do n=$$(basename $$f); \
		mkdir -p build-fuzz/corpus-$$n; \
		echo "== $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			build-fuzz/corpus-$$n tests/fuzz/corpus/$$n; done

# In `make check`: each target briefly over its corpus; `make fuzz` is the
# long run.
fuzz-smoke:
	$(MAKE) -j$(JOBS) $(FUZZ_BINS)
	$(MAKE) fuzz-run FUZZ_SECONDS=10

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/warden
	install -m 0755 $(B)/wardend $(DESTDIR)$(SBINDIR)/wardend
	install -m 0755 $(B)/wardenctl $(DESTDIR)$(BINDIR)/wardenctl
	install -m 0755 $(B)/plcsim $(DESTDIR)$(BINDIR)/plcsim
	install -m 0755 $(B)/aisim $(DESTDIR)$(BINDIR)/aisim
	install -m 0755 $(B)/warden-console $(DESTDIR)$(SBINDIR)/warden-console
	install -d $(DESTDIR)$(SYSCONFDIR)/pam.d
	install -m 0644 config/warden-console.pam \
		$(DESTDIR)$(SYSCONFDIR)/pam.d/warden-console
	install -m 0644 config/warden.yaml \
		$(DESTDIR)$(SYSCONFDIR)/warden/warden.yaml.example
	sed -e 's|/usr/local/bin|$(BINDIR)|g' \
		-e 's|/usr/local/etc|$(SYSCONFDIR)|g' \
		config/keepalived.conf.example > \
		$(DESTDIR)$(SYSCONFDIR)/warden/keepalived.conf.example
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/warden/keepalived.conf.example
	sed -e 's|/usr/local/bin|$(BINDIR)|g' config/warden-notify > \
		$(DESTDIR)$(SYSCONFDIR)/warden/warden-notify
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/warden/warden-notify
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local|$(PREFIX)|g' config/wardend.service > \
		$(DESTDIR)$(PREFIX)/lib/systemd/system/wardend.service
	for m in docs/*.8; do [ -e "$$m" ] && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/ || true; done
	for m in docs/*.5; do [ -e "$$m" ] && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/ || true; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/wardend $(DESTDIR)$(BINDIR)/wardenctl \
		$(DESTDIR)$(BINDIR)/plcsim $(DESTDIR)$(BINDIR)/aisim \
		$(DESTDIR)$(SBINDIR)/warden-console \
		$(DESTDIR)$(SYSCONFDIR)/pam.d/warden-console \
		$(DESTDIR)$(SYSCONFDIR)/warden/keepalived.conf.example \
		$(DESTDIR)$(SYSCONFDIR)/warden/warden-notify

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
