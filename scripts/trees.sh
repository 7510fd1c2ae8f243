#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel trees used by the checks, cached under $GPIO_UPS_CACHE.
# Usage:
#   scripts/trees.sh src 6.12|7.2|5.10 extract (or fetch) a source tree, print its path
#   scripts/trees.sh prepare TARGET    prepare a build dir for out-of-tree
#                                      modules, print its path; TARGET is
#                                      6.12-x86_64, 6.12-arm64, 6.12-armhf
#                                      (32-bit Raspberry Pi, bcm2835_defconfig),
#                                      7.2-x86_64, 5.10-x86_64 or 5.10-arm64
#   scripts/trees.sh build TARGET [make args...]
#                                      build gpio-ups.ko for TARGET (W=1)
#   scripts/trees.sh list              list cached trees and build dirs
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src() {
	case $1 in
	6.12) src_6_12 ;;
	7.2) src_7_2 ;;
	5.10) src_5_10 ;;
	*) die "unknown kernel '$1' (6.12, 7.2 or 5.10)" ;;
	esac
}

prepare() {
	local ver=${1%-*} arch=${1#*-} cross=
	[ "$arch" = arm64 ] && { need_pkgs gcc-aarch64-linux-gnu; cross=aarch64-linux-gnu-; }
	need_pkgs "${KBUILD_PKGS[@]}"
	if [ "$arch" = armhf ]; then
		need_pkgs gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf
		prep_tree "linux-$ver-armhf" "$(src "$ver")" arm arm-linux-gnueabihf- bcm2835_defconfig
		return
	fi
	prep_tree "linux-$ver-$arch" "$(src "$ver")" "$arch" $cross
}

case ${1:-} in
src) src "${2:?kernel version}" ;;
prepare) prepare "${2:?target}" ;;
build)
	t=${2:?target}
	shift 2
	kb=$(prepare "$t")
	args=(W=1)
	[ "${t#*-}" = arm64 ] && args+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	[ "${t#*-}" = armhf ] && args+=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-)
	CHECK_STEP_DIR=${CHECK_STEP_DIR:-$CACHE/logs/trees} check_build "$t" "$kb" "${args[@]}" "$@"
	;;
list) ls -1d "$CACHE"/src/* "$CACHE"/build/* 2>/dev/null ;;
*) sed -n '3,14s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
