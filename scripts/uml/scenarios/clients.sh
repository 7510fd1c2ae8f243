# SPDX-License-Identifier: GPL-2.0-only
# Clients system test (scripts/checks/72-clients.sh): UPower, node_exporter,
# systemd-ac-power and NUT watch the UPS through outages.
#   G_RIDE_S    first outage, ridden through (0: none)
#   G_LOAD_UW   simulated load
#   G_AUTO_SHUTDOWN  written to auto_shutdown at the start (0: NUT decides)
#   then a long outage until the driver commits; snapshots at each stage.
# shellcheck shell=bash
# shellcheck source=scripts/uml/clients-lib.sh
. "$G_ROOT/scripts/uml/clients-lib.sh"
[ -z "${G_LOAD_UW:-}" ] || simctl load_uw "$G_LOAD_UW"
# G_AUTO_SHUTDOWN=0: the driver only advises; NUT's upsmon decides
[ -z "${G_AUTO_SHUTDOWN:-}" ] || echo "$G_AUTO_SHUTDOWN" > "$UPS/auto_shutdown"
clients_start
timeline_start
sleep 2
snap mains

if [ "${G_RIDE_S:-0}" -gt 0 ]; then
	mark ride-start "$(date +%T)"
	simctl mains 0
	t0=$(now)
	sleep $(( G_RIDE_S / 2 ))
	snap ride
	# mains back G_RIDE_S after it went, however long the snapshot took
	sleep "$(awk -v t0="$t0" -v n="$(now)" -v r="$G_RIDE_S" \
		'BEGIN { d = t0 + r - n; printf "%.2f", d > 0 ? d : 0 }')"
	simctl mains 1
	mark ride-end
	sleep 3
	snap mains2
	# an outage ends once mains has been back for 10 s
	sleep 8
fi

mark long-start "$(date +%T)"
simctl mains 0
sleep "${G_BACKUP_SNAP_S:-8}"
snap backup
if [ "${G_AUTO_SHUTDOWN:-1}" = 0 ]; then
	# upsmon's SHUTDOWNCMD (clients-nut-shutdown.sh) stands for the power-off
	for _ in $(seq "$(( ${G_LONG_TIMEOUT_S:-120} * 10 ))"); do
		grep -qs primary "$OUT/nut-shutdowns" && break
		sleep 0.1
	done
	mark advice
	snap commit
	sleep 5
	guest_finish
fi
wait_poweroff "${G_LONG_TIMEOUT_S:-120}" || mark long-timeout
mark commit
sleep 1.5
snap commit
# the secondary's shutdown command runs while the primary powers off (its
# upsmon sees FSD within a poll or two, ~5 s); 12 s keeps the power-off
# inside the driver's budget even on a loaded machine
sleep 12
