# SPDX-License-Identifier: GPL-2.0-only
# Low-battery line asserted during an outage: the driver commits at once.
# shellcheck shell=bash
simctl mains 0
sleep 2
mark lowbat policy=$(policy)
simctl low_battery 1
wait_poweroff 20 || mark lowbat-timeout
