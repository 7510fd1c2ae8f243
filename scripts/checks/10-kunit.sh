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

GPIO_UPS_ROOT="$GPIO_UPS_ROOT" python3 - "$W/kunit.json" "$W/kunit.out" "$st" "$GPIO_UPS_ROOT"/kunit/*.c <<'PY'
import os, re, sys
sys.path.insert(0, os.environ['GPIO_UPS_ROOT'] + '/scripts')
from kunit_report import output_lines, report

json_path, out_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = output_lines(out_path)

def say(kind, name, why=()):
    print(f'{kind}: {name}')
    for w in why:
        print(f'  {w}')

# The kernel's own report of a crash, if any.
crash = [l.strip() for l in lines
         if re.search(r'BUG:|Kernel panic|Oops|KASAN|general protection|Segmentation fault|WARNING: CPU', l)][:6]
run = 'kunit: UML kernel built and tests run'
failed = report(say, json_path, lines, status, sys.argv[4:], crash, 'kunit: ',
                lambda last: run, lambda last: f'{run} ({last})')
sys.exit(1 if failed else 0)
PY
