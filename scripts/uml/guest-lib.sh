# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the UML guest scenarios (sourced by init.sh, with guest.env).
# shellcheck shell=bash

UPS=/sys/class/power_supply/ups
MAINS=/sys/class/power_supply/ups-mains
OUT=/dev/ups-out
SIM=${SIM:-}

# now: seconds since boot, 10 ms resolution (same clock as the uevent log)
now() { local u _; read -r u _ < /proc/uptime; echo "$u"; }
# mark NAME: record a scenario event with its time
mark() { echo "$(now) $*" >> "$OUT/marks"; }
say() { echo "$*"; }
# prop FILE: print a sysfs value, empty if it cannot be read (e.g. -ENODATA)
prop() { local v; { read -r v < "$1"; } 2>/dev/null && echo "$v"; }
simctl() { echo "$2" > "$SIM/$1"; }
ms_sleep() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }

guest_setup() {
	echo "$G_ROOT/scripts/uml/guest-poweroff.sh" > /proc/sys/kernel/poweroff_cmd
	insmod "$G_BIN/sim-hat.ko" || { echo "guest: insmod sim-hat.ko failed"; guest_finish; }
	local d
	for d in /sys/bus/platform/drivers/gpio-ups-sim-hat/*; do
		[ -e "$d/status" ] && SIM=$d
	done
	[ -e "$SIM/status" ] || { echo "guest: simulated HAT did not probe"; guest_finish; }
	echo "SIM=$SIM" >> "$OUT/guest.env"
	"$G_BIN/uevent-listen" power_supply > "$OUT/uevents.log" 2>&1 &
	if [ -e "$G_BIN/gpio-ups.ko" ]; then
		insmod "$G_BIN/gpio-ups.ko" || echo "guest: insmod gpio-ups.ko failed"
	else
		echo "guest: gpio-ups.ko not built"
	fi
	local i
	for i in $(seq 50); do
		[ -e "$UPS/uevent" ] && [ -e "$MAINS/online" ] && break
		sleep 0.1
	done
	if [ ! -e "$UPS/uevent" ]; then
		echo "guest: /sys/class/power_supply/ups did not appear"
		echo "ups-missing" >> "$OUT/errors"
	fi
	sleep 0.5
	mark setup-done
}

# wait_poweroff SECONDS: wait until poweroff_cmd has run; 0 if it did
wait_poweroff() {
	local end
	end=$(awk -v n="$(now)" -v s="$1" 'BEGIN { print n + s }')
	while awk -v n="$(now)" -v e="$end" 'BEGIN { exit !(n < e) }'; do
		[ -e "$OUT/poweroff-calls" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_poweroff_or_brownout SECONDS: wait until poweroff_cmd has run (0) or
# the simulated store has run dry (1: a real host would be dead; the run
# stops a second later instead of waiting for the timeout)
wait_poweroff_or_brownout() {
	local end
	end=$(awk -v n="$(now)" -v s="$1" 'BEGIN { print n + s }')
	while awk -v n="$(now)" -v e="$end" 'BEGIN { exit !(n < e) }'; do
		[ -e "$OUT/poweroff-calls" ] && return 0
		if [ "$(cat "$SIM/brownout")" = 1 ]; then
			mark brownout "$(cat "$SIM/status")"
			sleep 1
			[ -e "$OUT/poweroff-calls" ] && return 0
			return 1
		fi
		sleep 0.1
	done
	mark timeout "$(cat "$SIM/status")"
	return 1
}

# outage_setup: set up the simulated store for an outage scenario from
# G_SIM_LOAD_UW, G_SIM_CHARGE_UA, G_SIM_NOISE_LSB, G_SIM_LOWBAT_UV and
# G_SIM_VOLTAGE_UV (each optional; the voltage last, just before the cut)
outage_setup() {
	[ -z "${G_SIM_LOAD_UW:-}" ] || simctl load_uw "$G_SIM_LOAD_UW"
	[ -z "${G_SIM_CHARGE_UA:-}" ] || simctl charge_ua "$G_SIM_CHARGE_UA"
	[ -z "${G_SIM_NOISE_LSB:-}" ] || simctl noise_lsb "$G_SIM_NOISE_LSB"
	[ -z "${G_SIM_LOWBAT_UV:-}" ] || simctl low_battery_uv "$G_SIM_LOWBAT_UV"
	[ -z "${G_SIM_VOLTAGE_UV:-}" ] || simctl voltage_uv "$G_SIM_VOLTAGE_UV"
}

# outage_start: cut mains (mark outage-start with the store's state)
outage_start() {
	mark outage-start "policy=$(policy)" "$(cat "$SIM/status")"
	simctl mains 0
}

# policy: the driver's policy_state, or "-"
policy() { prop "$UPS/policy_state" || echo -; }

# guest_finish: end the run. If poweroff_cmd is running the shutdown, let it
# finish; otherwise power off here.
guest_finish() {
	if [ -e "$OUT/poweroff-calls" ]; then
		sleep 3600
	fi
	dmesg > "$OUT/dmesg.log" 2>/dev/null
	mark guest-poweroff
	power_off
}

# power_off: kernel_power_off() at once, as `poweroff -f` does
power_off() {
	"$G_BIN/sys-reboot" poweroff || echo o > /proc/sysrq-trigger
	sleep 3600
}
