#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check config.txt lines against the Raspberry Pi firmware's rules.

    configtxt.py DTBO_DIR FILE...      (FILE "-" reads standard input)

Takes every line of the FILEs (documentation, the output of `make install`)
that is a config.txt line a reader would paste: after leading white space
(and a leading "$ " or "- "), it starts with "dtoverlay=" or "dtparam=".
For each such line it checks what the firmware does with it:

  - a comment only starts a line: "#" anywhere after the start is taken as
    part of the value (the overlay then gets a parameter such as
    "dual   # two cells"), so a config line must not contain "#";
  - for the same reason, nothing may follow the value after white space;
  - a line is cut at 98 characters: it must be at most 98 long;
  - the overlay of a gpio-ups dtoverlay= line exists (DTBO_DIR/NAME.dtbo),
    and each parameter, on the line and on the dtparam= lines that follow
    it in the same block, is one the overlay's __overrides__ has and takes
    the value given (applied with ovparams.py, as the firmware would).

Lines that are templates ("<param>", "[,...]") and dtparam= lines that do
not follow a gpio-ups overlay (base-tree parameters such as i2c_arm) are
only checked for the first two rules. Prints one line per problem as
FILE:LINE: ...; exits 1 if there was any, 0 otherwise.

    configtxt.py --list FILE...

prints each documented gpio-ups parameter set, one "overlay param..." line
each (the Pi 5 overlay check applies them all).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovparams  # noqa: E402

MAX_LEN = 98


def config_lines(text):
    """(line number, config line, block id) of every pasteable line."""
    block = 0
    prev_cfg = False
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        for lead in ('$ ', '- '):
            if s.startswith(lead):
                s = s[len(lead):].lstrip()
        is_cfg = s.startswith('dtoverlay=') or s.startswith('dtparam=')
        if is_cfg:
            if not prev_cfg:
                block += 1
            yield n, s, block
        prev_cfg = is_cfg


def split_params(value):
    out = []
    for p in value.split(','):
        p = p.strip()
        if p:
            name, eq, val = p.partition('=')
            out.append((name, val if eq else 'on'))
    return out


def check_text(name, text, dtbo_dir, problems):
    current = None   # [overlay, params, first line] of the open dtoverlay=
    last_block = None

    def flush():
        if current is None:
            return
        ov, params, line = current
        path = os.path.join(dtbo_dir, ov + '.dtbo')
        if not os.path.exists(path):
            problems.append('%s:%d: overlay %s does not exist' % (name, line, ov))
            return
        with open(path, 'rb') as f:
            root, _ = ovparams.parse(f.read())
        ovr = root.child('__overrides__')
        have = {p[0] for p in ovr.props} if ovr else set()
        for pname, _val in params:
            if pname not in have:
                problems.append("%s:%d: %s has no parameter '%s' (it has: %s)" %
                                (name, line, ov, pname, ' '.join(sorted(have))))
                return
        try:
            for pname, val in params:
                ovparams.apply_param(root, pname, val)
        except ovparams.OvError as e:
            problems.append('%s:%d: %s: %s' % (name, line, ov, e))

    for n, line, block in config_lines(text):
        if '#' in line:
            problems.append('%s:%d: "#" after the start of a config.txt line '
                            'is not a comment: the firmware passes it on as '
                            'part of the value: %s' % (name, n, line))
        elif len(line.split()) > 1:
            problems.append('%s:%d: text after white space on a config.txt '
                            'line is part of the value: %s' % (name, n, line))
        if len(line) > MAX_LEN:
            problems.append('%s:%d: %d characters: the firmware cuts a '
                            'config.txt line at %d ("%s")' %
                            (name, n, len(line), MAX_LEN, line[MAX_LEN - 10:MAX_LEN]))
        if block != last_block:
            flush()
            current = None
            last_block = block
        key, _, value = line.partition('=')
        value = (value.split('#', 1)[0].split() or [''])[0]
        if '<' in value or '[' in value or '...' in value:
            continue    # a template, not a line to paste
        if key == 'dtoverlay':
            flush()
            ov, _, rest = value.partition(',')
            current = None
            if ov.startswith('gpio-ups'):
                current = [ov, split_params(rest), n]
        elif current is not None:
            current[1].extend(split_params(value))
    flush()


def documented_sets(text):
    """(overlay, [param=value...]) of each gpio-ups dtoverlay= line, with
    the dtparam= lines that follow it in the same block."""
    sets = []
    block = None
    for _n, line, blk in config_lines(text):
        key, _, value = line.partition('=')
        value = (value.split('#', 1)[0].split() or [''])[0]
        if '<' in value or '[' in value or '...' in value:
            continue
        if key == 'dtoverlay':
            ov, _, rest = value.partition(',')
            block = None
            if ov.startswith('gpio-ups'):
                sets.append((ov, [p for p in rest.split(',') if p]))
                block = blk
        elif block == blk and sets:
            sets[-1][1].extend(p for p in value.split(',') if p)
    return sets


def main(argv):
    if len(argv) >= 2 and argv[1] == '--list':
        # configtxt.py --list FILE...: one "overlay param..." line per set
        for fname in argv[2:]:
            with open(fname, encoding='utf-8') as f:
                for ov, params in documented_sets(f.read()):
                    print(' '.join([ov] + params))
        return 0
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    problems = []
    nlines = 0
    for fname in argv[2:]:
        if fname == '-':
            text, shown = sys.stdin.read(), '<stdin>'
        else:
            with open(fname, encoding='utf-8') as f:
                text, shown = f.read(), fname
        nlines += sum(1 for _ in config_lines(text))
        check_text(shown, text, argv[1], problems)
    for p in problems:
        print(p)
    sys.stderr.write('%d config.txt lines checked, %d problems\n' %
                     (nlines, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
