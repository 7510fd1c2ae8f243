# SPDX-License-Identifier: GPL-2.0-only
# Reboot (not power off) while on backup: the shutdown line must stay
# deasserted.  The guest boots again (UML re-executes itself) and init.sh
# powers off at once.
# shellcheck shell=bash
simctl mains 0
sleep 2
mark reboot policy=$(policy)
dmesg > "$OUT/dmesg.log" 2>/dev/null
echo 1 > "$OUT/restarted"
"$G_BIN/sys-reboot" restart
sleep 3600
