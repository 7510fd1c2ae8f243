# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the overlay checks (50-overlays.sh, 51-overlays-jetson-orin.sh;
# 52-overlays-pi5.sh uses ov_schema and validate), sourced after
# scripts/lib.sh by a step that has set W (its step_dir), rc (its exit
# status) and, for ov_base_dtbs and in-tree bindings, SRC (the 6.12 tree).
#   ov_build NAME [DTBO]       dts/*.dts into $OV with scripts/dtbs.sh
#   ov_base_dtbs NAME DTB...   mainline 6.12 arm64 DTBs with symbols, into
#                              the cached O= dir $DTBO_DIR
#   ov_schema NAME BINDING...  gpio-ups.yaml and the in-tree BINDINGs into
#                              $W/processed-schema.json
#   ph, path_of, expect, expect_absent: fdtget checks of the merged tree
#                              $M; what is wrong collects in ERRS
#   validate NAME DTB NODE...  dt-validate of a merged tree, one check
# shellcheck shell=bash

OV="$W/dtbs"
DTBO_DIR="$CACHE/build/dtbs-arm64-6.12"

# ov_build NAME [DTBO]: one check, the overlays (and DTBO among them) build
# with dtc -@ without a warning; the step stops if not.
ov_build() {
	local out
	if out=$("$GPIO_UPS_ROOT/scripts/dtbs.sh" "$OV" 2>&1) &&
			{ [ -z "${2:-}" ] || [ -e "$OV/$2" ]; }; then
		log "$out"
		pass "$1"
	else
		fail "$1" "$out"
		exit 1
	fi
}

kmake() {
	make -C "$SRC" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		O="$DTBO_DIR" DTC_FLAGS=-@ "$@"
}

# ov_base_dtbs NAME DTB...: one check, the 6.12 tree builds the board DTBs
# (paths under arch/arm64/boot/dts/) with symbols; the step stops if not.
ov_base_dtbs() {
	local name=$1
	shift
	mkdir -p "$DTBO_DIR"
	if { [ -f "$DTBO_DIR/.config" ] || kmake -s defconfig >&2; } && kmake -s "$@" >&2; then
		pass "$name"
	else
		fail "$name" "kernel dtbs build failed (see the log)"
		exit 1
	fi
}

# ov_schema NAME BINDING...: process the gpio-ups binding and the 6.12
# tree's BINDINGs (paths under Documentation/devicetree/bindings/) for
# dt-validate; a failure is check NAME and stops the step.
ov_schema() {
	local name=$1 sch="$W/schema" b out
	shift
	mkdir -p "$sch/power/supply"
	cp "$GPIO_UPS_ROOT/Documentation/devicetree/bindings/power/supply/gpio-ups.yaml" "$sch/power/supply/"
	for b in "$@"; do
		mkdir -p "$sch/$(dirname "$b")"
		cp "$SRC/Documentation/devicetree/bindings/$b" "$sch/$b"
	done
	if ! out=$(dt-mk-schema -j "$sch" 2>&1 >"$W/processed-schema.json"); then
		fail "$name" "$out"
		exit 1
	fi
	[ -z "$out" ] || log "dt-mk-schema: $out"
}

ERRS=()
M=""	# merged dtb of the current case
# phandle of the node a base/overlay label points at, in the merged tree
ph() { fdtget "$M" "$(fdtget -t s "$M" /__symbols__ "$1")" phandle 2>/dev/null; }
path_of() { fdtget -t s "$M" /__symbols__ "$1" 2>/dev/null; }
# expect PATH PROP VALUE [TYPE]: fdtget output must equal VALUE
expect() {
	local got
	got=$(fdtget ${4:+-t $4} "$M" "$1" "$2" 2>&1)
	[ "$got" = "$3" ] || ERRS+=("$1:$2 is '$got', expected '$3'")
}
expect_absent() {
	fdtget "$M" "$1" "$2" >/dev/null 2>&1 && ERRS+=("$1:$2 present, expected absent")
}

# validate NAME DTB NODE...: dt-validate the merged tree; errors naming one
# of the NODEs fail, and /gpio-ups must have matched the gpio-ups schema.
validate() {
	local name=$1 dtb=$2 out errs n
	shift 2
	out=$(dt-validate -M -s "$W/processed-schema.json" "$dtb" 2>&1)
	log "== dt-validate $dtb"
	log "$out"
	errs=""
	for n in "$@"; do
		errs+=$(printf '%s\n' "$out" | grep -F "$dtb: $n: " | grep -v 'matched on schema')
	done
	if grep -q -e '^Traceback' -e 'KeyError' <<<"$out"; then
		fail "$name" "dt-validate crashed:" "$(printf '%s\n' "$out" | tail -5)"
		rc=1
	elif [ -n "$errs" ]; then
		fail "$name" "$errs"
		rc=1
	elif ! printf '%s\n' "$out" | grep -A3 "^$dtb: /gpio-ups: matched on schema" |
			contains 'schemas/power/supply/gpio-ups.yaml#'; then
		fail "$name" "/gpio-ups did not match the gpio-ups schema"
		rc=1
	else
		pass "$name"
	fi
}
