# SPDX-License-Identifier: GPL-2.0-only
# Verdicts of system.sh on the demo board (demo-dtb.sh): one boot, four
# checks.  A glitch of half the debounce must go unseen; an outage of 3 s
# is ridden through with a uevent for the loss and one for the return; the
# long outage then ends in exactly one orderly_poweroff with the shutdown's
# energy in the store, the shutdown load measured by the driver at
# shutdown-load-percent of the running load (-5/+15 points), no brownout
# and no forced power-off; the shutdown line is asserted at power-off only.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_checks=(
	"system: glitch shorter than the debounce: no uevent, no shutdown|judge_glitch"
	"system: outage ridden through: uevents for loss and return, no shutdown|judge_ride"
	"system: long outage: exactly one orderly_poweroff, energy left for the shutdown, shutdown load measured|judge_long"
	"system: shutdown line asserted only at power-off|judge_line"
)
scn_boot() {
	scn_dtb "$1.dtb" || return
	boot 200 "$1.dtb" "$1" system \
		-e G_DEBOUNCE_MS="$(ups_prop "$1.dtb" power-fail-debounce-ms 100)"
}
judge_glitch() {
	local R=$1 deb gs ge ev
	deb=$(ups_prop "$R.dtb" power-fail-debounce-ms 100)
	gs=$(mark_t "$R" glitch-start) ge=$(mark_t "$R" glitch-end)
	if [ -z "$gs" ] || [ -z "$ge" ]; then
		echo "scenario did not run (no marks); guest errors: $(cat "$R/errors" 2>/dev/null)"
		return
	fi
	ev=$(uevents "$R" "$gs" "$ge")
	[ -z "$ev" ] || printf '%s\n' "uevents during a $((deb / 2)) ms glitch:" "$ev"
	grep -q 'policy=on-backup\|policy=shutdown' <<< "$(mark_line "$R" glitch-end)" &&
		echo "policy_state after the glitch: $(mark_line "$R" glitch-end)"
	awk -v a="$gs" -v b="$ge" '$1 >= a && $1 < b' "$R/poweroff-calls" 2>/dev/null | contains . &&
		echo "orderly_poweroff during the glitch"
}
judge_ride() {
	local R=$1 rs rm_ re
	rs=$(mark_t "$R" ride-start) rm_=$(mark_t "$R" ride-mid) re=$(mark_t "$R" ride-end)
	if [ -z "$rs" ] || [ -z "$re" ]; then
		echo "scenario did not run to its end (marks: $(tr '\n' ';' < "$R/marks" 2>/dev/null))"
		return
	fi
	uevents "$R" "$rs" "$rm_" | is_loss | contains . ||
		printf '%s\n' "no uevent reporting the loss of mains within the outage" "$(uevents "$R" "$rs" "$re")"
	uevents "$R" "$rm_" "$re" | is_return | contains . ||
		printf '%s\n' "no uevent reporting the return of mains" "$(uevents "$R" "$rs" "$re")"
	awk -v b="$re" '$1 < b' "$R/poweroff-calls" 2>/dev/null | contains . &&
		echo "orderly_poweroff during an outage the store could ride through"
}
judge_long() {
	local R=$1 dur sdpct ls_ n call e rep sd pct ct
	dur=$(ups_prop "$R.dtb" shutdown-duration-ms 20000)
	sdpct=$(ups_prop "$R.dtb" shutdown-load-percent 100)
	ls_=$(mark_t "$R" long-start)
	n=$(ncalls "$R")
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	if [ -z "$ls_" ]; then
		echo "long outage not reached"
		return
	elif [ "$n" -ne 1 ]; then
		echo "orderly_poweroff ran $n times (poweroff_cmd calls), expected 1"
		[ "$n" -eq 0 ] || cat "$R/poweroff-calls"
		return
	fi
	e=$(energy_ok "$call" "$dur" "$sdpct")
	[ -z "$e" ] || echo "$e"
	rep=$(poweroff_report "$R")
	[ -n "$rep" ] || echo "the guest did not reach power-off"
	[ "$(field "$rep" brownout)" = 0 ] && [ "$(field "$(cat "$R/poweroff-end" 2>/dev/null)" brownout)" = 0 ] ||
		echo "the store ran dry before power-off: ${rep:-no report}"
	grep -q 'HARDWARE PROTECTION' "$R/console.log" &&
		printf '%s\n' "forced emergency power-off during a shutdown that stayed within shutdown-duration-ms:" \
			"$(grep -m2 -E 'HARDWARE PROTECTION|still up' "$R/console.log")"
	# the driver's measurement of the shutdown, logged at power-off: the
	# guest shuts down at shutdown-load-percent of its running load
	sd=$(grep -o 'power-off [0-9]* ms after the commit; the shutdown drew [0-9]* mW, [0-9]*%' \
		"$R/console.log" | tail -n1)
	pct=$(sed -n 's/.*mW, \([0-9]*\)%$/\1/p' <<< "$sd")
	if [ -z "$pct" ]; then
		echo "the driver logged no measurement of the shutdown at power-off"
	elif [ "$pct" -lt $(( sdpct - 5 )) ] || [ "$pct" -gt $(( sdpct + 15 )) ]; then
		echo "measured shutdown load ${pct}% of the running load; the guest shut down at ${sdpct}%: $sd"
	fi
	ct=${call%% *}
	log "long outage: ${sd:-no shutdown measurement}"
	log "long outage: commit $(awk -v a="$ct" -v b="$ls_" 'BEGIN { printf "%.1f", a - b }') s after the cut, usable $(( $(field "$call" usable_uj) / 1000 )) mJ, load $(( $(field "$call" load_uw) / 1000 )) mW, shutdown ${dur} ms"
}
judge_line() {
	local R=$1 call end rep
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	if [ -z "$call" ]; then
		echo "no orderly_poweroff in the long outage"
		return
	fi
	[ "$(field "$call" shutdown)" = 0 ] || echo "shutdown line asserted at the commit (before power-off): $call"
	end=$(cat "$R/poweroff-end" 2>/dev/null)
	[ -z "$end" ] || [ "$(field "$end" shutdown)" = 0 ] ||
		echo "shutdown line asserted while the system was still shutting down: $end"
	grep -q 'shutdown line asserted while running' "$R/console.log" &&
		grep 'shutdown line asserted while running' "$R/console.log" | head -n1
	rep=$(poweroff_report "$R")
	[ "$(field "$rep" shutdown_line)" = 1 ] || echo "shutdown line not asserted at power-off: ${rep:-no power-off report}"
}
