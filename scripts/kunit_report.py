# SPDX-License-Identifier: GPL-2.0-only
"""Turn a kunit.py run (its --json results and its output) into check lines.

Used by scripts/checks/10-kunit.sh (UML) and 11-kunit-qemu.sh (x86_64 under
QEMU): one check per test case (a parameterised case fails if any of its
parameters fails), one per suite defined in kunit/*.c that did not run, and
one for the run itself (kernel built and booted, no crash, tests ran).
"""
import json
import re

TS = re.compile(r'^\[\d\d:\d\d:\d\d\] ?')


def output_lines(out_path):
    """kunit.py's output without its time stamps."""
    out = open(out_path, errors='replace').read().splitlines()
    return [TS.sub('', l) for l in out]


def failure_logs(lines):
    """Log lines kunit.py printed for each failed test (between results)."""
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
    return logs


def _leaves(group):
    for c in group.get('test_cases', []):
        yield c['name'], c['status']
    for g in group.get('sub_groups', []):
        yield from _leaves(g)


def report(say, json_path, lines, status, sources, crash, case_prefix,
           run_name, run_pass_name):
    """Print the checks; return the number of failed ones, or -1 when
    kunit.py produced no results at all.

    say(kind, name, why) prints one check; case_prefix goes before every
    test case and suite name; run_name(summary) names the run check when it
    fails, run_pass_name(summary) when it passes; crash is the kernel's own
    report of a crash, shown when test cases went missing.
    """
    logs = failure_logs(lines)
    try:
        root = json.load(open(json_path))
    except (OSError, ValueError):
        tail = [l for l in lines if l.strip()][-15:]
        say('FAIL', run_name(None),
            [f'kunit.py exited with status {status} and produced no results:'] + tail)
        return -1

    failed, ncases, ran = 0, 0, set()
    for suite in root.get('sub_groups', []):
        sname = suite['name']
        ran.add(sname)
        missing = 0
        for c in suite.get('test_cases', []):
            if not c['name']:               # expected, but never reported
                missing += 1
                continue
            ncases += 1
            name = f"{case_prefix}{sname}.{c['name']}"
            if c['status'] == 'PASS':
                say('PASS', name)
            elif c['status'] == 'SKIP':
                say('SKIP', name)
            else:
                failed += 1
                say('FAIL', name, [f"status {c['status']}"] + logs.get(c['name'], []))
        if missing:
            failed += 1
            say('FAIL', f'{case_prefix}{sname}: every test case reported',
                [f'{missing} test cases gave no result (the kernel stopped):'] + crash)
        for g in suite.get('sub_groups', []):       # parameterised cases
            ncases += 1
            name = f"{case_prefix}{sname}.{g['name']}"
            params = list(_leaves(g))
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
                say('FAIL', f'{case_prefix}suite {sname} ran',
                    [f'defined in {src.rsplit("/", 1)[-1]} but absent from the results'])

    summary = [l for l in lines if l.startswith('Testing complete.')]
    last = summary[-1] if summary else ''
    crashed = re.search(r'crashed: (\d+)', last) if summary else None
    why = []
    if ncases == 0:
        why.append('no test case ran')
    if crashed and int(crashed.group(1)) > 0:
        why.append(last)
    if status != 0 and failed == 0:
        why.append(f'kunit.py exited with status {status}')
        why += [l for l in lines if re.search(r'crash|missing|error|panic', l, re.I)][:10]
    if why:
        failed += 1
        say('FAIL', run_name(last), why)
    else:
        say('PASS', run_pass_name(last))
    return failed
