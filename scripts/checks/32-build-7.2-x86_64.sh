#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# gpio-ups.ko for x86_64 against the newest kernel, Linux 7.2 (Debian sid's
# linux-source-7.2, fetched through a private apt sources list; defconfig
# plus the driver's dependencies, modules_prepare, cached), W=1, no warnings.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs "${KBUILD_PKGS[@]}"
if ! SRC=$(src_7_2); then
	fail "build 7.2-x86_64: gpio-ups.ko" "fetching linux-source-7.2 from Debian sid failed (see step log)"
	exit 1
fi
if ! KB=$(prep_tree linux-7.2-x86_64 "$SRC" x86_64); then
	fail "build 7.2-x86_64: gpio-ups.ko" "preparing the 7.2 x86_64 tree failed (see step log)"
	exit 1
fi
check_build 7.2-x86_64 "$KB" W=1
