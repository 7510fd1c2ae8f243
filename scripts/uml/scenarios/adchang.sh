# SPDX-License-Identifier: GPL-2.0-only
# ADC read that hangs: G_HANG_AFTER_S into the outage every ADC read blocks
# (adc_hang) and stays blocked.  The driver commits without the ADC, the
# guest's shutdown (poweroff_cmd) ends in kernel_power_off(), and gpio-ups'
# .shutdown runs while its sampling work is stuck in the read: the shutdown
# line must still be asserted before the store runs dry.  If the driver
# does not commit within G_WAIT_S, the guest powers off by itself, so that
# the power-off path is tested anyway.  Verdict: adchang.verdict.sh.
# shellcheck shell=bash
outage_setup
outage_start
sleep "${G_HANG_AFTER_S:-1}"
mark adc-hang policy=$(policy) "$(cat "$SIM/status")"
simctl adc_hang 1
if ! wait_poweroff_or_brownout "${G_WAIT_S:-30}"; then
	mark self-poweroff "$(cat "$SIM/status")"
	dmesg > "$OUT/dmesg.log" 2>/dev/null
	power_off
fi
