#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# gpio-ups.ko for x86_64 against Linux 6.12 (defconfig plus the driver's
# dependencies, modules_prepare, cached): W=1 with no warnings, then sparse
# (C=2: every source file) with no warnings.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs sparse "${KBUILD_PKGS[@]}"
SRC=$(src_6_12) || exit 1
if ! KB=$(prep_tree linux-6.12-x86_64 "$SRC" x86_64); then
	fail "build 6.12-x86_64: gpio-ups.ko" "preparing the 6.12 x86_64 tree failed (see step log)"
	exit 1
fi
rc=0
check_build 6.12-x86_64 "$KB" W=1 || rc=1

# sparse over the same sources, without recompiling them.
name="sparse 6.12-x86_64: gpio-ups sources (C=2 W=1) with no warnings"
logf="$(step_dir)/sparse.log"
stage="$CACHE/build/mod-6.12-x86_64"
if [ $rc -ne 0 ]; then
	fail "$name" "not run: the build failed"
	exit 1
fi
make -C "$stage" KDIR="$KB" C=2 W=1 KBUILD_MODPOST_WARN=1 -j"$JOBS" </dev/null >"$logf" 2>&1
st=$?
cat "$logf" >&2
checked=$(grep -c '^ *CHECK ' "$logf")
probs=$(build_problems "$logf" "$KBUILD_NOSYMVERS_OK")
if [ $st -ne 0 ] || [ -n "$probs" ]; then
	fail "$name" "$(printf '%s\n' "$probs" | head -n 20)" "log: $logf"
	rc=1
elif [ "$checked" -eq 0 ]; then
	fail "$name" "sparse checked no file (log: $logf)"
	rc=1
else
	pass "$name ($checked files checked)"
fi
exit $rc
