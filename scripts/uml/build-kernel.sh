#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (once, cached) the UML 6.12 kernel of the simulated HAT and print the
# path of its build dir.  Rebuilt only when scripts/uml/sim.config changes.
# Usage: scripts/uml/build-kernel.sh  ->  prints $CACHE/build/uml-sim
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs "${KBUILD_PKGS[@]}"
SRC=$(src_6_12)
BUILD=${UML_SIM_BUILD:-$CACHE/build/uml-sim}
FRAG="$GPIO_UPS_ROOT/scripts/uml/sim.config"
want=$(cat "$FRAG" | sha256sum | cut -d' ' -f1)
stamp="$BUILD/.gpio-ups-sim-config"

if [ -x "$BUILD/linux" ] && [ -f "$BUILD/Module.symvers" ] &&
   [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	printf '%s\n' "$BUILD"
	exit 0
fi

mkdir -p "$BUILD"
rm -f "$stamp"
log "configuring UML kernel in $BUILD"
make -s -C "$SRC" ARCH=um O="$BUILD" defconfig >&2
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAG" >/dev/null
make -s -C "$SRC" ARCH=um O="$BUILD" olddefconfig >&2
# every line of the fragment must have survived olddefconfig
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) sym=${line%%=*}
		grep -q "^$sym=" "$BUILD/.config" && { log "kconfig: $sym still set"; bad=1; } ;;
	CONFIG_*) grep -qx "$line" "$BUILD/.config" || { log "kconfig: $line not applied"; bad=1; } ;;
	esac
done < "$FRAG"
[ "$bad" -eq 0 ] || die "UML sim kernel config incomplete (see above)"

log "building UML kernel (first time: several minutes) -> $BUILD/build.log"
if ! make -C "$SRC" ARCH=um O="$BUILD" -j"$JOBS" all >"$BUILD/build.log" 2>&1; then
	tail -n 30 "$BUILD/build.log" >&2
	die "UML kernel build failed (full log: $BUILD/build.log)"
fi
printf '%s\n' "$want" > "$stamp"
printf '%s\n' "$BUILD"
