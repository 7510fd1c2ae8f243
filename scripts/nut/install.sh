#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the NUT bridge (called by scripts/install.sh): the udev rule and
# helper that keep /run/gpio-ups/<label>.dev current, and the NUT
# configuration examples.  Appends every installed path to MANIFEST, from
# which `make uninstall` removes them.  DESTDIR as for scripts/install.sh.
#
# Usage: scripts/nut/install.sh MANIFEST
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DESTDIR=${DESTDIR:-}
MANIFEST=$1

put() { # put MODE SRC DEST
	install -D -m "$1" "$HERE/$2" "$DESTDIR$3"
	echo "$3" >> "$MANIFEST"
}
put 0755 gpio-ups-nut-state /usr/libexec/gpio-ups/gpio-ups-nut-state
put 0644 90-gpio-ups-nut.rules /usr/lib/udev/rules.d/90-gpio-ups-nut.rules
for f in ups.conf upsd.users upsmon.conf; do
	put 0644 "$f" "/usr/share/gpio-ups/nut/$f"
done
if [ -z "$DESTDIR" ] && command -v udevadm >/dev/null; then
	# write the state file now rather than at the next uevent
	udevadm control --reload || true
	udevadm trigger --action=change --subsystem-match=power_supply || true
fi
cat <<EOT

NUT: /run/gpio-ups/<label>.dev is kept current by udev. To serve the UPS,
install nut-server and copy the lines of /usr/share/gpio-ups/nut/ into
/etc/nut (ups.conf, upsd.users, upsmon.conf; MODE=netserver in nut.conf),
see the user guide.
EOT
