#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make dtbs`: build every overlay source dts/*.dts into a .dtbo.
#
# Usage: scripts/dtbs.sh [OUTDIR]
#   OUTDIR defaults to $DTBS_OUT or build/dtbs in the repository (ignored by
#   git). Each source is run through cpp (for the shared template
#   dts/gpio-ups-rpi.dtsi) and compiled with dtc -@ (symbols, so that the
#   Raspberry Pi firmware, dtoverlay and fdtoverlay can resolve it). Any dtc
#   warning is an error: the overlays build warning-free.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:-${DTBS_OUT:-$GPIO_UPS_ROOT/build/dtbs}}
need_pkgs device-tree-compiler cpp
mkdir -p "$OUT"

# build_dtbo SRC DTBO: preprocess and compile one overlay source.
build_dtbo() {
	local src=$1 dtbo=$2 pp msg
	pp="$(dirname "$dtbo")/.pp/$(basename "${dtbo%.dtbo}").dts"
	mkdir -p "$(dirname "$pp")"
	cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P \
		-I "$(dirname "$src")" -o "$pp" "$src"
	if ! msg=$(dtc -@ -I dts -O dtb -o "$dtbo" "$pp" 2>&1) || [ -n "$msg" ]; then
		log "$src: dtc:"
		log "$msg"
		rm -f "$dtbo"
		return 1
	fi
	return 0
}

rc=0
n=0
for src in "$GPIO_UPS_ROOT"/dts/*.dts; do
	name=$(basename "$src" .dts)
	if build_dtbo "$src" "$OUT/$name.dtbo"; then
		n=$((n + 1))
	else
		rc=1
	fi
done
[ $rc -eq 0 ] && log "built $n overlays into $OUT"
exit $rc
