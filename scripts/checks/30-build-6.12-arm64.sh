#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Cross build of gpio-ups.ko for arm64 against Linux 6.12 (defconfig plus
# the driver's dependencies, modules_prepare, cached), W=1, no warnings.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu "${KBUILD_PKGS[@]}"
SRC=$(src_6_12) || exit 1
if ! KB=$(prep_tree linux-6.12-arm64 "$SRC" arm64 aarch64-linux-gnu-); then
	fail "build 6.12-arm64: gpio-ups.ko" "preparing the 6.12 arm64 tree failed (see step log)"
	exit 1
fi
check_build 6.12-arm64 "$KB" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- W=1
