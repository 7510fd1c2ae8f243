# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the clients system test (scripts/checks/72-clients.sh):
# start, inside the simulated HAT, the programs users already run, from the
# Debian packages installed on the host (the guest's root is the host's):
# systemd-udevd, dbus-daemon and upowerd, prometheus-node-exporter, NUT
# (dummy-ups reading the state file the project's udev rule writes, upsd,
# upsmon as primary and as a secondary), and take snapshots of what each of
# them shows.  Everything runs in the guest: /run, /var/lib/upower and the
# NUT configuration are on tmpfs, the only port is on the guest's loopback.
# shellcheck shell=bash

CL=/dev/shm/clients		# NUT configuration and state
NUT_PORT=3493
PROM=127.0.0.1:9100

# t: the guest clock of the uevent log and the marks
t() { now; }

clients_start() {
	mount -t tmpfs tmpfs /run
	mkdir -p /var/lib/upower 2>/dev/null
	mount -t tmpfs tmpfs /var/lib/upower
	ip link set lo up

	# udev, with the project's rule pointing at the repository's helper
	mkdir -p /run/udev/rules.d
	sed "s|/usr/libexec/gpio-ups/gpio-ups-nut-state|$G_ROOT/scripts/nut/gpio-ups-nut-state|" \
		"$G_ROOT/scripts/nut/90-gpio-ups-nut.rules" > /run/udev/rules.d/90-gpio-ups-nut.rules
	/lib/systemd/systemd-udevd --daemon > "$OUT/udevd.log" 2>&1
	udevadm trigger --action=add --subsystem-match=power_supply
	udevadm settle -t 10

	mkdir -p /run/dbus
	dbus-daemon --system --fork > "$OUT/dbus.log" 2>&1
	/usr/libexec/upowerd -v > "$OUT/upowerd.log" 2>&1 &
	prometheus-node-exporter --collector.disable-defaults --collector.powersupplyclass \
		--web.listen-address="$PROM" > "$OUT/node-exporter.log" 2>&1 &
	nut_start
	# upowerd coldplugs, node_exporter listens, upsd has the first state
	local _
	for _ in $(seq 50); do
		upower -e 2>/dev/null | grep -q battery_ && nut_ok && break
		sleep 0.2
	done
	mark clients-started
}

nut_ok() { upsc "ups@127.0.0.1:$NUT_PORT" ups.status >/dev/null 2>&1; }

# NUT as a Debian host runs it, configured from files under $CL (the
# lines the user guide gives): dummy-ups in dummy-once mode on the state
# file, upsd on the loopback, upsmon primary here and a secondary (a second
# upsmon instance stands in for another host on the network).
nut_start() {
	mkdir -p "$CL/etc" "$CL/state" "$CL/sec" "$CL/secstate" /run/nut
	cat > "$CL/etc/ups.conf" <<-EOF2
	[ups]
		driver = dummy-ups
		port = /run/gpio-ups/ups.dev
		mode = dummy-once
		pollinterval = 1
		desc = "gpio-ups"
	EOF2
	echo "LISTEN 127.0.0.1 $NUT_PORT" > "$CL/etc/upsd.conf"
	cat > "$CL/etc/upsd.users" <<-EOF2
	[upsmon]
		password = primary-secret
		upsmon primary
	[upsmon-remote]
		password = secondary-secret
		upsmon secondary
	EOF2
	cat > "$CL/etc/upsmon.conf" <<-EOF2
	MONITOR ups@127.0.0.1:$NUT_PORT 1 upsmon primary-secret primary
	MINSUPPLIES 1
	SHUTDOWNCMD "$G_ROOT/scripts/uml/clients-nut-shutdown.sh primary"
	POLLFREQ 2
	POLLFREQALERT 1
	HOSTSYNC 15
	FINALDELAY 0
	POWERDOWNFLAG $CL/state/killpower
	EOF2
	cat > "$CL/sec/upsmon.conf" <<-EOF2
	MONITOR ups@127.0.0.1:$NUT_PORT 1 upsmon-remote secondary-secret secondary
	MINSUPPLIES 1
	SHUTDOWNCMD "$G_ROOT/scripts/uml/clients-nut-shutdown.sh secondary"
	POLLFREQ 2
	POLLFREQALERT 1
	FINALDELAY 0
	POWERDOWNFLAG $CL/secstate/killpower
	EOF2
	chmod -R go-rwx "$CL"
	# the udev rule wrote the first state already (add events)
	[ -e /run/gpio-ups/ups.dev ] || echo "no /run/gpio-ups/ups.dev" >> "$OUT/errors"
	(
		export NUT_CONFPATH=$CL/etc NUT_STATEPATH=$CL/state NUT_ALTPIDPATH=$CL/state
		/lib/nut/dummy-ups -a ups -u root -F > "$OUT/nut-dummy-ups.log" 2>&1 &
		sleep 1
		/lib/nut/upsd -u root -F > "$OUT/nut-upsd.log" 2>&1 &
		sleep 1
		/lib/nut/upsmon -p -F > "$OUT/nut-upsmon-primary.log" 2>&1 &
	)
	(
		export NUT_CONFPATH=$CL/sec NUT_STATEPATH=$CL/secstate NUT_ALTPIDPATH=$CL/secstate
		# its own name: upsmon keeps one PID file per program name
		exec -a upsmon-secondary /lib/nut/upsmon -p -F > "$OUT/nut-upsmon-secondary.log" 2>&1
	) &
}

# prom_scrape: node_exporter's /metrics over the loopback (bash /dev/tcp)
prom_scrape() {
	local host=${PROM%:*} port=${PROM#*:}
	exec 7<>"/dev/tcp/$host/$port" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$PROM" >&7
	cat <&7
	exec 7<&-
}

# snap TAG: what every client shows now, into $OUT/snap-TAG.*
snap() {
	local tag=$1 f=$OUT/snap-$1
	echo "$(t) $(date +%T)" > "$f.time"
	cat "$UPS/uevent" > "$f.uevent" 2>&1
	upower -i /org/freedesktop/UPower/devices/battery_ups > "$f.upower" 2>&1
	upower -i /org/freedesktop/UPower/devices/DisplayDevice > "$f.display" 2>&1
	prom_scrape 2>&1 | grep -E '^node_(power_supply|scrape_collector_success)' > "$f.prom"
	/lib/systemd/systemd-ac-power; echo $? > "$f.acpower"
	upsc "ups@127.0.0.1:$NUT_PORT" > "$f.upsc" 2>&1
	cat "$UPS/shutdown_reason" > "$f.reason" 2>&1
	mark "snap-$tag"
}

# timeline_start: about once a second (as the guest allows), one line of
# what UPower's display device shows, into $OUT/timeline.log
timeline_start() {
	(
		while :; do
			local d
			d=$(upower -i /org/freedesktop/UPower/devices/DisplayDevice 2>/dev/null)
			printf '%s online=%s policy=%s level=%s warning=%s percentage=%s state=%s energy=%s rate=%s tte=%s\n' \
				"$(t)" "$(prop "$MAINS/online")" "$(policy)" \
				"$(prop "$UPS/capacity_level")" \
				"$(sed -n 's/^ *warning-level: *//p' <<< "$d")" \
				"$(sed -n 's/^ *percentage: *\([0-9.]*\).*/\1/p' <<< "$d" | head -n1)" \
				"$(sed -n 's/^ *state: *//p' <<< "$d")" \
				"$(sed -n 's/^ *energy: *\([0-9.]*\).*/\1/p' <<< "$d")" \
				"$(sed -n 's/^ *energy-rate: *\([0-9.]*\).*/\1/p' <<< "$d")" \
				"$(sed -n 's/^ *time to empty: *//p' <<< "$d" | tr ' ' _)"
			sleep 1
		done
	) >> "$OUT/timeline.log" 2>&1 &
}
