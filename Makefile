# SPDX-License-Identifier: GPL-2.0-only
# gpio-ups: out-of-tree build of gpio-ups.ko (sources listed in Kbuild) and
# the project's entry points.
#
#   make                 build gpio-ups.ko against KDIR
#   make KDIR=<dir>      ... against another prepared kernel tree or headers
#                        (ARCH=, CROSS_COMPILE=, W=1, C=1 are passed on)
#   make clean
#   make check           all tests and checks (scripts/check.sh); CHECKS=
#                        restricts it to steps whose name contains a word
#   make bench | demo | dtbs | install | uninstall | version
#   make deb             the Debian package gpio-ups-dkms (build/deb/)

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$$/\1/p' $(TOP)/dkms.conf)

.PHONY: all modules clean check bench demo dtbs install uninstall version deb

all: modules

modules:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) does not exist: install the kernel headers (e.g. linux-headers-$$(uname -r)) or pass KDIR=<prepared kernel tree>" >&2; exit 1; }
	$(MAKE) -C "$(KDIR)" M="$(TOP)" modules

clean:
	if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(TOP)" clean; fi
	find "$(TOP)/drivers" \( -name '*.o' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '*.ko' \) -delete
	rm -f "$(TOP)"/*.o "$(TOP)"/*.ko "$(TOP)"/*.mod "$(TOP)"/*.mod.c \
		"$(TOP)"/.*.cmd "$(TOP)"/Module.symvers "$(TOP)"/modules.order

check:
	"$(TOP)/scripts/check.sh" $(CHECKS)

version:
	@echo $(VERSION)

# Entry points whose scripts live beside the code they drive.
define delegate
	@if [ -x "$(TOP)/$(1)" ]; then exec "$(TOP)/$(1)" $(2); \
	else echo "make $@: $(1) is not there yet" >&2; exit 1; fi
endef

bench:
	$(call delegate,scripts/bench/run.sh)
demo:
	$(call delegate,scripts/demo.sh)
dtbs:
	$(call delegate,scripts/dtbs.sh)
install:
	$(call delegate,scripts/install.sh,install)
uninstall:
	$(call delegate,scripts/install.sh,uninstall)
deb:
	$(call delegate,scripts/deb.sh)
