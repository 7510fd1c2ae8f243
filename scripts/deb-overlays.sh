#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installed as /usr/share/gpio-ups/gpio-ups-overlays by the gpio-ups-dkms
# package; its maintainer scripts run it.
#
#   gpio-ups-overlays install   copy /usr/share/gpio-ups/overlays/*.dtbo to
#                               the firmware's overlay directory: the one
#                               beside config.txt (/boot/firmware/overlays
#                               on Raspberry Pi OS bookworm and later,
#                               /boot/overlays before); nothing elsewhere
#   gpio-ups-overlays remove    delete the copies it made
#
# The copies are listed in /var/lib/gpio-ups/installed-overlays. config.txt
# is never changed. Honours DPKG_ROOT (dpkg's root for maintainer scripts).
set -e

ROOT=${DPKG_ROOT:-}
SRC=$ROOT/usr/share/gpio-ups/overlays
LIST=$ROOT/var/lib/gpio-ups/installed-overlays

overlay_dir() {
	if [ -f "$ROOT/boot/firmware/config.txt" ]; then
		echo /boot/firmware/overlays
	elif [ -f "$ROOT/boot/config.txt" ] && [ -d "$ROOT/boot/overlays" ]; then
		echo /boot/overlays
	fi
}

case "$1" in
install)
	dir=$(overlay_dir)
	if [ -z "$dir" ]; then
		echo "gpio-ups: no Raspberry Pi firmware config.txt found; the overlays are in /usr/share/gpio-ups/overlays" >&2
		exit 0
	fi
	mkdir -p "$ROOT$dir" "$(dirname "$LIST")"
	: >"$LIST.new"
	for f in "$SRC"/*.dtbo; do
		[ -e "$f" ] || continue
		cp "$f" "$ROOT$dir/"
		echo "$dir/$(basename "$f")" >>"$LIST.new"
	done
	mv "$LIST.new" "$LIST"
	echo "gpio-ups: overlays installed in $dir; enable the UPS with one line in $(dirname "$dir")/config.txt, e.g. dtoverlay=gpio-ups (see /usr/share/doc/gpio-ups-dkms/gpio-ups.rst)" >&2
	;;
remove)
	if [ -f "$LIST" ]; then
		while read -r f; do
			[ -n "$f" ] && rm -f "$ROOT$f"
		done <"$LIST"
		rm -f "$LIST"
		rmdir "$(dirname "$LIST")" 2>/dev/null || true
	fi
	;;
*)
	echo "usage: $0 install|remove" >&2
	exit 2
	;;
esac
