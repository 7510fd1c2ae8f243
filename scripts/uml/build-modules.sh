#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build what the UML guest loads and runs, against the sim kernel
# (scripts/uml/build-kernel.sh), into $CACHE/build/uml-sim-out:
#   gpio-ups.ko   the project's module, from a copy of the repo's Kbuild and
#                 drivers/ (so builds for other kernels in the work tree are
#                 not disturbed); skipped with a message if the driver source
#                 is absent
#   sim-hat.ko    the simulated HAT (scripts/uml/sim-hat, test code only)
#   uevent-listen, uevent-latency, ups-sample, sys-reboot: guest-side helpers
#                 (scripts/uml/tools)
# Prints the output dir.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

BUILD=$("$GPIO_UPS_ROOT/scripts/uml/build-kernel.sh")
SRC=$(src_6_12)
OUT=${UML_SIM_OUT:-$CACHE/build/uml-sim-out}
mkdir -p "$OUT/src"

# sync_tree SRC_DIR DST_DIR: copy files whose content changed (keeps mtimes of
# unchanged files, so kbuild rebuilds incrementally)
sync_tree() {
	local f
	(cd "$1" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \)) |
	while IFS= read -r f; do
		mkdir -p "$2/$(dirname "$f")"
		cmp -s "$1/$f" "$2/$f" || cp "$1/$f" "$2/$f"
	done
}

kmake() {
	local want
	want=$( (cat "$BUILD/.gpio-ups-sim-config"; find "$1" -name '*.[ch]' -o -name Kbuild | sort | xargs cat) | sha256sum)
	[ "$(cat "$1/.built" 2>/dev/null)" = "$want" ] && [ -n "$(find "$1" -maxdepth 1 -name '*.ko')" ] && return 0
	rm -f "$1/.built"
	make -C "$SRC" ARCH=um O="$BUILD" M="$1" -j"$JOBS" W=1 modules >"$1/build.log" 2>&1 ||
		{ cat "$1/build.log" >&2; die "module build failed in $1"; }
	printf '%s\n' "$want" > "$1/.built"
}

sync_tree "$GPIO_UPS_ROOT/scripts/uml/sim-hat" "$OUT/src/sim-hat"
kmake "$OUT/src/sim-hat"
cp "$OUT/src/sim-hat/sim-hat.ko" "$OUT/"

rm -f "$OUT/gpio-ups.ko"
if [ -f "$GPIO_UPS_ROOT/drivers/power/supply/gpio-ups-drv.c" ]; then
	mkdir -p "$OUT/src/gpio-ups"
	cp "$GPIO_UPS_ROOT/Kbuild" "$OUT/src/gpio-ups/Kbuild.new"
	cmp -s "$OUT/src/gpio-ups/Kbuild.new" "$OUT/src/gpio-ups/Kbuild" ||
		cp "$OUT/src/gpio-ups/Kbuild.new" "$OUT/src/gpio-ups/Kbuild"
	sync_tree "$GPIO_UPS_ROOT/drivers" "$OUT/src/gpio-ups/drivers"
	kmake "$OUT/src/gpio-ups"
	cp "$OUT/src/gpio-ups/gpio-ups.ko" "$OUT/"
else
	log "note: drivers/power/supply/gpio-ups-drv.c not present; gpio-ups.ko not built"
fi

for t in uevent-listen uevent-latency ups-sample sys-reboot; do
	s="$GPIO_UPS_ROOT/scripts/uml/tools/$t.c"
	if [ ! -x "$OUT/$t" ] || [ "$s" -nt "$OUT/$t" ]; then
		gcc -O2 -Wall -Wextra -pthread -o "$OUT/$t" "$s" || die "cannot build $t"
	fi
done
printf '%s\n' "$OUT"
