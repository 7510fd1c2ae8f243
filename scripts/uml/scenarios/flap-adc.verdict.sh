# SPDX-License-Identifier: GPL-2.0-only
# Verdict of flap.sh on an ADC board (the demo board: 15 F, 4.6 -> 2.5 V,
# 8 s shutdown at half of the 2.5 W load): mains comes back for 300 ms
# every second during the outage, charging the store at 0.5 A while it is
# back.  The store starts at 3.4 V (34 J usable) and drains at about 1.3 W
# net: it runs dry about 25 s after the cut.  Verdict: one orderly power-off,
# no brownout, the shutdown's energy (10 J) still in the store at the
# commit.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: flapping mains (back 300 ms every 1 s), ADC board: one orderly power-off, no brownout, shutdown energy in store"
scn_boot() {
	scn_dtb "$1.dtb" -- initial-microvolt=3400000 charge-current-microamp=0 || return
	boot 75 "$1.dtb" "$1" flap -e G_FLAP_MS=300 -e G_FLAP_PERIOD_MS=1000 \
		-e G_SIM_CHARGE_UA=500000 -e G_WAIT_S=45 -e G_SHUTDOWN_WAIT_S=6
}
scn_judge() {
	local R=$1 st
	grep -q 'energy estimate from the ADC' "$R/console.log" 2>/dev/null ||
		echo "the driver did not bind with its ADC"
	outage_judge "$R"
	st=$(last_status "$R")
	[ "$(field "$st" flaps)" -ge 5 ] 2>/dev/null ||
		echo "fault not injected: mains came back $(field "$st" flaps) times ($st)"
	echo "$(cat "$R/figures" 2>/dev/null); mains back $(field "$st" flaps) times" > "$R/figures"
}
