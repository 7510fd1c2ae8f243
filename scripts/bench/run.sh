#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: build every scripts/bench/bench-*.c against the very same
# core sources the kernel module uses (energy model, estimator, policy),
# with the userspace stand-ins of scripts/bench/shim/linux/, and run them in
# name order.  Each benchmark prints its own table.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs gcc libc6-dev

BENCH=$GPIO_UPS_ROOT/scripts/bench
DRV=$GPIO_UPS_ROOT/drivers/power/supply
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gpio-ups-bench.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

shopt -s nullglob
benches=("$BENCH"/bench-*.c)
[ ${#benches[@]} -gt 0 ] || die "no scripts/bench/bench-*.c found"

CFLAGS=(-O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter
	-I "$BENCH/shim" -I "$DRV" -I "$BENCH")
CORE=("$DRV/gpio-ups-energy.c" "$DRV/gpio-ups-policy.c" "$BENCH/sim.c")

fail=0
for src in $(printf '%s\n' "${benches[@]}" | LC_ALL=C sort); do
	name=$(basename "$src" .c)
	log "== $name"
	if ! gcc "${CFLAGS[@]}" -o "$OUT/$name" "$src" "${CORE[@]}" -lm; then
		log "$name: build failed"
		fail=1
		continue
	fi
	if ! "$OUT/$name"; then
		log "$name: failed"
		fail=1
	fi
	echo
done
exit $fail
