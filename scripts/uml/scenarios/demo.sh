# SPDX-License-Identifier: GPL-2.0-only
# The story of `make demo` (scripts/demo.sh), told on the guest console.
# Writes the time series to $OUT/timeseries.csv (one row a second).
# shellcheck shell=bash

# uevents as they arrive, a few keys each
"$G_BIN/uevent-listen" power_supply | while read -r t ev kv; do
	keep=
	for p in $kv; do
		case $p in
		POWER_SUPPLY_ONLINE=*|POWER_SUPPLY_STATUS=*|POWER_SUPPLY_CAPACITY=*|\
		POWER_SUPPLY_CAPACITY_LEVEL=*|POWER_SUPPLY_TIME_TO_EMPTY_NOW=*)
			keep="$keep ${p#POWER_SUPPLY_}" ;;
		esac
	done
	name=${ev##*/}
	printf '  %7.2fs  uevent %-6s %-9s%s\n' "$t" "${ev%%@*}" "$name" "$keep"
done > /dev/console &

# one sample a second into the CSV; on the console while $TMPDIR/ticker exists
"$G_BIN/ups-sample" "$OUT/timeseries.csv" $TMPDIR/ticker "$SIM/status" > /dev/console &

say ""
say "== 1. Healthy: mains present, store charged =="
say "\$ cat /sys/class/power_supply/ups/uevent"
cat "$UPS/uevent"
say "\$ cat /sys/class/power_supply/ups-mains/online"
cat "$MAINS/online"
sleep 2

say ""
say "== 2. Short outage: mains cut for 3 s, the store rides through =="
touch $TMPDIR/ticker
mark short-start
simctl mains 0
sleep 3
simctl mains 1
mark short-end
say "   (mains back)"
sleep 3
rm -f $TMPDIR/ticker

say ""
say "== 3. Long outage: mains cut for good =="
say "   load $(( $(cat "$SIM/load_uw") / 1000 )) mW; the driver reserves energy for a"
say "   $(( $(od -An -tu4 --endian=big /proc/device-tree/gpio-ups/shutdown-duration-ms | tr -d ' ') / 1000 )) s shutdown and commits when only that is left"
touch $TMPDIR/ticker
mark long-start
simctl mains 0
wait_poweroff 120 || say "   no shutdown within 120 s"
mark commit policy=$(policy)
say "   policy_state=$(policy)  capacity_level=$(prop "$UPS/capacity_level")  shutdown line asserted: $(cat "$SIM/shutdown_asserted")"
