#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Latency of gpio-ups from a mains edge to userspace, on the simulated HAT
# in a UML 6.12 guest (scripts/uml/): FLIPS (default 100) mains flips with
# power-fail-debounce-ms = 0; for each, the time from the edge to the first
# power_supply uevent that reports it, and to the first read of
# /sys/class/power_supply/ups-mains/online by a loop polling once a second
# (what today's UPS scripts do), both measured in the same run.
# Prints p50/p90/p99/max of both.  Takes about 2.5 minutes (the polling side
# needs every state to last over a second).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

FLIPS=${FLIPS:-100}
UML="$GPIO_UPS_ROOT/scripts/uml"
OUT=${LATENCY_OUT:-$CACHE/bench/latency}
mkdir -p "$OUT"
"$UML/build-kernel.sh" >/dev/null
bin=$("$UML/build-modules.sh")
[ -f "$bin/gpio-ups.ko" ] || die "gpio-ups.ko could not be built for the UML guest"
"$UML/demo-dtb.sh" "$OUT/board.dtb" power-fail-debounce-ms=0 \
	low-battery-debounce-ms=0
"$UML/boot.sh" -t $(( FLIPS * 2 + 90 )) -e G_FLIPS="$FLIPS" "$OUT/board.dtb" "$OUT/run" latency \
	> "$OUT/console.log" 2>&1 || true
if [ "$(cat "$OUT/run/latency.rc" 2>/dev/null)" != 0 ]; then
	tail -n 20 "$OUT/run/latency.txt" "$OUT/console.log" 2>/dev/null >&2
	die "latency run failed (logs in $OUT)"
fi
if grep -qE 'BUG:|WARNING:|Oops|KASAN' "$OUT/run/console.log"; then
	log "warning: the kernel log of the run shows problems: $OUT/run/console.log"
fi
echo "Mains edge -> userspace, gpio-ups on the simulated HAT (UML 6.12, KASAN kernel):"
sed -n '/^RESULT/,$p' "$OUT/run/latency.txt"
