#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The user guide promises that the UPS restarts (power-cycles) the host only
# where it says that this takes a shutdown line: a board without one (the
# SLA HAT) cannot be told to cut the power, so mains returning does not
# bring the host back.  Every paragraph that speaks of the UPS
# power-cycling or restarting the host must name the shutdown line.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs python3 || exit 1
DOC=${DOC:-$GPIO_UPS_ROOT/Documentation/power/gpio-ups.rst}
name="docs: a power-cycle of the host is promised only with a shutdown line"
out=$(/usr/bin/python3 - "$DOC" <<'PY'
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
promise = re.compile(r'power-cycles? (the host|it)|restarts? the host|'
                     r'powers the host (up|on) again', re.I)
line = re.compile(r'shutdown[ -](line|gpios)|SHUTDN|\bsd=', re.I)
n = 0
for para in re.split(r'\n\s*\n', text):
    flat = ' '.join(para.split())
    if promise.search(flat):
        n += 1
        if not line.search(flat):
            print('PROBLEM ' + flat[:300])
print('%d paragraphs' % n)
PY
)
if grep -q '^PROBLEM' <<<"$out"; then
	fail "$name" "$(printf '%s\n' "$out" | sed -n 's/^PROBLEM //p')"
	exit 1
fi
pass "$name ($(printf '%s\n' "$out" | tail -n 1))"
