#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# KUnit suites on UML (Linux 6.12, kunit/run.sh): one check per test case
# (a parameterised case fails if any of its parameters fails), one per
# suite defined in kunit/*.c that did not run, and one for the run itself
# (kernel built and booted, no crash, tests ran).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

W=$(step_dir)
export KUNIT_BUILD_DIR=${KUNIT_BUILD_DIR:-$CACHE/build/kunit-um}
rm -f "$W/kunit.json"
"$GPIO_UPS_ROOT/kunit/run.sh" --json="$W/kunit.json" >"$W/kunit.out" 2>&1
st=$?
cat "$W/kunit.out" >&2

python3 - "$W/kunit.json" "$W/kunit.out" "$st" "$GPIO_UPS_ROOT"/kunit/*.c <<'PY'
import json, re, sys

json_path, out_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
sources = sys.argv[4:]
out = open(out_path, errors='replace').read().splitlines()
ts = re.compile(r'^\[\d\d:\d\d:\d\d\] ?')
lines = [ts.sub('', l) for l in out]

def say(kind, name, why=()):
    print(f'{kind}: {name}')
    for w in why:
        print(f'  {w}')

# Log lines kunit.py printed for each failed test (between results).
logs, buf = {}, []
mark = re.compile(r'^\[(PASSED|FAILED|SKIPPED|CRASHED)\] (.*)$')
for l in lines:
    m = mark.match(l.strip())
    if m:
        if m.group(1) in ('FAILED', 'CRASHED'):
            logs.setdefault(m.group(2), [x for x in buf if x.strip()][-8:])
        buf = []
    else:
        buf.append(l.rstrip())

try:
    root = json.load(open(json_path))
except (OSError, ValueError):
    tail = [l for l in lines if l.strip()][-15:]
    say('FAIL', 'kunit: UML kernel built and tests run',
        [f'kunit.py exited with status {status} and produced no results:'] + tail)
    sys.exit(1)

failed = 0
ran = set()
ncases = 0
def leaves(group):
    for c in group.get('test_cases', []):
        yield c['name'], c['status']
    for g in group.get('sub_groups', []):
        yield from leaves(g)

# The kernel's own report of a crash, if any.
crash = [l.strip() for l in lines
         if re.search(r'BUG:|Kernel panic|Oops|KASAN|general protection|Segmentation fault|WARNING: CPU', l)][:6]

for suite in root.get('sub_groups', []):
    sname = suite['name']
    ran.add(sname)
    missing = 0
    for c in suite.get('test_cases', []):
        if not c['name']:               # expected, but never reported
            missing += 1
            continue
        ncases += 1
        name = f"kunit: {sname}.{c['name']}"
        if c['status'] == 'PASS':
            say('PASS', name)
        elif c['status'] == 'SKIP':
            say('SKIP', name)
        else:
            failed += 1
            say('FAIL', name, [f"status {c['status']}"] + logs.get(c['name'], []))
    if missing:
        failed += 1
        say('FAIL', f'kunit: {sname}: every test case reported',
            [f'{missing} test cases gave no result (the kernel stopped):'] + crash)
    for g in suite.get('sub_groups', []):       # parameterised cases
        ncases += 1
        name = f"kunit: {sname}.{g['name']}"
        params = list(leaves(g))
        bad = [(n, s) for n, s in params if s not in ('PASS', 'SKIP')]
        if not params:
            failed += 1
            say('FAIL', name, ['no parameter ran'])
        elif bad:
            failed += 1
            why = [f'{len(bad)} of {len(params)} parameters failed:']
            for n, s in bad[:5]:
                why += [f'{n}: {s}'] + logs.get(n, [])
            say('FAIL', name, why)
        elif all(s == 'SKIP' for _, s in params):
            say('SKIP', name)
        else:
            say('PASS', f'{name} ({len(params)} parameters)')

# Every suite defined in kunit/*.c must have run.
suite_re = re.compile(r'struct\s+kunit_suite\s+\w+\s*=\s*\{.*?\.name\s*=\s*"([^"]+)"', re.S)
for src in sources:
    for sname in suite_re.findall(open(src, errors='replace').read()):
        if sname not in ran:
            failed += 1
            say('FAIL', f'kunit: suite {sname} ran',
                [f'defined in {src.rsplit("/", 1)[-1]} but absent from the results'])

summary = [l for l in lines if l.startswith('Testing complete.')]
crashed = re.search(r'crashed: (\d+)', summary[-1]) if summary else None
why = []
if ncases == 0:
    why.append('no test case ran')
if crashed and int(crashed.group(1)) > 0:
    why.append(summary[-1])
if status != 0 and failed == 0:
    why.append(f'kunit.py exited with status {status}')
    why += [l for l in lines if re.search(r'crash|missing|error|panic', l, re.I)][:10]
if why:
    failed += 1
    say('FAIL', 'kunit: UML kernel built and tests run', why)
else:
    say('PASS', f'kunit: UML kernel built and tests run ({summary[-1] if summary else ""})')
sys.exit(1 if failed else 0)
PY
