# SPDX-License-Identifier: GPL-2.0-only
# System test boot 1: a glitch shorter than the debounce, an outage ridden
# through, then a long outage until the driver commits and orderly_poweroff
# runs poweroff_cmd (guest-poweroff.sh takes the full shutdown duration).
# Host-side assertions: system.verdict.sh.
# shellcheck shell=bash
deb=${G_DEBOUNCE_MS:-200}
say "scenario: glitch of $((deb / 2)) ms (debounce $deb ms)"
mark glitch-start
simctl glitch_ms $((deb / 2))
sleep 2
mark glitch-end policy=$(policy)

say "scenario: outage of ${G_RIDE_S:-3} s, ridden through"
mark ride-start
simctl mains 0
sleep "${G_RIDE_S:-3}"
mark ride-mid policy=$(policy)
simctl mains 1
sleep 2
mark ride-end policy=$(policy)

say "scenario: long outage"
mark long-start
simctl mains 0
wait_poweroff "${G_LONG_TIMEOUT_S:-120}" || mark long-timeout
