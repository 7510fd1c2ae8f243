#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# KUnit suites on x86_64 under QEMU (Linux 6.12, kunit/run.sh with
# KUNIT_ARCH=x86_64 and kunit/qemu/debug.config): lockdep (PROVE_LOCKING,
# DEBUG_LOCKDEP), DEBUG_OBJECTS (work, timers, free, RCU heads),
# DEBUG_ATOMIC_SLEEP and KMEMLEAK, which UML cannot build. KVM when
# /dev/kvm is usable, else emulated (slower). Checks: one per test case, one
# per suite defined in kunit/*.c that did not run, one for the run itself,
# one that the kernel log has no lockdep, debugobjects, might_sleep or other
# WARNING/BUG report, one that lockdep was still on at the end, one that
# kmemleak's scan after the suites (by the guest's init, kunit/qemu/init.c)
# found no unreferenced object.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

W=$(step_dir)
export KUNIT_ARCH=x86_64 KUNIT_KCONFIG=$GPIO_UPS_ROOT/kunit/qemu/debug.config
export KUNIT_BUILD_DIR=${KUNIT_QEMU_BUILD_DIR:-$CACHE/build/kunit-x86_64-debug}
rm -f "$W/kunit.json" "$KUNIT_BUILD_DIR/test.log"
t0=$(date +%s)
"$GPIO_UPS_ROOT/kunit/run.sh" --json="$W/kunit.json" >"$W/kunit.out" 2>&1
st=$?
log "kunit/run.sh (x86_64) took $(($(date +%s) - t0)) s"
cat "$W/kunit.out" >&2
# The whole console output of the guest, as kunit.py saved it.
cp "$KUNIT_BUILD_DIR/test.log" "$W/console.log" 2>/dev/null || : >"$W/console.log"

python3 - "$W/kunit.json" "$W/kunit.out" "$st" "$W/console.log" "$GPIO_UPS_ROOT"/kunit/*.c <<'PY'
import json, re, sys

json_path, out_path, status, console_path = sys.argv[1:5]
status = int(status)
sources = sys.argv[5:]
P = 'kunit-qemu'
out = open(out_path, errors='replace').read().splitlines()
ts = re.compile(r'^\[\d\d:\d\d:\d\d\] ?')
lines = [ts.sub('', l) for l in out]
console = open(console_path, errors='replace').read().splitlines()

def say(kind, name, why=()):
    print(f'{kind}: {P}: {name}')
    for w in why:
        print(f'  {w}')

accel = 'KVM' if any('-enable-kvm' in l for l in lines) else 'emulated CPU, no KVM'

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
    say('FAIL', 'x86_64 kernel built and tests run under QEMU',
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

crash = [l.strip() for l in console
         if re.search(r'BUG:|Kernel panic|Oops|general protection|WARNING: CPU', l)][:6]

for suite in root.get('sub_groups', []):
    sname = suite['name']
    ran.add(sname)
    missing = 0
    for c in suite.get('test_cases', []):
        if not c['name']:
            missing += 1
            continue
        ncases += 1
        name = f"{sname}.{c['name']}"
        if c['status'] == 'PASS':
            say('PASS', name)
        elif c['status'] == 'SKIP':
            say('SKIP', name)
        else:
            failed += 1
            say('FAIL', name, [f"status {c['status']}"] + logs.get(c['name'], []))
    if missing:
        failed += 1
        say('FAIL', f'{sname}: every test case reported',
            [f'{missing} test cases gave no result (the kernel stopped):'] + crash)
    for g in suite.get('sub_groups', []):
        ncases += 1
        name = f"{sname}.{g['name']}"
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

suite_re = re.compile(r'struct\s+kunit_suite\s+\w+\s*=\s*\{.*?\.name\s*=\s*"([^"]+)"', re.S)
for src in sources:
    for sname in suite_re.findall(open(src, errors='replace').read()):
        if sname not in ran:
            failed += 1
            say('FAIL', f'suite {sname} ran',
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
    say('FAIL', f'x86_64 kernel built and tests run under QEMU ({accel})', why)
else:
    say('PASS', f'x86_64 kernel built and tests run under QEMU ({accel}; '
        f'{summary[-1] if summary else ""})')

# Reports of the lock, object and context checkers, and any other kernel
# warning or bug, anywhere in the console output (boot, suites, init).
splat = re.compile(r'possible circular locking|possible recursive locking|'
                   r'inconsistent lock state|suspicious RCU usage|'
                   r'sleeping function called from invalid context|'
                   r'INFO: trying to register non-static key|'
                   r'ODEBUG:|WARNING:|BUG:|Oops|Kernel panic|general protection fault|'
                   r'Call Trace:')
ktime = re.compile(r'^\[\s*\d+\.\d+\] ')
hits = [i for i, l in enumerate(console) if splat.search(l)]
name = 'kernel log has no lockdep, debugobjects, might_sleep, WARNING or BUG report'
if not console:
    failed += 1
    say('FAIL', name, ['no console output was saved'])
elif hits:
    failed += 1
    first = hits[0]
    excerpt = [ktime.sub('', l.rstrip()) for l in console[first:first + 40]]
    say('FAIL', name, [f'{len(hits)} report lines; the first report:'] + excerpt)
else:
    say('PASS', name)

# lockdep turns itself off after its first report or when it runs out of
# room; kunit/qemu/init.c prints its debug_locks once the suites have run.
name = 'lockdep still on once the suites have run (debug_locks 1)'
dl = [re.search(r'gpio-ups-init: lockdep: debug_locks:\s*(\d+)', l) for l in console]
dl = [m for m in dl if m]
if not dl:
    failed += 1
    say('FAIL', name, ['no "gpio-ups-init: lockdep: debug_locks:" line from the guest\'s init'])
elif dl[-1].group(1) != '1':
    failed += 1
    off = [ktime.sub('', l.strip()) for l in console
           if re.search(r'turning off the locking correctness validator|debug_locks', l)][:5]
    say('FAIL', name, [f'debug_locks is {dl[-1].group(1)}: lockdep stopped checking'] + off)
else:
    say('PASS', name)

# kmemleak: kunit/qemu/init.c scans twice once the suites have run and
# prints the report, then "gpio-ups-init: kmemleak: scan done, N ...".
name = 'kmemleak scan after the suites finds no unreferenced object'
done = [re.search(r'gpio-ups-init: kmemleak: scan done, (\d+) unreferenced', l) for l in console]
done = [m for m in done if m]
leak = [i for i, l in enumerate(console) if re.search(r'unreferenced object 0x', l)]
if not done:
    failed += 1
    init = [ktime.sub('', l.strip()) for l in console if 'gpio-ups-init:' in l]
    say('FAIL', name, ['the scan did not run (no "gpio-ups-init: kmemleak: scan done" line)']
        + (init or ['init printed nothing']))
elif int(done[-1].group(1)) or leak:
    failed += 1
    excerpt = [ktime.sub('', l.rstrip()) for l in console[leak[0]:leak[0] + 40]] if leak else []
    say('FAIL', name, [f'{int(done[-1].group(1))} unreferenced objects; the first:'] + excerpt)
else:
    say('PASS', name)
sys.exit(1 if failed else 0)
PY
