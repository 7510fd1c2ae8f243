#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Merge an overlay into a base DTB the way the Raspberry Pi firmware does.

    fwmerge.py BASE.dtb OVERLAY.dtbo OUT.dtb [name[=value] ...]

A second implementation next to fdtoverlay (libfdt), following the
firmware's documented order (dtoverlay/dtmerge): parameters first
(__overrides__, applied by ovparams.py), then

  1. the overlay's phandles are moved above the base's highest one, and
     the references listed in __local_fixups__ moved with them;
  2. each label in __fixups__ is looked up in the base's __symbols__ (an
     unknown label is an error: the firmware drops the overlay) and its
     phandle (given to the base node if it had none) written where listed;
  3. the nodes named fragment@N / fragment-N are merged in order, each into its "target" (a phandle)
     or "target-path" (a path, looked up when that fragment is merged, so a
     fragment can target a node an earlier one created); "__dormant__"
     bodies are skipped. A property overwrites the target's, a child node
     is merged into the target's child of the same name or created (a
     body's own phandle, there for __overrides__, is not copied);
  4. the overlay's own labels are added to the base's __symbols__ with
     their merged paths.

These are the steps of the firmware's merge as its public sources
(dtoverlay.c of the Raspberry Pi userland/utils, dtoverlay_merge_overlay and
dtoverlay_merge_fragment) describe them. Any error exits non-zero with a
message.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovparams  # noqa: E402
from ovparams import Node, OvError  # noqa: E402


def u32(b, off=0):
    return struct.unpack_from('>I', b, off)[0]


def path_map(root):
    out = {}

    def walk(n, p):
        out[id(n)] = p or '/'
        for c in n.children:
            walk(c, p + '/' + c.name)
    walk(root, '')
    return out


def max_phandle(root):
    return max([u32(n.get('phandle')) for n in root.walk()
                if n.get('phandle') is not None] + [0])


def strings(b):
    return [s.decode() for s in b.split(b'\0')[:-1]]


def renumber(ov, delta):
    for n in ov.walk():
        for name in ('phandle', 'linux,phandle'):
            v = n.get(name)
            if v is not None:
                n.set(name, struct.pack('>I', u32(v) + delta))
    lf = ov.child('__local_fixups__')
    if lf is None:
        return

    def walk(fix, node):
        for name, offs in fix.props:
            prop = node.get(name)
            if prop is None:
                raise OvError('__local_fixups__: %s has no %s' % (node.name, name))
            buf = bytearray(prop)
            for i in range(0, len(offs), 4):
                off = u32(offs, i)
                struct.pack_into('>I', buf, off, u32(buf, off) + delta)
            node.set(name, bytes(buf))
        for c in fix.children:
            target = node.child(c.name)
            if target is None:
                raise OvError('__local_fixups__: no node %s' % c.name)
            walk(c, target)
    walk(lf, ov)


def resolve_fixups(base, ov):
    fx = ov.child('__fixups__')
    if fx is None:
        return
    syms = base.child('__symbols__')
    next_ph = max_phandle(base) + 1
    for label, refs in fx.props:
        path = syms.get(label) if syms else None
        if path is None:
            raise OvError("label '%s' is not in the base tree's __symbols__" % label)
        target = base.lookup(path.rstrip(b'\0').decode())
        if target is None:
            raise OvError("label '%s': no node %s" % (label, path))
        if target.get('phandle') is None:
            target.set('phandle', struct.pack('>I', next_ph))
            next_ph += 1
        ph = target.get('phandle')
        for ref in strings(refs):
            npath, prop, off = ref.rsplit(':', 2)
            node = ov.lookup(npath)
            if node is None or node.get(prop) is None:
                raise OvError('__fixups__: %s not found' % ref)
            buf = bytearray(node.get(prop))
            buf[int(off):int(off) + 4] = ph
            node.set(prop, bytes(buf))


def merge_node(dst, src, top=False):
    for name, value in src.props:
        if name == 'name' or (top and name in ('phandle', 'linux,phandle')):
            continue    # a fragment body's own label: not the target's
        dst.set(name, value)
    for c in src.children:
        d = dst.child(c.name)
        if d is None:
            d = Node(c.name)
            dst.children.append(d)
        merge_node(d, c)


def apply(base, ov):
    renumber(ov, max_phandle(base))
    resolve_fixups(base, ov)
    placed = {}     # overlay fragment body path -> merged path
    by_ph = {}
    for n in base.walk():
        if n.get('phandle') is not None:
            by_ph[u32(n.get('phandle'))] = n
    for frag in ov.children:
        if not frag.name.startswith(('fragment@', 'fragment-')):
            continue
        body = frag.child('__overlay__')
        if body is None:
            continue
        if frag.get('target') is not None:
            ph = u32(frag.get('target'))
            target = by_ph.get(ph)
            if target is None:
                for n in base.walk():
                    if n.get('phandle') is not None and u32(n.get('phandle')) == ph:
                        target = n
            if target is None:
                raise OvError('%s: target phandle %d not found' % (frag.name, ph))
        elif frag.get('target-path') is not None:
            tp = frag.get('target-path').rstrip(b'\0').decode()
            target = base.lookup(tp)
            if target is None:
                raise OvError('%s: target-path %s not found' % (frag.name, tp))
        else:
            raise OvError('%s: no target' % frag.name)
        merge_node(target, body, top=True)
        for n in base.walk():
            if n.get('phandle') is not None:
                by_ph[u32(n.get('phandle'))] = n
        placed['/' + frag.name + '/__overlay__'] = path_map(base)[id(target)]
    syms = ov.child('__symbols__')
    if syms is not None:
        bsyms = base.child('__symbols__')
        if bsyms is None:
            bsyms = Node('__symbols__')
            base.children.append(bsyms)
        for label, value in syms.props:
            p = value.rstrip(b'\0').decode()
            for src, dst in placed.items():
                if p == src or p.startswith(src + '/'):
                    bsyms.set(label, ((dst.rstrip('/') + p[len(src):]) or '/')
                              .encode() + b'\0')


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], 'rb') as f:
        base, boot_cpu = ovparams.parse(f.read())
    with open(argv[2], 'rb') as f:
        ov, _ = ovparams.parse(f.read())
    try:
        for arg in argv[4:]:
            pname, _, value = arg.partition('=')
            ovparams.apply_param(ov, pname, value if '=' in arg else 'on')
        apply(base, ov)
    except OvError as e:
        sys.stderr.write('%s: %s\n' % (argv[2], e))
        return 1
    with open(argv[3], 'wb') as f:
        f.write(ovparams.serialize(base, boot_cpu))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
