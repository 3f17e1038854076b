# kstamp: stamp_refl.ko, the BPF objects and stampnl.
#
#   make                 build all three (module against KDIR, see below)
#   make check           install test dependencies, run the whole test suite
#   make demo            a real STAMP measurement, reflector in a VM
#   make modules-all     the module (and the VM tests' keeper, tests/vm/keep/)
#                        for every kernel with headers installed
#   make checkpatch      kernel coding style of kmod/ (--strict), UAPI, tools
#   make kernel-checks   W=1 build, sparse and kernel-doc of the module
#   make regen           the UAPI header and kmod/netlink-gen.[ch] from the
#                        netlink spec (scripts/ynl-gen.sh: the kernel's
#                        ynl-gen-c.py); commit them with the spec
#   make bench           the benchmarks, in a VM, on the installed kernels:
#                        bench/results/latest.{txt,json} (BENCH_KERNELS=6.1)
#   make bench-build     only build what the benchmarks run
#   make mutation        mutation testing of the unit tests (about 40 min):
#                        bench/results/mutation.txt (MUTATION_ARGS="-j2 FILE")
#   make install         stampnl, its man pages and bash completion, the SNMP
#                        subagent with its MIB and systemd units
#                        (PREFIX=/usr/local, DESTDIR honored); uninstall
#   make dkms-install    stamp_refl under DKMS for every kernel with headers
#   make dkms-uninstall  remove every kstamp version from DKMS
#   make deb             kstamp-dkms and stampnl .deb packages into build/deb/
#                        (DEB_VERSION=... to build another version)
#
# KDIR defaults to /lib/modules/$(uname -r)/build; where that does not exist
# (a host without headers for its running kernel), to the newest installed
# Debian headers, saying so. KVER=... picks /lib/modules/KVER/build instead.

SRC := $(CURDIR)
BUILD := $(SRC)/build

ifeq ($(origin KDIR),undefined)
ifeq ($(KVER),)
KVER := $(shell uname -r)
ifeq ($(wildcard /lib/modules/$(KVER)/build),)
KVER_RUNNING := $(KVER)
KVER := $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | \
		tail -n 1 | cut -d/ -f4)
ifeq ($(filter deps dkms-% install uninstall,$(MAKECMDGOALS)),)
$(info kstamp: no headers for the running kernel $(KVER_RUNNING); building against the newest installed: $(or $(KVER),none))
endif
endif
endif
KDIR := /lib/modules/$(KVER)/build
else
KVER ?= $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
endif

MOD_BUILD := $(BUILD)/kmod-$(KVER)
MODULE := $(MOD_BUILD)/kmod/stamp_refl.ko

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))

all: module bpf tools

# Kbuild writes objects next to the sources: build each kernel in its own
# tree of links so 6.1 and 6.12 builds never clobber each other.
module:
	@test -d "$(KDIR)" || { echo "kstamp: no kernel build tree at KDIR=$(KDIR) (apt-get install linux-headers-amd64, or scripts/deps.sh --build)" >&2; exit 1; }
	@mkdir -p $(MOD_BUILD)
	@cp -rsf $(SRC)/Kbuild $(SRC)/VERSION $(SRC)/kmod $(SRC)/lib $(SRC)/include $(MOD_BUILD)/
	$(MAKE) -C $(KDIR) M=$(MOD_BUILD) modules
	@echo "kstamp: built $(MODULE)"

# the VM tests' keeper of netfilter's netdev hooks (tests/vm/keep/): a test
# module, built beside stamp_refl.ko for tests/vm/suite.sh, never installed
keep:
	@mkdir -p $(MOD_BUILD)/keep
	@cp -rsf $(SRC)/tests/vm/keep/. $(MOD_BUILD)/keep/
	$(MAKE) -C $(KDIR) M=$(MOD_BUILD)/keep modules

modules-all:
	@for d in $$(ls -d /lib/modules/*/build); do \
		$(MAKE) --no-print-directory module keep KDIR=$$d \
			KVER=$$(echo $$d | cut -d/ -f4) || exit 1; \
	done

# TC programs: uapi headers and libbpf's bpf_helpers.h only (they touch
# __sk_buff and packet bytes, nothing that needs BTF), skeletons for stampnl.
bpf: $(BPF_OBJS) $(BPF_SKELS)

BPF_CFLAGS := -g -O2 -target bpf -Wall -Ibpf -Iinclude \
	-I/usr/include/$(shell gcc -dumpmachine)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/uapi/linux/stamp_wire.h
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	bpftool gen skeleton $< > $@.tmp
	mv $@.tmp $@

tools: bpf
	$(MAKE) -C tools OBJDIR=$(BUILD)/tools BPFDIR=$(BUILD)/bpf
	$(MAKE) -C snmp OBJDIR=$(BUILD)/snmp TOOLSDIR=$(BUILD)/tools

# The benchmark's programs and its TC observer; `make bench` runs them in
# the VM through bench/run.sh.
BENCH_DIR := $(BUILD)/bench

$(BENCH_DIR)/bench_obs.bpf.o: bench/bench_obs.bpf.c bench/bench_obs.h include/uapi/linux/stamp_wire.h
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -Ibench -c $< -o $@

$(BENCH_DIR)/bench_obs.skel.h: $(BENCH_DIR)/bench_obs.bpf.o
	bpftool gen skeleton $< > $@.tmp
	mv $@.tmp $@

bench-build: modules-all tools $(BENCH_DIR)/bench_obs.skel.h
	$(MAKE) -C bench OBJDIR=$(BENCH_DIR) BPFDIR=$(BENCH_DIR)

bench: bench-build
	bash bench/run.sh

deps:
	bash scripts/deps.sh

check:
	bash tests/run.sh

demo:
	bash tests/demo.sh

checkpatch:
	bash tests/checkpatch.sh

kernel-checks:
	bash tests/kernel_checks.sh

regen:
	bash scripts/ynl-gen.sh

# the wire codec under libFuzzer for an hour (FUZZ_SECONDS to change it)
fuzz:
	$(MAKE) -C tests/fuzz long

# Operator-replacement mutants of the unit-tested sources, each built into
# the cmocka tests that link it and run (tests/mutation/mutate.py --help).
MUTATION_ARGS ?= -j2
mutation:
	python3 tests/mutation/mutate.py $(MUTATION_ARGS)

# KUnit and the VM tests on the debug kernel (KASAN, lockdep, kmemleak)
proving-ground:
	bash tests/debug_kernel.sh full

# stress.sh alone on the debug kernel after KUnit, as CI runs it
stress-debug:
	bash tests/debug_kernel.sh stress

clean:
	rm -rf $(BUILD)

# stampnl and its documentation; the module goes in with DKMS (below) or
# by hand from build/kmod-KVER/.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/kstamp
MIBDIR ?= $(PREFIX)/share/snmp/mibs
UNITDIR ?= $(PREFIX)/lib/systemd/system
AGENTX_UNITS := kstamp-agentx.service kstamp-agentx@.service
MONITOR_UNITS := stampnl-monitor.service
PROM_EXAMPLES := stamp-reflector-prom.service stamp-reflector-prom.timer \
	stamp-reflector-prom.cron stamp-sender-prom@.service
INSTALLED := $(SBINDIR)/stampnl $(MANDIR)/man8/stampnl.8 \
	$(MANDIR)/man4/stamp_refl.4 $(BASHCOMPDIR)/stampnl \
	$(DOCDIR)/examples/modules-load.d/stamp_refl.conf \
	$(DOCDIR)/examples/modprobe.d/stamp_refl.conf \
	$(addprefix $(DOCDIR)/examples/prometheus/,$(PROM_EXAMPLES)) \
	$(SBINDIR)/kstamp-agentx $(MANDIR)/man8/kstamp-agentx.8 \
	$(MIBDIR)/KSTAMP-MIB.txt $(addprefix $(UNITDIR)/,$(AGENTX_UNITS)) \
	$(addprefix $(UNITDIR)/,$(MONITOR_UNITS)) \
	$(DOCDIR)/examples/monitor/monitor.yaml

install: tools
	install -D -m 755 $(BUILD)/tools/stampnl $(DESTDIR)$(SBINDIR)/stampnl
	install -D -m 644 man/stampnl.8 $(DESTDIR)$(MANDIR)/man8/stampnl.8
	install -D -m 644 man/stamp_refl.4 $(DESTDIR)$(MANDIR)/man4/stamp_refl.4
	install -D -m 644 completion/stampnl $(DESTDIR)$(BASHCOMPDIR)/stampnl
	install -D -m 644 dist/modules-load.d/stamp_refl.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/stamp_refl.conf
	install -D -m 644 dist/modprobe.d/stamp_refl.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/stamp_refl.conf
	install -d $(DESTDIR)$(DOCDIR)/examples/prometheus
	@# the units and the cron line name stampnl where this installs it
	for f in $(PROM_EXAMPLES); do \
		sed 's|/usr/local/sbin/stampnl|$(SBINDIR)/stampnl|g' dist/prometheus/$$f \
			> $(DESTDIR)$(DOCDIR)/examples/prometheus/$$f && \
		chmod 644 $(DESTDIR)$(DOCDIR)/examples/prometheus/$$f || exit 1; \
	done
	install -D -m 755 $(BUILD)/snmp/kstamp-agentx $(DESTDIR)$(SBINDIR)/kstamp-agentx
	install -D -m 644 man/kstamp-agentx.8 $(DESTDIR)$(MANDIR)/man8/kstamp-agentx.8
	install -D -m 644 snmp/KSTAMP-MIB.txt $(DESTDIR)$(MIBDIR)/KSTAMP-MIB.txt
	install -d $(DESTDIR)$(UNITDIR)
	for u in $(AGENTX_UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' dist/snmp/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	for u in $(MONITOR_UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' dist/monitor/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -D -m 644 dist/monitor/monitor.yaml \
		$(DESTDIR)$(DOCDIR)/examples/monitor/monitor.yaml

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR)/examples/modules-load.d \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(DESTDIR)$(DOCDIR)/examples/prometheus \
		$(DESTDIR)$(DOCDIR)/examples/monitor \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# DKMS: the module's sources into /usr/src/kstamp-VERSION, then built and
# installed into /lib/modules/KVER/updates/dkms for every kernel that has
# headers (DKMS_KERNELS to choose); dkms.conf's BUILD_EXCLUSIVE_KERNEL skips
# kernels older than 6.1 (dkms exits 77 for those). Re-running replaces
# the same version.
VERSION := $(shell cat $(SRC)/VERSION)
DKMS_SRC := /usr/src/kstamp-$(VERSION)
DKMS_KERNELS ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4)

# the kstamp-dkms package owns the same DKMS module and /usr/src directory
DEB_OWNS_DKMS = dpkg-query -W -f='$${Status}' kstamp-dkms 2>/dev/null | grep -q ' installed$$' && \
	{ echo "kstamp: the kstamp-dkms package is installed (apt-get purge kstamp-dkms first)" >&2; exit 1; } || true

dkms-install:
	@$(DEB_OWNS_DKMS)
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || \
		{ echo "kstamp: dkms.conf's PACKAGE_VERSION is not VERSION ($(VERSION))" >&2; exit 1; }
	@test -n "$(DKMS_KERNELS)" || \
		{ echo "kstamp: no kernel headers in /lib/modules/*/build (apt-get install linux-headers-amd64)" >&2; exit 1; }
	-dkms remove kstamp/$(VERSION) --all >/dev/null 2>&1
	rm -rf $(DKMS_SRC)
	$(MAKE) --no-print-directory dkms-sources DESTDIR=
	dkms add kstamp/$(VERSION)
	@for k in $(DKMS_KERNELS); do \
		dkms install kstamp/$(VERSION) -k $$k; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || exit $$rc; \
	done

# what DKMS builds from, under DESTDIR: `make dkms-install` and the
# kstamp-dkms package (debian/rules) install the same files
dkms-sources:
	install -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/lib \
		$(DESTDIR)$(DKMS_SRC)/include/uapi/linux
	install -m 644 dkms.conf Kbuild VERSION $(DESTDIR)$(DKMS_SRC)/
	install -m 644 kmod/Kbuild kmod/*.c kmod/*.h $(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 644 lib/*.c lib/*.h $(DESTDIR)$(DKMS_SRC)/lib/
	install -m 644 include/uapi/linux/*.h $(DESTDIR)$(DKMS_SRC)/include/uapi/linux/

# every version DKMS knows, not only VERSION: it may have changed since
dkms-uninstall:
	@$(DEB_OWNS_DKMS)
	@for v in $$(dkms status -m kstamp 2>/dev/null | sed -n 's|^kstamp/\([^,:]*\).*|\1|p' | sort -u); do \
		echo "dkms remove kstamp/$$v --all"; \
		dkms remove kstamp/$$v --all || exit 1; \
		rm -rf /usr/src/kstamp-$$v; \
	done
	rm -rf $(DKMS_SRC)

# Debian packages (debian/, debhelper and dh-dkms): the tree is copied to
# build/deb/kstamp-VERSION/ and built there, so the packages land in
# build/deb/ and dh's clean (make clean) never touches this build/.
deb:
	bash scripts/deb.sh $(if $(DEB_VERSION),--version $(DEB_VERSION))

.PHONY: all module keep modules-all bpf tools deps check demo checkpatch kernel-checks regen fuzz bench \
	bench-build mutation \
	proving-ground stress-debug clean install uninstall dkms-install dkms-uninstall \
	dkms-sources deb
