# SPDX-License-Identifier: GPL-2.0-only
# Verdict of outage.sh on the seed 003 board (dts/gpio-ups-ltc4041-stm32.dts):
# power good on GPIO3 (the header I2C bus off), active-low shutdown on
# GPIO26; a 2.5 W load.
# Verdict: board_judge (scripts/uml/host-lib.sh).
# Sourced by scripts/checks/70-system.sh (see scripts/uml/host-lib.sh).
# shellcheck shell=bash
scn_name="system: board seed 003 (gpio-ups-ltc4041-stm32): outage"
scn_boot() {
	board_boot "$1" gpio-ups-ltc4041-stm32 -e G_SIM_LOAD_UW=2500000
}
scn_judge() {
	board_judge "$1" gpio-ups-ltc4041-stm32
}
