# SPDX-License-Identifier: GPL-2.0-only
# Verdict of adcfail.sh on the demo board: every ADC read fails from 2 s
# into an outage.  The driver must not commit on the first bad reading
# (not before 300 ms) but dead-reckon from the last readings and commit
# when that reaches the reserve: one orderly_poweroff, taken by dead
# reckoning, no brownout.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: ADC failing mid-outage: dead reckoning commits, no brownout, no oops"
scn_boot() {
	scn_dtb "$1.dtb" || return
	boot 90 "$1.dtb" "$1" adcfail -e G_SHUTDOWN_WAIT_S=2 -e G_WAIT_S=45
}
scn_judge() {
	local R=$1 fb commit_ms
	fb=$(ups_prop "$R.dtb" fallback-shutdown-ms 3000)
	commit_after "$R" adcfail "within 45 s of the ADC failure" || return
	[ "$commit_ms" -ge 300 ] || echo "committed ${commit_ms} ms after the ADC failed: on the first bad reading"
	grep -q 'shutdown committed (dead-reckoning)' "$R/console.log" ||
		echo "the commit was not taken by dead reckoning: $(grep -m1 'shutdown committed' "$R/console.log")"
	log "adc failure: commit ${commit_ms} ms after the ADC failed, by dead reckoning (fallback ${fb} ms not used)"
	[ "$(ncalls "$R")" -eq 1 ] || echo "orderly_poweroff ran $(ncalls "$R") times"
	[ "$(field "$(poweroff_report "$R")" brownout)" = 0 ] || echo "store ran dry: $(poweroff_report "$R")"
}
