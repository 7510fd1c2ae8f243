#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check a Raspberry Pi 5 tree with a gpio-ups overlay merged in.

    check-merged.py MERGED.dtb [--i2c okay|disabled]

Checks what the RP1 GPIO/pin controller and the gpio-ups driver will make
of the merged tree (facts in scripts/pi5/bcm2712-rpi-5-b-base.dts):
  - /gpio-ups exists with compatible "gpio-ups";
  - power-good-gpios, low-battery-gpios and shutdown-gpios point at the
    node labelled "gpio" (the RP1 GPIO block) with a header line (0-27)
    and flags 0 or 1;
  - every pinctrl-0 entry is a node under that GPIO node that the RP1
    driver accepts: brcm,pins (0-53), brcm,function (one or one per pin,
    0-7; 0 for an input), brcm,pull (one or one per pin, 0-2), and no
    property it does not know; the input lines are configured as inputs;
  - io-channels, if any, point at an ADS1015/ADS1115 below the node
    labelled "i2c1", whose status is "okay";
  - with --i2c, the status of i2c1 is as given.
Prints a canonical form of the UPS node and the nodes it refers to (phandles
replaced by paths) on stdout, problems on stderr; exits 1 on a problem.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import ovparams  # noqa: E402

PIN_PROPS = {'brcm,pins', 'brcm,function', 'brcm,pull', 'phandle',
             'linux,phandle', 'pins', 'function', 'bias-disable',
             'bias-pull-up', 'bias-pull-down', 'input-enable',
             'output-enable', 'input-schmitt-enable', 'drive-strength',
             'slew-rate', 'output-high', 'output-low'}


def cells(b):
    return [struct.unpack_from('>I', b, i)[0] for i in range(0, len(b), 4)]


def main(argv):
    want_i2c = None
    if '--i2c' in argv:
        want_i2c = argv[argv.index('--i2c') + 1]
    with open(argv[1], 'rb') as f:
        root, _ = ovparams.parse(f.read())
    errs = []
    paths = {}
    by_ph = {}

    def walk(n, p):
        paths[id(n)] = p or '/'
        ph = n.get('phandle')
        if ph is not None:
            by_ph[cells(ph)[0]] = (n, p or '/')
        for c in n.children:
            walk(c, p + '/' + c.name)
    walk(root, '')

    syms = root.child('__symbols__')

    def label(name):
        v = syms.get(name) if syms else None
        return v.rstrip(b'\0').decode() if v else None

    gpio_path, i2c_path = label('gpio'), label('i2c1')
    gpio = root.lookup(gpio_path) if gpio_path else None
    i2c = root.lookup(i2c_path) if i2c_path else None
    if gpio is None or i2c is None:
        errs.append('the base tree lacks the gpio or i2c1 label')
    ups = root.child('gpio-ups')
    if ups is None or ups.get('compatible') != b'gpio-ups\0':
        errs.append('no /gpio-ups node with compatible "gpio-ups"')
        ups = None
    gpio_ph = cells(gpio.get('phandle'))[0] if gpio is not None else None

    lines = {}
    out = []
    if ups is not None:
        for prop in ('power-good-gpios', 'low-battery-gpios', 'shutdown-gpios'):
            v = ups.get(prop)
            if v is None:
                continue
            c = cells(v)
            if len(c) != 3 or c[0] != gpio_ph:
                errs.append('%s = %s: not one line of the "gpio" node' % (prop, c))
                continue
            if c[1] > 27 or c[2] not in (0, 1):
                errs.append('%s: line %d flags %d: not a header line (0-27) '
                            'with flags 0/1' % (prop, c[1], c[2]))
            lines[prop] = c[1]
        inputs = {lines[p] for p in ('power-good-gpios', 'low-battery-gpios')
                  if p in lines}
        configured = set()
        for ph in cells(ups.get('pinctrl-0') or b''):
            node, path = by_ph.get(ph, (None, None))
            if node is None or not path.startswith(gpio_path + '/'):
                errs.append('pinctrl-0 entry %d is not a node under %s' % (ph, gpio_path))
                continue
            extra = {p[0] for p in node.props} - PIN_PROPS
            if extra:
                errs.append('%s: properties the RP1 pin controller ignores: %s'
                            % (path, ' '.join(sorted(extra))))
            pins = cells(node.get('brcm,pins') or b'')
            funcs = cells(node.get('brcm,function') or b'')
            pulls = cells(node.get('brcm,pull') or b'')
            if not pins:
                errs.append('%s: no brcm,pins' % path)
            for name, vals, top in (('brcm,function', funcs, 7), ('brcm,pull', pulls, 2)):
                if len(vals) not in (0, 1, len(pins)):
                    errs.append('%s: %s must have 1 or %d entries' % (path, name, len(pins)))
                if any(v > top for v in vals):
                    errs.append('%s: %s %s: the RP1 driver refuses values above %d'
                                % (path, name, vals, top))
            for i, pin in enumerate(pins):
                if pin > 53:
                    errs.append('%s: brcm,pins %d: RP1 has GPIO 0-53' % (path, pin))
                f = funcs[i if len(funcs) > 1 else 0] if funcs else None
                if pin in inputs and f not in (None, 0):
                    errs.append('%s: input line %d gets brcm,function %d' % (path, pin, f))
                configured.add(pin)
        for pin in sorted(inputs - configured):
            errs.append('input line %d has no pin configuration (pull) in pinctrl-0' % pin)
        io = ups.get('io-channels')
        if io is not None:
            c = cells(io)
            node, path = by_ph.get(c[0], (None, None))
            if node is None or not path.startswith(i2c_path + '/'):
                errs.append('io-channels points at %s, not an ADC on i2c1 (%s)' % (path, i2c_path))
            elif node.get('compatible') not in (b'ti,ads1015\0', b'ti,ads1115\0'):
                errs.append('io-channels: %s is not an ADS1015/ADS1115' % path)
            if i2c is not None and i2c.get('status') != b'okay\0':
                errs.append('an ADC on i2c1, but i2c1 is not enabled')
        # canonical form: the UPS node, then the nodes it refers to
        for name, value in sorted(ups.props):
            if name == 'phandle':
                continue
            stride = {'power-good-gpios': 3, 'low-battery-gpios': 3,
                      'shutdown-gpios': 3, 'pinctrl-0': 1,
                      'io-channels': 2}.get(name)
            if stride:
                shown = []
                for i, x in enumerate(cells(value)):
                    if i % stride == 0:
                        shown.append(by_ph[x][1] if x in by_ph else '?%d' % x)
                    else:
                        shown.append(str(x))
                out.append('%s = %s' % (name, ' '.join(shown)))
            else:
                out.append('%s = %s' % (name, value.hex()))
        for ph in cells(ups.get('pinctrl-0') or b''):
            if ph in by_ph:
                node, path = by_ph[ph]
                for name, value in sorted(node.props):
                    if name != 'phandle':
                        out.append('%s:%s = %s' % (path, name, value.hex()))
    if want_i2c and i2c is not None and i2c.get('status') != want_i2c.encode() + b'\0':
        errs.append('i2c1 status is %s, expected %s' % (i2c.get('status'), want_i2c))
    if i2c is not None:
        out.append('i2c1 status = %s' % (i2c.get('status') or b'').rstrip(b'\0').decode())
    print('\n'.join(out))
    for e in errs:
        sys.stderr.write(e + '\n')
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
