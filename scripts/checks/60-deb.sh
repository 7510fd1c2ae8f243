#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian package gpio-ups-dkms (debian/, debhelper + dh-dkms), built
# with `make deb` (scripts/deb.sh) and inspected:
#  - lintian (Debian 12) reports no error and no warning;
#  - it installs the module's sources for DKMS under
#    /usr/src/gpio-ups-<version> (identical to the tree's), depends on dkms,
#    and its maintainer scripts run DKMS (dh_dkms) and the overlay helper;
#  - it ships every overlay dts/ builds, and the helper copies them next to
#    config.txt (/boot/firmware/overlays, or /boot/overlays on the older
#    layout), leaves config.txt alone and removes exactly its copies
#    (run under DPKG_ROOT in a scratch root);
#  - the packaged sources build (32-bit ARM, 6.12, W=1, no warning).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs dpkg-dev debhelper dh-dkms lintian device-tree-compiler cpp rsync || exit 1
W=$(step_dir)
R=$GPIO_UPS_ROOT
rc=0

name="deb: make deb builds gpio-ups-dkms"
if ! deb=$(DEB_OUT="$W/deb" make -s -C "$R" deb 2>"$W/deb.log" | tail -n1) || [ ! -f "$deb" ]; then
	fail "$name" "$(tail -n 15 "$W/deb.log")"
	exit 1
fi
cat "$W/deb.log" >&2
pass "$name ($(basename "$deb"), $(stat -c %s "$deb") bytes)"
VERSION=$(dpkg-deb -f "$deb" Version)
changes=$(ls "$(dirname "$deb")"/gpio-ups_"$VERSION"_*.changes 2>/dev/null | head -n1)

name="deb: lintian reports no error or warning"
lintian --fail-on error,warning --display-info "$deb" ${changes:+"$changes"} >"$W/lintian.log" 2>&1
st=$?
out=$(grep -v '^running with root privileges' "$W/lintian.log")
log "$out"
if [ "$st" -eq 0 ] && ! grep -q '^[EW]: ' <<<"$out"; then
	pass "$name${out:+ (info: $(printf '%s\n' "$out" | grep -c '^I: ') tags)}"
else
	fail "$name" "$out"
	rc=1
fi

X="$W/root"
rm -rf "$X"
mkdir -p "$X"
dpkg-deb -x "$deb" "$X"
dpkg-deb -e "$deb" "$X/DEBIAN"

name="deb: DKMS sources in /usr/src/gpio-ups-$VERSION, Depends: dkms, maintainer scripts run DKMS"
errs=()
S="$X/usr/src/gpio-ups-$VERSION"
for f in Kbuild Makefile dkms.conf $(cd "$R" && ls drivers/power/supply/*.[ch]); do
	cmp -s "$R/$f" "$S/$f" || errs+=("$S/$f missing or not the tree's")
done
grep -q "^PACKAGE_NAME=\"gpio-ups\"" "$S/dkms.conf" || errs+=("dkms.conf: no PACKAGE_NAME")
dpkg-deb -f "$deb" Depends | contains -w dkms || errs+=("Depends has no dkms: $(dpkg-deb -f "$deb" Depends)")
grep -q 'dkms' "$X/DEBIAN/postinst" || errs+=("postinst does not run DKMS")
grep -q 'gpio-ups-overlays install' "$X/DEBIAN/postinst" || errs+=("postinst does not install the overlays")
grep -q 'dkms' "$X/DEBIAN/prerm" || errs+=("prerm does not remove the module from DKMS")
if [ ${#errs[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${errs[@]}"; rc=1; fi

name="deb: ships every overlay; the helper installs them beside config.txt and removes them"
errs=()
for s in "$R"/dts/*.dts; do
	o="$X/usr/share/gpio-ups/overlays/$(basename "$s" .dts).dtbo"
	[ -f "$o" ] || errs+=("missing $o")
done
H="$X/usr/share/gpio-ups/gpio-ups-overlays"
for layout in /boot/firmware /boot; do
	rm -rf "$X/boot" "$X/var"
	mkdir -p "$X$layout/overlays"
	printf '[all]\ndtparam=i2c_arm=on\n' >"$X$layout/config.txt"
	sum=$(sha256sum <"$X$layout/config.txt")
	if ! DPKG_ROOT=$X "$H" install 2>>"$W/helper.log"; then
		errs+=("$layout: the helper failed (install)")
		continue
	fi
	n=$(ls "$X$layout/overlays"/*.dtbo 2>/dev/null | wc -l)
	[ "$n" -eq "$(ls "$R"/dts/*.dts | wc -l)" ] || errs+=("$layout/overlays: $n overlays copied")
	[ "$(sha256sum <"$X$layout/config.txt")" = "$sum" ] || errs+=("$layout/config.txt was changed")
	DPKG_ROOT=$X "$H" remove 2>>"$W/helper.log" || errs+=("$layout: the helper failed (remove)")
	left=$(ls "$X$layout/overlays" 2>/dev/null)
	[ -z "$left" ] || errs+=("$layout/overlays after remove:" "$left")
done
rm -rf "$X/boot" "$X/var"
DPKG_ROOT=$X "$H" install 2>>"$W/helper.log" || errs+=("no config.txt: the helper failed")
[ ! -e "$X/boot" ] || errs+=("no config.txt: the helper created $(find "$X/boot" | head -3)")
if [ ${#errs[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${errs[@]}"; rc=1; fi

name="deb: the packaged sources build (6.12 armhf, W=1, no warnings)"
need_pkgs gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf "${KBUILD_PKGS[@]}" || exit 1
if ! SRC=$(src_6_12) ||
	! KB=$(prep_tree linux-6.12-armhf "$SRC" arm arm-linux-gnueabihf- bcm2835_defconfig); then
	fail "$name" "preparing the 6.12 armhf tree failed (see the step log)"
	exit 1
fi
B="$W/build"
rm -rf "$B"
cp -a "$S" "$B"
make -C "$B" KDIR="$KB" ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- W=1 \
	KBUILD_MODPOST_WARN=1 -j"$JOBS" </dev/null >"$W/build.log" 2>&1
st=$?
cat "$W/build.log" >&2
probs=$(build_problems "$W/build.log" "$KBUILD_NOSYMVERS_OK")
if [ $st -eq 0 ] && [ -f "$B/gpio-ups.ko" ] && [ -z "$probs" ]; then
	pass "$name"
else
	fail "$name" "$probs" "log: $W/build.log"
	rc=1
fi
exit $rc
