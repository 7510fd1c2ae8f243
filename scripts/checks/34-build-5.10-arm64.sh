#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# gpio-ups.ko for arm64 against Linux 5.10, the oldest supported kernel
# (JetPack 5 / L4T 35 runs 5.10): Debian bullseye's linux-source-5.10,
# fetched through a private apt sources list; defconfig plus the driver's
# dependencies, modules_prepare, cached. W=1 with no warnings, then every
# symbol the module needs must be exported by that tree (without a built
# vmlinux modpost cannot check it).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu "${KBUILD_PKGS[@]}"
if ! SRC=$(src_5_10); then
	fail "build 5.10-arm64: gpio-ups.ko" "fetching linux-source-5.10 from Debian bullseye failed (see step log)"
	exit 1
fi
if ! KB=$(prep_tree linux-5.10-arm64 "$SRC" arm64 aarch64-linux-gnu-); then
	fail "build 5.10-arm64: gpio-ups.ko" "preparing the 5.10 arm64 tree failed (see step log)"
	exit 1
fi
check_build 5.10-arm64 "$KB" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- W=1 || exit 1
check_exports 5.10-arm64 "$KB" "$SRC"
