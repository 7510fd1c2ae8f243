# SPDX-License-Identifier: GPL-2.0-only
# Verdict of adclost.sh on the demo board (15 F, 8 s shutdown at half of
# the 2.5 W load): 3 s into the outage every ADC read fails with -ETIMEDOUT
# after 1 s (an I2C controller timing out).  The store starts at 3.4 V
# (34 J usable) and runs dry about 13.5 s after the cut, so the
# fallback-shutdown-ms (10 s) after the last reading is too late: the
# driver must carry on from the last readings.  Verdict: one orderly
# power-off, no brownout, the shutdown's energy (10 J) still in the store
# at the commit.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: ADC lost mid-outage (reads time out): one orderly power-off, no brownout, shutdown energy in store"
scn_boot() {
	scn_dtb "$1.dtb" -- initial-microvolt=3400000 charge-current-microamp=0 || return
	boot 70 "$1.dtb" "$1" adclost -e G_FAIL_AFTER_S=3 -e G_FAIL_ERRNO=110 \
		-e G_FAIL_DELAY_MS=1000 -e G_WAIT_S=40 -e G_SHUTDOWN_WAIT_S=6
}
scn_judge() {
	local R=$1 st e
	outage_judge "$R"
	st=$(last_status "$R")
	e=$(grep -o 'ADC read fails (adc_fail): -[0-9]*' "$R/console.log" 2>/dev/null | head -n1)
	[ -n "$e" ] && [ "$(mark_t "$R" adc-lost)" ] ||
		echo "fault not injected: no failing ADC read in the guest log"
	echo "$(cat "$R/figures" 2>/dev/null); ${e:-no ADC failure}, $(field "$st" adc_errors) failed reads" > "$R/figures"
}
