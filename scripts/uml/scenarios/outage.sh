# SPDX-License-Identifier: GPL-2.0-only
# One outage until the driver commits, on a board configuration from dts/.
# G_SIM_VOLTAGE_UV, G_SIM_LOAD_UW, G_SIM_LOWBAT_UV set up the simulated store.
# shellcheck shell=bash
[ -z "${G_SIM_LOAD_UW:-}" ] || simctl load_uw "$G_SIM_LOAD_UW"
[ -z "${G_SIM_LOWBAT_UV:-}" ] || simctl low_battery_uv "$G_SIM_LOWBAT_UV"
[ -z "${G_SIM_VOLTAGE_UV:-}" ] || simctl voltage_uv "$G_SIM_VOLTAGE_UV"
sleep 1
mark outage-start policy=$(policy)
simctl mains 0
wait_poweroff "${G_WAIT_S:-60}" || mark outage-timeout
