# SPDX-License-Identifier: GPL-2.0-only
# Mains edge -> uevent latency against a 1 s sysfs poll (uevent-latency.c).
# Automatic shutdown off and a light load, so the flips never commit.
# shellcheck shell=bash
echo 0 > "$UPS/auto_shutdown" 2>/dev/null || say "note: no auto_shutdown attribute"
simctl load_uw 200000
"$G_BIN/uevent-latency" "$SIM/mains" "$MAINS/online" "${G_FLIPS:-100}" > "$OUT/latency.txt" 2>&1
echo "$?" > "$OUT/latency.rc"
