# SPDX-License-Identifier: GPL-2.0-only
# ADC lost mid-outage: G_FAIL_AFTER_S into the outage every ADC read fails
# with -G_FAIL_ERRNO (default 110, ETIMEDOUT) after G_FAIL_DELAY_MS (an I2C
# controller timing out).  The outage must still end in one orderly
# power-off, in time for the shutdown.  Verdict: adclost.verdict.sh.
# shellcheck shell=bash
outage_setup
simctl adc_fail_errno "${G_FAIL_ERRNO:-110}"
simctl adc_fail_delay_ms "${G_FAIL_DELAY_MS:-0}"
outage_start
sleep "${G_FAIL_AFTER_S:-3}"
mark adc-lost policy=$(policy) "$(cat "$SIM/status")"
simctl adc_fail 1
wait_poweroff_or_brownout "${G_WAIT_S:-60}"
