#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The udev rules the user guide gives fire once per transition: no rule
# matches a state of the Battery supply ("ups") on change events (its
# capacity changes send an event every second on backup, so such a rule
# fires again and again during an outage; mains loss and return are
# matched on "ups-mains" ONLINE, which changes once per transition), and a
# rule that sets SYSTEMD_WANTS is for a device the guide tags for systemd
# (TAG+="systemd"; without it systemd ignores SYSTEMD_WANTS).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs python3 || exit 1
DOC=${DOC:-$GPIO_UPS_ROOT/Documentation/power/gpio-ups.rst}
out=$(/usr/bin/python3 - "$DOC" <<'PY'
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
lines = text.splitlines()
rules, cur = [], ''
for l in lines:
    s = l.strip()
    if s.startswith('SUBSYSTEM==') or cur:
        cur += s.rstrip('\\').strip() + ' '
        if not s.endswith('\\'):
            rules.append(cur.strip())
            cur = ''
tagged = set()
for r in rules:
    m = re.search(r'KERNEL=="([^"]+)"', r)
    if m and 'TAG+="systemd"' in r:
        tagged.add(m.group(1))
problems = []
for r in rules:
    m = re.search(r'KERNEL=="([^"]+)"', r)
    k = m.group(1) if m else '*'
    if 'ACTION=="change"' in r and k == 'ups' and \
            re.search(r'ENV\{POWER_SUPPLY_(STATUS|CAPACITY|CAPACITY_LEVEL)\}==', r):
        problems.append('fires at every event of "ups" in that state '
                        '(every capacity change on backup): ' + r)
    if 'SYSTEMD_WANTS' in r and k not in tagged:
        problems.append('SYSTEMD_WANTS for a device not tagged TAG+="systemd": ' + r)
print('%d rules' % len(rules))
for p in problems:
    print('PROBLEM ' + p)
PY
)
name="docs: the guide's udev rules fire once per transition, SYSTEMD_WANTS with TAG+=\"systemd\""
n=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) rules$/\1/p')
if [ "${n:-0}" -eq 0 ]; then
	fail "$name" "no udev rule found in the guide"
	exit 1
elif grep -q '^PROBLEM ' <<<"$out"; then
	fail "$name" "$(printf '%s\n' "$out" | sed -n 's/^PROBLEM //p')"
	exit 1
fi
pass "$name ($n rules)"
