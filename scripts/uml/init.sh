#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# PID 1 of the UML guest (init= on the kernel command line, see boot.sh).
# The root file system is the host's, read-only (hostfs); the run's output
# directory on the host (gpio_ups_out=, from the command line) is mounted
# read-write at /dev/ups-out and holds guest.env, written by boot.sh.
# Nothing is mounted over host directories other than /proc and /sys (the
# repository and the cache may live anywhere, /tmp included): the guest's
# scratch space is a tmpfs on /dev/shm, inside the guest's own devtmpfs.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/shm /dev/ups-out
mount -t tmpfs tmpfs /dev/shm
export TMPDIR=/dev/shm
mount -t hostfs -o "${gpio_ups_out:?no gpio_ups_out= on the kernel command line}" hostfs /dev/ups-out
# shellcheck source=/dev/null
. /dev/ups-out/guest.env
# shellcheck source=scripts/uml/guest-lib.sh
. "$G_ROOT/scripts/uml/guest-lib.sh"

if [ -e /dev/ups-out/restarted ]; then
	# second boot after a reboot scenario: nothing more to do
	echo "guest: booted again after the restart"
	echo 2 > /dev/ups-out/restarted
	power_off
fi

guest_setup
# shellcheck source=/dev/null
. "$G_ROOT/scripts/uml/scenarios/$G_SCENARIO.sh"
mark scenario-end
guest_finish
