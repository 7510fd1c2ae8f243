#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# PID 1 of the UML guest (init= on the kernel command line, see boot.sh).
# The root file system is the host's, read-only (hostfs); the run's output
# directory on the host (gpio_ups_out=, from the command line) is mounted
# read-write at /tmp/out and holds guest.env, written by boot.sh.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /tmp/out
mount -t hostfs -o "${gpio_ups_out:?no gpio_ups_out= on the kernel command line}" hostfs /tmp/out
# shellcheck source=/dev/null
. /tmp/out/guest.env
# shellcheck source=scripts/uml/guest-lib.sh
. "$G_ROOT/scripts/uml/guest-lib.sh"

if [ -e /tmp/out/restarted ]; then
	# second boot after a reboot scenario: nothing more to do
	echo "guest: booted again after the restart"
	echo 2 > /tmp/out/restarted
	echo o > /proc/sysrq-trigger
	sleep 3600
fi

guest_setup
# shellcheck source=/dev/null
. "$G_ROOT/scripts/uml/scenarios/$G_SCENARIO.sh"
mark scenario-end
guest_finish
