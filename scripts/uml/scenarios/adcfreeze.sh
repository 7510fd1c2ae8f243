# SPDX-License-Identifier: GPL-2.0-only
# Frozen ADC: G_FREEZE_AFTER_S into the outage the ADC keeps returning the
# value it reads then (plus the noise_lsb noise, G_SIM_NOISE_LSB) while the
# store keeps draining.  The outage must still end in one orderly
# power-off.  Verdict: adcfreeze.verdict.sh.
# shellcheck shell=bash
outage_setup
outage_start
sleep "${G_FREEZE_AFTER_S:-2}"
mark adc-freeze policy=$(policy) "$(cat "$SIM/status")"
simctl adc_freeze 1
wait_poweroff_or_brownout "${G_WAIT_S:-60}"
