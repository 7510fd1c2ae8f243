#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the gpio-ups KUnit suites on UML in a scratch copy of the 6.12 tree.
# Usage: [KUNIT_BUILD_DIR=dir] [KUNIT_ARCH=x86_64] [KUNIT_KCONFIG=fragment]
#        kunit/run.sh [kunit.py run options, e.g. a suite filter glob,
#        --json=FILE, --raw_output]
# KUNIT_ARCH=x86_64 runs the suites in a QEMU guest instead (KVM when
# /dev/kvm is usable), with kunit/qemu/init.c as init: it prints kmemleak's
# report once the suites have run. KUNIT_KCONFIG is a Kconfig fragment
# merged over kunit/.kunitconfig, its symbols replacing the same ones there
# (e.g. kunit/qemu/debug.config).
# The build dir defaults to $CACHE/build/kunit-um (kunit-ARCH[-FRAGMENT]
# otherwise); builds are incremental.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

ARCH=${KUNIT_ARCH:-um}
FRAG=${KUNIT_KCONFIG:-}
case $ARCH in
um) need_pkgs "${KBUILD_PKGS[@]}" device-tree-compiler ;;
x86_64) need_pkgs "${KBUILD_PKGS[@]}" device-tree-compiler qemu-system-x86 ;;
*) die "KUNIT_ARCH=$ARCH: only um and x86_64 are supported" ;;
esac
SRC=$(src_6_12)
def=kunit-$ARCH
[ -z "$FRAG" ] || def=$def-$(basename "$FRAG" .config)
BUILD=${KUNIT_BUILD_DIR:-$CACHE/build/$def}
DST=$SRC/drivers/power/supply/gpio-ups

# The source tree is shared by every build dir: one run at a time copies
# its sources in and builds, so no run compiles another's half-copied files.
exec 8>"$SRC/.gpio-ups-kunit.lock"
if ! flock -n 8; then
	log "kunit/run.sh: waiting for another KUnit run on $SRC"
	flock 8
fi

# The driver and tests live in drivers/power/supply/gpio-ups/ of the tree.
# rsync -c only touches changed files, so rebuilds stay incremental.
mkdir -p "$DST"
rsync -rc --delete \
	--include='*.c' --include='*.h' --include='*.dtso' \
	--include='Kconfig' --include='Makefile' --exclude='*' \
	"$GPIO_UPS_ROOT/drivers/power/supply/" "$GPIO_UPS_ROOT/kunit/" "$DST/"
grep -q 'gpio-ups/Kconfig' "$SRC/drivers/power/supply/Kconfig" ||
	sed -i '/^endif # POWER_SUPPLY/i source "drivers/power/supply/gpio-ups/Kconfig"' \
		"$SRC/drivers/power/supply/Kconfig"
grep -q 'gpio-ups/' "$SRC/drivers/power/supply/Makefile" ||
	echo 'obj-y += gpio-ups/' >> "$SRC/drivers/power/supply/Makefile"

mkdir -p "$BUILD"
KCONF=$GPIO_UPS_ROOT/kunit/.kunitconfig
if [ -n "$FRAG" ]; then
	# The fragment's lines, then those of .kunitconfig it does not set.
	KCONF=$BUILD/gpio-ups.kunitconfig
	awk 'function sym(l) {
		if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) {
			sub(/=.*/, "", l)
			return l
		}
		if (l ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) {
			sub(/^# /, "", l)
			sub(/ .*/, "", l)
			return l
		}
		return ""
	}
	NR == FNR { s = sym($0); if (s != "") set[s] = 1; print; next }
	{ s = sym($0); if (s == "" || !(s in set)) print }' \
		"$FRAG" "$GPIO_UPS_ROOT/kunit/.kunitconfig" > "$KCONF.new"
	mv "$KCONF.new" "$KCONF"
fi

if [ "$ARCH" != um ]; then
	# /init of the guest's initrd (kunit/qemu/init.c), built static.
	gcc -static -O2 -Wall -o "$BUILD/gpio-ups-init" "$GPIO_UPS_ROOT/kunit/qemu/init.c" ||
		die "cannot build kunit/qemu/init.c"
	rm -rf "$BUILD/initrd" && mkdir -p "$BUILD/initrd"
	cp "$BUILD/gpio-ups-init" "$BUILD/initrd/init"
	(cd "$BUILD/initrd" && echo init | cpio -o -H newc -R 0:0 --quiet) > "$BUILD/initrd.cpio" ||
		die "cannot build the initrd"
fi

cd "$SRC"
kunit=(python3 tools/testing/kunit/kunit.py)
if [ "$ARCH" = um ]; then
	exec "${kunit[@]}" run \
		--build_dir="$BUILD" --kunitconfig="$KCONF" \
		--jobs="$JOBS" --timeout=600 "$@" </dev/null
fi

# QEMU: build first, then see whether KVM really runs that kernel: /dev/kvm
# can be there and open while its guests never get going (nested
# virtualisation that stalls in the kernel's decompressor was seen).
qconf=(--build_dir="$BUILD" --kunitconfig="$KCONF"
       --qemu_config="$GPIO_UPS_ROOT/kunit/qemu/$ARCH.py")
"${kunit[@]}" build "${qconf[@]}" --jobs="$JOBS" </dev/null || exit
accel=(-accel "tcg,thread=multi")
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	probe=$CACHE/kvm-probe
	if [ "$(head -n1 "$probe" 2>/dev/null)" != "$boot" ]; then
		# Boots with KVM if the kernel's banner shows within 20 s.
		qemu-system-x86_64 -enable-kvm -cpu host -nodefaults -m 256 -no-reboot \
			-nographic -serial stdio -bios qboot.rom \
			-kernel "$BUILD/vmlinux" \
			-append 'console=ttyS0 panic=-1 kunit.enable=0' \
			</dev/null >"$BUILD/kvm-probe.log" 2>&1 &
		pid=$!
		for _ in $(seq 40); do
			grep -q 'Linux version' "$BUILD/kvm-probe.log" && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		r=no
		grep -q 'Linux version' "$BUILD/kvm-probe.log" && r=yes
		printf '%s\n%s\n' "$boot" "$r" > "$probe"
	fi
	if [ "$(sed -n 2p "$probe")" = yes ]; then
		accel=(-enable-kvm -cpu host)
	else
		log "kunit/run.sh: /dev/kvm is there but a KVM guest does not boot: emulating the CPU"
	fi
else
	log "kunit/run.sh: no usable /dev/kvm: QEMU emulates the CPU (slower)"
fi
exec "${kunit[@]}" exec "${qconf[@]}" \
	--qemu_args="-initrd $BUILD/initrd.cpio -smp 2 ${accel[*]}" \
	--timeout=900 "$@" </dev/null
