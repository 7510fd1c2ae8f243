#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make install / make uninstall into a temporary DESTDIR: the DKMS source
# tree and every overlay are installed (dkms itself is not run under a
# DESTDIR), the config.txt line is printed, config.txt is left untouched,
# and uninstall removes every installed file. Run for the current Raspberry
# Pi OS layout (/boot/firmware/overlays) and the older one (/boot/overlays).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs device-tree-compiler cpp make || exit 1
W=$(step_dir)
VERSION=$(make -s -C "$GPIO_UPS_ROOT" version)
rc=0

for layout in firmware legacy; do
	D="$W/destdir-$layout"
	rm -rf "$D"
	if [ $layout = firmware ]; then
		ovdir=/boot/firmware/overlays
		set --
	else
		ovdir=/boot/overlays
		set -- OVERLAY_DIR=$ovdir
	fi
	cfg="$D$(dirname "$ovdir")/config.txt"
	mkdir -p "$(dirname "$cfg")"
	printf '[all]\ndtparam=i2c_arm=on\n' >"$cfg"
	sum=$(sha256sum <"$cfg")

	name="install: make install DESTDIR ($ovdir)"
	errs=()
	if out=$(make -s -C "$GPIO_UPS_ROOT" install DESTDIR="$D" "$@" 2>"$W/install-$layout.err"); then
		src="$D/usr/src/gpio-ups-$VERSION"
		for f in dkms.conf Kbuild Makefile; do
			[ -f "$src/$f" ] || errs+=("missing $src/$f")
		done
		ls "$src"/drivers/power/supply/*.c >/dev/null 2>&1 ||
			errs+=("no driver sources in $src/drivers/power/supply")
		for s in "$GPIO_UPS_ROOT"/dts/*.dts; do
			o="$D$ovdir/$(basename "$s" .dts).dtbo"
			if [ ! -f "$o" ]; then
				errs+=("missing $o")
			elif ! fdtget -t s "$o" / compatible >/dev/null 2>&1; then
				errs+=("$o is not a valid overlay")
			fi
		done
		grep -qx ' *dtoverlay=gpio-ups' <<<"$out" ||
			errs+=("no config.txt line printed")
		[ "$(sha256sum <"$cfg")" = "$sum" ] || errs+=("config.txt was modified")
	else
		errs+=("make install failed:" "$(tail -5 "$W/install-$layout.err")")
	fi
	if [ ${#errs[@]} -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "${errs[@]}"
		rc=1
	fi

	name="install: make uninstall DESTDIR ($ovdir) removes every file"
	errs=()
	if make -s -C "$GPIO_UPS_ROOT" uninstall DESTDIR="$D" "$@" >&2 2>>"$W/install-$layout.err"; then
		left=$(find "$D" -type f ! -path "$cfg")
		[ -z "$left" ] || errs+=("left behind:" "$left")
		[ -f "$cfg" ] && [ "$(sha256sum <"$cfg")" = "$sum" ] ||
			errs+=("config.txt was modified or removed")
	else
		errs+=("make uninstall failed:" "$(tail -5 "$W/install-$layout.err")")
	fi
	if [ ${#errs[@]} -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "${errs[@]}"
		rc=1
	fi
done
exit $rc
