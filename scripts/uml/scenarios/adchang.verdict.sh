# SPDX-License-Identifier: GPL-2.0-only
# Verdict of adchang.sh on the demo board (15 F, 8 s shutdown at half of
# the 2.5 W load, shutdown line on GPIO5): 1 s into the outage every ADC
# read hangs, so gpio-ups' sampling work is stuck in a read when the system
# powers off.  The store starts at 3.6 V (43 J usable) and runs dry about
# 17 s after the cut at the running load.  Verdict: the shutdown line is
# asserted at power-off (gpio-ups' .shutdown must not wait for the read)
# before the store runs dry; and, as for every outage, one orderly
# power-off with the shutdown's energy in the store.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: ADC read hung at power-off: shutdown line asserted, one orderly power-off, no brownout"
scn_boot() {
	scn_dtb "$1.dtb" -- initial-microvolt=3600000 charge-current-microamp=0 || return
	boot 45 "$1.dtb" "$1" adchang -e G_HANG_AFTER_S=1 -e G_WAIT_S=30 \
		-e G_SHUTDOWN_WAIT_S=6
}
scn_judge() {
	local R=$1 down rep asserted hung bo line
	hung=$(grep -o 'ADC read hangs (adc_hang).*' "$R/console.log" 2>/dev/null | head -n1)
	down=$(grep -o 'sim-hat: going down (power-off):.*' "$R/console.log" 2>/dev/null | head -n1)
	rep=$(poweroff_report "$R")
	asserted=$(grep -o 'shutdown line asserted while the system goes down.*' "$R/console.log" 2>/dev/null | head -n1)
	bo=$(grep -o 'BROWNOUT:.*' "$R/console.log" 2>/dev/null | head -n1)
	[ -n "$hung" ] || echo "fault not injected: no hung ADC read in the guest log"
	grep -q 'ADC read released' "$R/console.log" 2>/dev/null &&
		echo "the ADC read was released before the end: $(grep -m1 'ADC read released' "$R/console.log")"
	if [ -z "$down" ]; then
		echo "the system never started to power off"
	elif [ "$(field "$rep" shutdown_line)" != 1 ] && [ -z "$asserted" ]; then
		echo "shutdown line never asserted: power-off started (${down#sim-hat: }) but did not reach the power-off handlers (gpio-ups .shutdown waiting for the hung ADC read?)${bo:+; then $bo}"
	elif [ -n "$bo" ] && [ -z "$rep" ]; then
		echo "the store ran dry before the power-off finished: $bo"
	fi
	outage_judge "$R"
	if [ -n "$asserted" ]; then
		line="$asserted"
	elif [ -n "$rep" ]; then
		line="shutdown_line=$(field "$rep" shutdown_line) at power-off"
	else
		line="shutdown line not asserted"
	fi
	echo "$(cat "$R/figures" 2>/dev/null); ${hung:+ADC read hung; }${down:-power-off never started}; $line" > "$R/figures"
}
