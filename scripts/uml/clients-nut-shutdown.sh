#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SHUTDOWNCMD of the upsmon instances of the clients system test: records
# which instance ran it and when (guest uptime, the clock of the marks).
read -r up _ < /proc/uptime
echo "$up $1" >> /dev/ups-out/nut-shutdowns
