# SPDX-License-Identifier: GPL-2.0-only
# The check-step protocol (scripts/check.sh): results on stdout, everything
# else on stderr; a reason follows a FAIL as indented lines.  Part of
# scripts/lib.sh.
# shellcheck shell=bash

# pass NAME
pass() { printf 'PASS: %s\n' "$1"; }
# fail NAME [REASON LINE...]
fail() {
	local name=$1 l
	shift
	printf 'FAIL: %s\n' "$name"
	for l in "$@"; do
		[ -n "$l" ] && printf '%s\n' "$l" | sed 's/^/  /'
	done
	return 0
}
# skip NAME [REASON]
skip() {
	printf 'SKIP: %s\n' "$1"
	[ $# -lt 2 ] || printf '  %s\n' "$2"
}
# indent_head FILE [N]: first N (20) lines of FILE, indented, for a reason.
indent_head() { head -n "${2:-20}" "$1" | sed 's/^/  /'; }

# step_dir: directory for this check step's artifacts (set by check.sh).
step_dir() {
	local d=${CHECK_STEP_DIR:-$CACHE/logs/adhoc}
	mkdir -p "$d" && printf '%s\n' "$d"
}
