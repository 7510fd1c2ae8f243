# SPDX-License-Identifier: GPL-2.0-only
# ADC fails in the middle of an outage: the driver dead-reckons from the
# last readings and commits when that reaches the reserve.
# shellcheck shell=bash
simctl mains 0
sleep 2
mark adcfail policy=$(policy)
simctl adc_fail 1
wait_poweroff "${G_WAIT_S:-30}" || mark adcfail-timeout
