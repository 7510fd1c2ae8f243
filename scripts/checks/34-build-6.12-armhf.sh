#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Cross build of gpio-ups.ko for 32-bit ARM (Raspberry Pi OS armhf) against
# Linux 6.12: bcm2835_defconfig plus the driver's dependencies,
# modules_prepare (cached), W=1 with no warnings; then the module must not
# reference a 64-bit division helper (__aeabi_uldivmod and co.: the 32-bit
# ARM kernel does not export them, such a module fails to load).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf "${KBUILD_PKGS[@]}"
SRC=$(src_6_12) || exit 1
if ! KB=$(prep_tree linux-6.12-armhf "$SRC" arm arm-linux-gnueabihf- bcm2835_defconfig); then
	fail "build 6.12-armhf: gpio-ups.ko" "preparing the 6.12 armhf tree failed (see step log)"
	exit 1
fi
check_build 6.12-armhf "$KB" ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- W=1 || exit 1

name="build 6.12-armhf: gpio-ups.ko references no 64-bit division helper"
KO="$CACHE/build/mod-6.12-armhf/gpio-ups.ko"
helpers=$(arm-linux-gnueabihf-nm -u "$KO" |
	grep -E ' (__aeabi_[lu]*l?divmod|__aeabi_ldivmod|__aeabi_uldivmod|__u?divdi3|__u?moddi3)$')
if [ -n "$helpers" ]; then
	fail "$name" "$helpers" "use div_u64()/div_s64()/div64_u64() from <linux/math64.h>"
	exit 1
fi
pass "$name"
