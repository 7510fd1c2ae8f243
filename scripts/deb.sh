#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make deb`: build the Debian package gpio-ups-dkms from this tree
# (debian/: debhelper with dh-dkms, as Debian's own *-dkms packages).
#
# Usage: scripts/deb.sh [OUTDIR]
#   OUTDIR defaults to $DEB_OUT or build/deb in the repository. The tree is copied to
#   OUTDIR/gpio-ups-<version> (without .git and build products) and built
#   there with dpkg-buildpackage -b; the .deb lands in OUTDIR and its path
#   is printed. As root the build dependencies are installed with apt-get.
# Install it on the Pi with:  sudo apt install ./gpio-ups-dkms_<version>_all.deb
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:-${DEB_OUT:-$GPIO_UPS_ROOT/build/deb}}
need_pkgs dpkg-dev debhelper dh-dkms device-tree-compiler cpp rsync
VERSION=$(dpkg-parsechangelog -l "$GPIO_UPS_ROOT/debian/changelog" -S Version)
SRC="$OUT/gpio-ups-$VERSION"
mkdir -p "$OUT"
rm -rf "$SRC" "$OUT"/gpio-ups-dkms_*.deb "$OUT"/gpio-ups_*.buildinfo "$OUT"/gpio-ups_*.changes
rsync -a --exclude=/.git --exclude=/build --exclude=/out --exclude='*.o' \
	--exclude='*.ko' --exclude='*.dtbo' --exclude='*.dtb' --exclude='.*.cmd' \
	"$GPIO_UPS_ROOT/" "$SRC/"
(cd "$SRC" && dpkg-buildpackage -b -us -uc) >&2 || die "dpkg-buildpackage failed"
deb="$OUT/gpio-ups-dkms_${VERSION}_all.deb"
[ -f "$deb" ] || die "no $deb after the build"
printf '%s\n' "$deb"
