# SPDX-License-Identifier: GPL-2.0-only
# Verdict of lowbat.sh on the demo board: the low-battery line asserted 2 s
# into an outage.  The driver must commit at once: one orderly_poweroff no
# earlier than the line and within its debounce (low-battery-debounce-ms,
# else power-fail-debounce-ms) + 1 s.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: low-battery line during an outage: immediate commit"
scn_boot() {
	scn_dtb "$1.dtb" || return
	boot 60 "$1.dtb" "$1" lowbat -e G_SHUTDOWN_WAIT_S=2
}
scn_judge() {
	local R=$1 lbdeb commit_ms
	lbdeb=$(ups_prop "$R.dtb" low-battery-debounce-ms \
		"$(ups_prop "$R.dtb" power-fail-debounce-ms 100)")
	commit_after "$R" lowbat "within 20 s of the low-battery line" || return
	[ "$commit_ms" -ge 0 ] || echo "orderly_poweroff before the low-battery line (${commit_ms} ms)"
	[ "$commit_ms" -le $(( lbdeb + 1000 )) ] ||
		echo "orderly_poweroff ${commit_ms} ms after the low-battery line (debounce ${lbdeb} ms + 1 s allowed)"
	log "low battery: commit ${commit_ms} ms after the line"
	[ "$(ncalls "$R")" -eq 1 ] || echo "orderly_poweroff ran $(ncalls "$R") times"
}
