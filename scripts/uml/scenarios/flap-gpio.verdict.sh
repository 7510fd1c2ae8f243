# SPDX-License-Identifier: GPL-2.0-only
# Verdict of flap.sh on a GPIO-only board (the demo board without its ADC:
# fallback-shutdown-ms 10 s, 8 s shutdown at half load): mains comes back
# for 300 ms every 4 s during the outage, as behind seed 003's power strip.
# Without an ADC only the fallback timer can commit, so short returns must
# not restart it: one orderly power-off within fallback-shutdown-ms (+3 s)
# of the cut, no brownout, the shutdown's energy still in the store.
# The store starts at 4.0 V (62 J usable) and is charged at 2 A while mains
# is back: it runs dry about 35 s after the cut.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: flapping mains (back 300 ms every 4 s), GPIO-only board: one orderly power-off on the fallback timer, no brownout, shutdown energy in store"
scn_boot() {
	scn_dtb "$1.dtb" io-channels= io-channel-names= -- \
		initial-microvolt=4000000 charge-current-microamp=0 || return
	boot 80 "$1.dtb" "$1" flap -e G_FLAP_MS=300 -e G_FLAP_PERIOD_MS=4000 \
		-e G_SIM_CHARGE_UA=2000000 -e G_WAIT_S=50 -e G_SHUTDOWN_WAIT_S=6
}
scn_judge() {
	local R=$1 fb os call ct st
	grep -q 'no ADC (GPIO only)' "$R/console.log" 2>/dev/null ||
		echo "the driver did not bind as a GPIO-only UPS: $(grep -m1 'gpio-ups.*ups:' "$R/console.log")"
	outage_judge "$R"
	fb=$(ups_prop "$R.dtb" fallback-shutdown-ms 3000)
	os=$(mark_t "$R" outage-start)
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	if [ -n "$os" ] && [ -n "$call" ]; then
		ct=$(ms_between "$os" "${call%% *}")
		[ "$ct" -le $(( fb + 3000 )) ] ||
			echo "committed ${ct} ms after the cut: the fallback timer (${fb} ms) was restarted by the short returns of mains"
	fi
	# the fault: power good came back again and again
	st=$(last_status "$R")
	[ "$(field "$st" flaps)" -ge 3 ] 2>/dev/null ||
		echo "fault not injected: mains came back $(field "$st" flaps) times ($st)"
	echo "$(cat "$R/figures" 2>/dev/null); mains back $(field "$st" flaps) times" > "$R/figures"
}
