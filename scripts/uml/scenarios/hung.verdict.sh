# SPDX-License-Identifier: GPL-2.0-only
# Verdict of hung.sh on the demo board: a long outage whose shutdown never
# finishes.  The driver's forced emergency power-off must end the run, once,
# before the store runs dry.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: shutdown hangs: one forced power-off before the store runs dry"
scn_boot() {
	scn_dtb "$1.dtb" || return
	boot 150 "$1.dtb" "$1" hung -e G_SHUTDOWN_WAIT_S=600
}
scn_judge() {
	local R=$1 rep n
	rep=$(poweroff_report "$R")
	if [ -z "$(mark_t "$R" hung-start)" ]; then
		echo "scenario did not run"
	elif [ "$(ncalls "$R")" -lt 1 ]; then
		echo "no orderly_poweroff in the outage"
	elif [ -z "$rep" ]; then
		echo "the system stayed up with the shutdown hung: no forced power-off"
	else
		[ "$(field "$rep" brownout)" = 0 ] || echo "the store ran dry before the forced power-off: $rep"
		n=$(grep -c 'gpio-ups.*still up' "$R/console.log")
		[ "$n" -le 1 ] || printf '%s\n' "the forced power-off was started $n times (once expected):" \
			"$(grep -m3 'gpio-ups.*still up' "$R/console.log")"
		log "hung shutdown: $rep; emergency messages: $n"
	fi
}
