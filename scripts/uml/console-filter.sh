#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest console of boot.sh as a demo shows it, line by line as it comes:
# from the start of init on, the story lines of the guest as they are; of
# the kernel log only the lines matching PATTERN (an awk regex), as
# "  kernel: ..."; the UML start-up chatter dropped.
#
# Usage: boot.sh ... | console-filter.sh PATTERN
exec awk -v pat="${1:?usage: $0 PATTERN}" '
	{ sub(/\r$/, "") }
	/ Run .* as init process/ { started = 1; next }
	!started { next }
	/^\[ *[0-9]+\.[0-9]+\] / {
		if ($0 ~ pat) {
			sub(/^\[ *[0-9]+\.[0-9]+\] /, "  kernel: "); print; fflush()
		}
		next
	}
	/^(Core dump limits|Checking |Adding [0-9]+ bytes|\t(soft|hard) - )/ { next }
	{ print; fflush() }'
