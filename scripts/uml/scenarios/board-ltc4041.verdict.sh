# SPDX-License-Identifier: GPL-2.0-only
# Verdict of outage.sh on the seed 002 board (dts/gpio-ups-ltc4041.dts):
# PWRGOOD and SHUTDN (the UPS holds 20 s after it), one 100 F cell; a
# 2.5 W load.
# Verdict: board_judge (scripts/uml/host-lib.sh).
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: board seed 002 (gpio-ups-ltc4041): outage"
scn_boot() {
	board_boot "$1" gpio-ups-ltc4041 -e G_SIM_LOAD_UW=2500000
}
scn_judge() {
	board_judge "$1" gpio-ups-ltc4041
}
