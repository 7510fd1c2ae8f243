#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# checkpatch.pl --strict (6.12 tree) on every C source and header of the
# project under drivers/ and kunit/: one check per file, no error, warning
# or check allowed.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs perl linux-source-6.12 xz-utils
SRC=$(src_6_12) || exit 1
cd "$GPIO_UPS_ROOT" || exit 1
mapfile -t files < <(find drivers kunit -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
if [ ${#files[@]} -eq 0 ]; then
	fail "checkpatch: C sources" "no .c/.h files found under drivers/ and kunit/"
	exit 1
fi
rc=0
for f in "${files[@]}"; do
	out=$(perl "$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types --color=never -f "$f" 2>&1)
	st=$?
	printf '%s\n' "== $f" "$out" >&2
	if [ $st -eq 0 ] && ! grep -qE '^(ERROR|WARNING|CHECK):' <<<"$out"; then
		pass "checkpatch --strict: $f"
	else
		fail "checkpatch --strict: $f" \
			"$(printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK):' | head -n 10)" \
			"($(printf '%s\n' "$out" | grep -cE '^(ERROR|WARNING|CHECK):') problems; full text in the step log)"
		rc=1
	fi
done
exit $rc
