# SPDX-License-Identifier: GPL-2.0-only
# Verdict of adcfreeze.sh on the demo board (15 F, 8 s shutdown at half of
# the 2.5 W load, 12-bit ADC with +-2 LSB of noise): 2 s into the outage the
# ADC freezes at its reading while the store keeps draining.  The store
# starts at 3.6 V (43 J usable) and runs dry about 17 s after the cut;
# readings that stop showing the drain must not be trusted.  Verdict: one
# orderly power-off, no brownout, the shutdown's energy (10 J) still in the
# store at the commit.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: ADC frozen mid-outage (store keeps draining): one orderly power-off, no brownout, shutdown energy in store"
scn_boot() {
	scn_dtb "$1.dtb" -- initial-microvolt=3600000 charge-current-microamp=0 || return
	boot 70 "$1.dtb" "$1" adcfreeze -e G_SIM_NOISE_LSB=2 -e G_FREEZE_AFTER_S=2 \
		-e G_WAIT_S=40 -e G_SHUTDOWN_WAIT_S=6
}
scn_judge() {
	local R=$1 fz st v0 v1
	outage_judge "$R"
	fz=$(mark_line "$R" adc-freeze)
	st=$(last_status "$R")
	v0=$(field "$fz" store_uv) v1=$(field "$st" store_uv)
	if ! grep -q 'ADC frozen at code' "$R/console.log" 2>/dev/null || [ -z "$v0" ]; then
		echo "fault not injected: no frozen ADC in the guest log"
	elif [ -z "$v1" ] || [ "$v1" -ge $(( v0 - 100000 )) ]; then
		echo "the store did not drain after the freeze: ${v0} uV at the freeze, ${v1:-?} uV at the end"
	fi
	echo "$(cat "$R/figures" 2>/dev/null); ADC frozen at ${v0:-?} uV ($(grep -o 'ADC frozen at code [0-9]*' "$R/console.log" | head -n1)), store ${v1:-?} uV at the end" > "$R/figures"
}
