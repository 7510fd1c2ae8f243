# SPDX-License-Identifier: GPL-2.0-only
# Flapping mains: during the outage power good comes back for G_FLAP_MS
# every G_FLAP_PERIOD_MS (seed 003: a power strip that cuts one wire leaves
# the wall adapter restarting now and then), charging the store at
# G_SIM_CHARGE_UA while it is back.  The outage must still end in one
# orderly power-off.  Verdicts: flap-gpio.verdict.sh, flap-adc.verdict.sh.
# shellcheck shell=bash
outage_setup
simctl flap_ms "${G_FLAP_MS:-300}"
simctl flap_period_ms "${G_FLAP_PERIOD_MS:-4000}"
say "scenario: outage with mains back for ${G_FLAP_MS:-300} ms every ${G_FLAP_PERIOD_MS:-4000} ms"
outage_start
wait_poweroff_or_brownout "${G_WAIT_S:-60}"
mark flap-end "$(cat "$SIM/status")"
