#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the gpio-ups KUnit suites on UML in a scratch copy of the 6.12 tree.
# Usage: [KUNIT_BUILD_DIR=dir] kunit/run.sh [kunit.py run options, e.g. a
#        suite filter glob, --json=FILE, --raw_output]
# The build dir defaults to $CACHE/build/kunit-um; builds are incremental.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

need_pkgs "${KBUILD_PKGS[@]}" device-tree-compiler
SRC=$(src_6_12)
BUILD=${KUNIT_BUILD_DIR:-$CACHE/build/kunit-um}
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
cd "$SRC"
exec python3 tools/testing/kunit/kunit.py run \
	--build_dir="$BUILD" --kunitconfig="$GPIO_UPS_ROOT/kunit/.kunitconfig" \
	--jobs="$JOBS" --timeout=600 "$@" </dev/null
