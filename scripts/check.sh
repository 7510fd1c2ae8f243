#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make check`: run every check step and count the results.
#
# Usage: scripts/check.sh [PATTERN...]
#   Runs each executable scripts/checks/*.sh in file-name order (only those
#   whose file name contains one of the PATTERNs, if given) and ends with
#   exactly one line "N passed, N failed" (", N skipped" appended when some
#   were skipped). Exits non-zero if any check failed.
#
# Environment:
#   GPIO_UPS_CACHE       cache for kernel trees and builds (~/.cache/gpio-ups)
#   CHECK_LOG_DIR        where run logs go ($GPIO_UPS_CACHE/logs); each run
#                        gets a new directory, "latest" points at the last
#   CHECK_STEP_TIMEOUT   seconds one step may take (3600)
#
# Protocol for a check step -- to plug in, add an executable
# scripts/checks/NN-name.sh (NN orders the steps):
#   - It runs from the repository root with stdin from /dev/null and
#     GPIO_UPS_ROOT, GPIO_UPS_CACHE and CHECK_STEP_DIR (an empty directory
#     for its own logs and artifacts) in the environment.
#   - stdout is the report. One line per check it performs:
#         PASS: <name>
#         FAIL: <name>
#           <why, one or more lines indented by two spaces>
#         SKIP: <name>
#           <why>
#     Anything else printed on stdout is shown as is: keep it short.
#   - stderr is the log (build output, tool output): it is saved in the run's
#     log directory as NN-name.log, not shown.
#   - Exit 0 if every check passed or was skipped, non-zero otherwise. A step
#     that exits non-zero without a FAIL line, or reports nothing at all,
#     counts as one failed check.
#   - scripts/lib.sh has helpers: pass/fail/skip, need_pkgs (installs Debian
#     packages as root, else prints the apt-get line and fails), the kernel
#     trees (src_6_12, src_7_2, prep_tree) and module builds (check_build).
#     Cache everything expensive under $CACHE, keyed on its inputs, so that a
#     second run is fast.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
export GPIO_UPS_ROOT=$ROOT GPIO_UPS_CACHE=$CACHE

mkdir -p "$CACHE"
LOGROOT=${CHECK_LOG_DIR:-$CACHE/logs}
RUN="$LOGROOT/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RUN" || die "cannot create $RUN"
ln -sfn "$RUN" "$LOGROOT/latest"
# Keep the last 20 runs.
ls -1dt "$LOGROOT"/2*-* 2>/dev/null | tail -n +21 | xargs -r rm -rf

# One `make check` at a time per cache: the steps share build dirs.
exec 9>"$CACHE/.check.lock"
if ! flock -n 9; then
	echo "waiting for another make check using $CACHE to finish"
	flock 9
fi

steps=()
for s in "$ROOT"/scripts/checks/*.sh; do
	[ -f "$s" ] && [ -x "$s" ] || continue
	if [ $# -gt 0 ]; then
		m=0
		for p in "$@"; do
			case $(basename "$s") in *"$p"*) m=1 ;; esac
		done
		[ $m -eq 1 ] || continue
	fi
	steps+=("$s")
done

echo "gpio-ups check: ${#steps[@]} steps, cache $CACHE, logs $RUN"
total_pass=0 total_fail=0 total_skip=0
t0=$(date +%s)
for s in "${steps[@]}"; do
	name=$(basename "$s" .sh)
	out="$RUN/$name.out" logf="$RUN/$name.log"
	mkdir -p "$RUN/$name"
	echo "== $name"
	ts=$(date +%s)
	(cd "$ROOT" && CHECK_STEP_DIR="$RUN/$name" \
		timeout -k 30 "${CHECK_STEP_TIMEOUT:-3600}" "$s" </dev/null 2>"$logf") | tee "$out"
	rc=${PIPESTATUS[0]}
	dt=$(($(date +%s) - ts))
	np=$(grep -c '^PASS: ' "$out")
	nf=$(grep -c '^FAIL: ' "$out")
	ns=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		what="exited with status $rc without reporting a failure"
		[ "$rc" -eq 124 ] && what="timed out after ${CHECK_STEP_TIMEOUT:-3600} s"
		echo "FAIL: $name: step $what" | tee -a "$out"
		echo "  last lines of $logf:"
		tail -n 15 "$logf" | sed 's/^/    /'
		nf=$((nf + 1))
	elif [ $((np + nf + ns)) -eq 0 ]; then
		echo "FAIL: $name: step reported no result" | tee -a "$out"
		nf=1
	elif [ "$nf" -gt 0 ] && [ "${CI:-}" = true ]; then
		echo "  last lines of $logf:"
		tail -n 40 "$logf" | sed 's/^/    /'
	fi
	total_pass=$((total_pass + np))
	total_fail=$((total_fail + nf))
	total_skip=$((total_skip + ns))
	echo "-- $name: $np passed, $nf failed, $ns skipped in ${dt} s"
done
echo "total time $(($(date +%s) - t0)) s; logs in $RUN"
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" -eq 0 ] && [ "${#steps[@]}" -gt 0 ]
