#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: run every benchmark in scripts/bench/ in name order.
#   bench-*.c  are built against the very same core sources the kernel
#              module uses (energy model, estimator, policy) plus the plant
#              simulator sim.c, the driver's glue driver-glue.c and the
#              decision benchmarks' boards boards.c (shared sources: not
#              named bench-*), with the userspace stand-ins of
#              scripts/bench/shim/linux/, then run;
#   bench-*.sh are run as they are.
# Each benchmark prints its own table.
# Usage: scripts/bench/run.sh [NAME...]   (only benchmarks whose file name
#        contains one of the NAMEs, e.g. `run.sh estimator`)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs gcc libc6-dev

BENCH=$GPIO_UPS_ROOT/scripts/bench
DRV=$GPIO_UPS_ROOT/drivers/power/supply
OUT=$(mktemp -d "${TMPDIR:-/tmp}/gpio-ups-bench.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

CFLAGS=(-O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter
	-I "$BENCH/shim" -I "$DRV" -I "$BENCH")
CORE=("$DRV/gpio-ups-energy.c" "$DRV/gpio-ups-policy.c" "$DRV/gpio-ups-learn.c"
      "$BENCH/sim.c" "$BENCH/driver-glue.c" "$BENCH/boards.c")

selected() {
	local name=$1 pat
	[ $# -gt 1 ] || return 0
	shift
	for pat in "$@"; do
		case $name in *"$pat"*) return 0 ;; esac
	done
	return 1
}

shopt -s nullglob
benches=$(cd "$BENCH" && printf '%s\n' bench-*.c bench-*.sh | LC_ALL=C sort)
[ -n "$benches" ] || die "no scripts/bench/bench-*.c or bench-*.sh found"

fail=0 ran=0
for file in $benches; do
	name=${file%.*}
	selected "$file" "$@" || continue
	ran=$((ran + 1))
	log "== $name"
	case $file in
	*.c)
		if ! gcc "${CFLAGS[@]}" -o "$OUT/$name" "$BENCH/$file" "${CORE[@]}" -lm; then
			log "$name: build failed"
			fail=1
			continue
		fi
		"$OUT/$name" || { log "$name: failed"; fail=1; }
		;;
	*.sh)
		bash "$BENCH/$file" || { log "$name: failed"; fail=1; }
		;;
	esac
	echo
done
[ "$ran" -gt 0 ] || die "no benchmark matches: $*"
exit $fail
