# SPDX-License-Identifier: GPL-2.0-only
# Verdict of outage.sh on the seed 001 board (dts/gpio-ups-sla.dts):
# BATT as power good, LOW as low battery, no shutdown line.  An SLA battery is
# modelled by a store whose low-battery comparator trips at 3.6 V, as the
# board's LOW line does at ~40 %; a 2.5 W load.
# Verdict: board_judge (scripts/uml/host-lib.sh).
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: board seed 001 (gpio-ups-sla): outage"
scn_boot() {
	board_boot "$1" gpio-ups-sla -e G_SIM_VOLTAGE_UV=3750000 -e G_SIM_LOWBAT_UV=3600000 -e G_SIM_LOAD_UW=2500000
}
scn_judge() {
	board_judge "$1" gpio-ups-sla
}
