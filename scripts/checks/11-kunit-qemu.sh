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

GPIO_UPS_ROOT="$GPIO_UPS_ROOT" python3 - "$W/kunit.json" "$W/kunit.out" "$st" "$W/console.log" "$GPIO_UPS_ROOT"/kunit/*.c <<'PY'
import os, re, sys
sys.path.insert(0, os.environ['GPIO_UPS_ROOT'] + '/scripts')
from kunit_report import output_lines, report

json_path, out_path, status, console_path = sys.argv[1:5]
status = int(status)
P = 'kunit-qemu'
lines = output_lines(out_path)
console = open(console_path, errors='replace').read().splitlines()

def say(kind, name, why=()):
    print(f'{kind}: {P}: {name}')
    for w in why:
        print(f'  {w}')

accel = 'KVM' if any('-enable-kvm' in l for l in lines) else 'emulated CPU, no KVM'
crash = [l.strip() for l in console
         if re.search(r'BUG:|Kernel panic|Oops|general protection|WARNING: CPU', l)][:6]
run = 'x86_64 kernel built and tests run under QEMU'
failed = report(say, json_path, lines, status, sys.argv[5:], crash, '',
                lambda last: run if last is None else f'{run} ({accel})',
                lambda last: f'{run} ({accel}; {last})')
if failed < 0:
    sys.exit(1)

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
