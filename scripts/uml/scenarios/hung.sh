# SPDX-License-Identifier: GPL-2.0-only
# Long outage whose shutdown hangs (poweroff_cmd never finishes: run with
# G_SHUTDOWN_WAIT_S larger than the store lasts): the driver's forced
# emergency power-off must end the run before the store runs dry.
# shellcheck shell=bash
mark hung-start
simctl mains 0
wait_poweroff "${G_LONG_TIMEOUT_S:-120}" || mark hung-timeout
sleep 3600
