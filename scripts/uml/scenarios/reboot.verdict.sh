# SPDX-License-Identifier: GPL-2.0-only
# Verdict of reboot.sh on the demo board: a reboot (not a power-off) while
# on backup.  The shutdown line must stay deasserted, the guest must come
# up again, and no orderly_poweroff may run.
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: reboot instead of power-off: shutdown line not asserted"
scn_boot() {
	scn_dtb "$1.dtb" || return
	boot 60 "$1.dtb" "$1" reboot
}
scn_judge() {
	local R=$1 rep
	rep=$(restart_report "$R")
	if [ -z "$rep" ]; then
		echo "no restart report from the simulated HAT (the guest did not reboot)"
	else
		[ "$(field "$rep" shutdown_line)" = 0 ] || echo "shutdown line asserted on reboot: $rep"
		grep -q 'policy=on-backup' <<< "$(mark_line "$R" reboot)" ||
			echo "not on backup when rebooting: $(mark_line "$R" reboot)"
	fi
	[ "$(cat "$R/restarted" 2>/dev/null)" = 2 ] || echo "the guest did not come up again after the reboot"
	[ "$(ncalls "$R")" -eq 0 ] || echo "orderly_poweroff ran during the reboot scenario"
}
