#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# /proc/sys/kernel/poweroff_cmd of the UML guest: what orderly_poweroff()
# runs.  On a real system this is /sbin/poweroff (systemd stops services,
# syncs and powers off); here it records the call and the state of the
# simulated store, takes the time of a shutdown (G_SHUTDOWN_WAIT_S, default:
# shutdown-duration-ms of the gpio-ups node less 2 s, so that the whole
# power-off stays within the configured duration) at the load the node
# declares for it (shutdown-load-percent of the running load), then powers
# off.  Later calls are only recorded.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=/dev/shm
. /dev/ups-out/guest.env
. "$G_ROOT/scripts/uml/guest-lib.sh"

t=$(now)
echo "$t $(cat "$SIM/status")" >> "$OUT/poweroff-calls"
if [ "$(wc -l < "$OUT/poweroff-calls")" -gt 1 ]; then
	echo "poweroff_cmd: called AGAIN at ${t}s" > /dev/console
	exit 0
fi
wait_s=${G_SHUTDOWN_WAIT_S:-}
if [ -z "$wait_s" ]; then
	ms=$(od -An -tu4 --endian=big /proc/device-tree/gpio-ups/shutdown-duration-ms 2>/dev/null | tr -d ' ')
	# starting this script took about a second already
	wait_s=$(( ${ms:-20000} / 1000 - 2 ))
	[ "$wait_s" -ge 1 ] || wait_s=1
fi
pct=$(od -An -tu4 --endian=big /proc/device-tree/gpio-ups/shutdown-load-percent 2>/dev/null | tr -d ' ')
load=$(cat "$SIM/load_uw")
[ -z "$pct" ] || simctl load_uw $(( load * pct / 100 ))
{
	echo "poweroff_cmd: orderly_poweroff() ran $0 at ${t}s"
	echo "poweroff_cmd: shutting down (stopping services, syncing: ${wait_s} s at ${pct:-100}% of the $(( load / 1000 )) mW load)"
} > /dev/console
sleep "$wait_s"
echo "$(now) $(cat "$SIM/status")" > "$OUT/poweroff-end"
dmesg > "$OUT/dmesg.log" 2>/dev/null
echo "poweroff_cmd: system halted, powering off" > /dev/console
power_off
