#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Apply Raspberry Pi overlay parameters to a .dtbo, as the firmware does.

    ovparams.py IN.dtbo OUT.dtbo [name[=value] ...]

The Raspberry Pi firmware (and the dtoverlay/dtmerge utilities) evaluate the
__overrides__ node of an overlay before merging it; fdtoverlay does not. This
tool implements the subset of the documented parameter semantics that the
gpio-ups overlays use, so that parameter variants can be checked with
fdtoverlay against mainline DTBs:

  <&node>,"prop"            string (a "status" target takes a boolean)
  <&node>,"prop:off"        32-bit cell at byte offset (.;# for 8/16/64 bit)
  <&node>,"prop?"           boolean: create (true) or delete (false)
  <&node>,"prop!"           inverted boolean
  ...="prop:off=literal"    literal assignment (the value given is ignored)
  ...="prop:off{k=v,k,...}" lookup table; an unknown input is an error
  <0>,"+N-N=N!N"            enable / disable / conditional fragment N
  "reg" cell targets rename the node's unit address, like the firmware.

Values: integers (decimal, 0x hex); y/yes/on/true = 1, n/no/off/false = 0,
down = 1, up = 2; a parameter given without a value is "true" (1).
Parameters are applied in the order given. Any error exits non-zero.

Afterwards the labels and phandle properties of the fragments' own __overlay__ nodes
(present only because __overrides__ refer to them) are dropped so that the
merge does not copy them onto the target node, and the __overrides__ node is
removed. Cell literals (<&label> values inside overrides) are not supported.
"""

import struct
import sys

FDT_MAGIC = 0xd00dfeed
BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []         # [name, bytes]
        self.children = []

    def prop(self, name):
        for p in self.props:
            if p[0] == name:
                return p
        return None

    def get(self, name):
        p = self.prop(name)
        return None if p is None else p[1]

    def set(self, name, value):
        p = self.prop(name)
        if p is None:
            self.props.append([name, value])
        else:
            p[1] = value

    def delete(self, name):
        self.props = [p for p in self.props if p[0] != name]

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def lookup(self, path):
        """The node at PATH ("/a/b") below this one, or None."""
        node = self
        for part in [x for x in path.split('/') if x]:
            node = node.child(part)
            if node is None:
                return None
        return node

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


class OvError(Exception):
    pass


def parse(blob):
    (magic, totalsize, off_struct, off_strings, off_rsv, version, _lcv,
     boot_cpu, size_strings, size_struct) = struct.unpack_from('>10I', blob, 0)
    if magic != FDT_MAGIC:
        raise OvError('not a flattened device tree')
    strings = blob[off_strings:off_strings + size_strings]
    pos = off_struct
    stack = []
    root = None
    while True:
        tok, = struct.unpack_from('>I', blob, pos)
        pos += 4
        if tok == BEGIN_NODE:
            end = blob.index(b'\0', pos)
            node = Node(blob[pos:end].decode())
            pos = (end + 4) & ~3
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif tok == END_NODE:
            stack.pop()
        elif tok == PROP:
            length, nameoff = struct.unpack_from('>II', blob, pos)
            pos += 8
            name = strings[nameoff:strings.index(b'\0', nameoff)].decode()
            stack[-1].props.append([name, bytes(blob[pos:pos + length])])
            pos = (pos + length + 3) & ~3
        elif tok == NOP:
            continue
        elif tok == END:
            break
        else:
            raise OvError('bad structure token %d' % tok)
    return root, boot_cpu


def serialize(root, boot_cpu):
    strings = bytearray()
    offsets = {}
    body = bytearray()

    def stroff(name):
        if name not in offsets:
            offsets[name] = len(strings)
            strings.extend(name.encode() + b'\0')
        return offsets[name]

    def emit(node):
        body.extend(struct.pack('>I', BEGIN_NODE))
        name = node.name.encode() + b'\0'
        body.extend(name + b'\0' * ((4 - len(name) % 4) % 4))
        for name, value in node.props:
            body.extend(struct.pack('>III', PROP, len(value), stroff(name)))
            body.extend(value + b'\0' * ((4 - len(value) % 4) % 4))
        for c in node.children:
            emit(c)
        body.extend(struct.pack('>I', END_NODE))

    emit(root)
    body.extend(struct.pack('>I', END))
    rsv = b'\0' * 16
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(body)
    total = off_strings + len(strings)
    hdr = struct.pack('>10I', FDT_MAGIC, total, off_struct, off_strings,
                      off_rsv, 17, 16, boot_cpu, len(strings), len(body))
    return hdr + rsv + bytes(body) + bytes(strings)


TRUE_WORDS = {'y': 1, 'yes': 1, 'on': 1, 'true': 1, 'down': 1, 'up': 2}
FALSE_WORDS = {'n': 0, 'no': 0, 'off': 0, 'false': 0}


def to_int(value):
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return TRUE_WORDS[v]
    if v in FALSE_WORDS:
        return 0
    try:
        return int(v, 0)
    except ValueError:
        raise OvError("invalid integer value '%s'" % value) from None


def lookup(table, value, pname):
    default = None
    passthrough = table.startswith(',') or table.endswith(',')
    for entry in table.split(','):
        if entry == '':
            passthrough = True
            continue
        if '=' in entry:
            key, out = entry.split('=', 1)
            if key == '':
                default = out
                continue
        else:
            key, out = entry, entry
        if key == value:
            return out.strip("'")
    if default is not None:
        return default
    if passthrough:
        return value
    raise OvError("parameter %s: value '%s' is not allowed" % (pname, value))


def split_decl(decl):
    """name, sep, offset, rest ('{...}' or '=...' or '')."""
    i = 0
    while i < len(decl) and decl[i] not in '.;:#?![{=':
        i += 1
    name, sep, rest = decl[:i], '', decl[i:]
    if rest and rest[0] in '.;:#?![':
        sep, rest = rest[0], rest[1:]
    off = ''
    while rest and rest[0].isdigit():
        off, rest = off + rest[0], rest[1:]
    return name, sep, (int(off) if off else 0), rest


def node_path(root, target):
    def find(node, path):
        if node is target:
            return path
        for c in node.children:
            r = find(c, path + '/' + c.name)
            if r is not None:
                return r
        return None
    return find(root, '') or '/'


def rename(root, node, new_name):
    """Rename node, patching __fixups__, __symbols__ and __local_fixups__."""
    old_path = node_path(root, node)
    new_path = old_path.rsplit('/', 1)[0] + '/' + new_name
    for meta in ('__fixups__', '__symbols__'):
        m = root.child(meta)
        if m is None:
            continue
        for p in m.props:
            out = []
            for s in p[1].split(b'\0')[:-1]:
                s = s.decode()
                if s == old_path or s.startswith(old_path + '/') or \
                        s.startswith(old_path + ':'):
                    s = new_path + s[len(old_path):]
                out.append(s.encode() + b'\0')
            p[1] = b''.join(out)
    lf = root.child('__local_fixups__')
    for part in old_path.strip('/').split('/'):
        lf = lf.child(part) if lf is not None else None
    if lf is not None:
        lf.name = new_name
    node.name = new_name


def set_fragment(root, num, active):
    frag = root.child('fragment@%d' % num) or root.child('fragment-%d' % num)
    if frag is None:
        raise OvError('fragment %d not found' % num)
    want, other = ('__overlay__', '__dormant__') if active else \
        ('__dormant__', '__overlay__')
    body = frag.child(other)
    if body is not None:
        rename(root, body, want)


def apply_param(root, pname, value):
    ovr = root.child('__overrides__')
    data = ovr.get(pname) if ovr else None
    if data is None:
        raise OvError("unknown parameter '%s'" % pname)
    phandles = {}
    for n in root.walk():
        ph = n.get('phandle')
        if ph is not None:
            phandles[struct.unpack('>I', ph)[0]] = n
    pos = 0
    while pos < len(data):
        ph, = struct.unpack_from('>I', data, pos)
        end = data.index(b'\0', pos + 4)
        decl = data[pos + 4:end].decode()
        pos = end + 1
        if ph == 0:
            truth = to_int(value) != 0
            i = 0
            while i < len(decl):
                op = decl[i]
                j = i + 1
                while j < len(decl) and decl[j].isdigit():
                    j += 1
                if op not in '+-=!' or j == i + 1:
                    raise OvError("bad fragment operation '%s'" % decl)
                num = int(decl[i + 1:j])
                active = {'+': True, '-': False, '=': truth,
                          '!': not truth}[op]
                set_fragment(root, num, active)
                i = j
            continue
        node = phandles.get(ph)
        if node is None:
            raise OvError('parameter %s: phandle %d not found' % (pname, ph))
        name, sep, off, rest = split_decl(decl)
        val = value
        if rest.startswith('{'):
            if not rest.endswith('}'):
                raise OvError('bad lookup table in %s' % decl)
            val = lookup(rest[1:-1], value, pname)
        elif rest.startswith('='):
            val = rest[1:]
        elif rest:
            raise OvError("cannot parse override '%s'" % decl)
        if sep == '':
            if name == 'status':
                val = 'okay' if to_int(val) else 'disabled'
            node.set(name, val.encode() + b'\0')
        elif sep in '?!':
            truth = to_int(val) != 0
            if sep == '!':
                truth = not truth
            if truth:
                node.set(name, b'')
            else:
                node.delete(name)
        elif sep == '[':
            raise OvError('byte-string overrides are not supported')
        else:
            size = {'.': 1, ';': 2, ':': 4, '#': 8}[sep]
            num = to_int(val)
            if name == 'reg' and '@' in node.name and off == 0:
                rename(root, node, '%s@%x' % (node.name.split('@')[0], num))
            old = node.get(name) or b''
            buf = bytearray(old.ljust(off + size, b'\0'))
            buf[off:off + size] = num.to_bytes(size, 'big')
            node.set(name, bytes(buf))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], 'rb') as f:
        root, boot_cpu = parse(f.read())
    try:
        for arg in argv[3:]:
            pname, _, value = arg.partition('=')
            apply_param(root, pname, value if '=' in arg else 'on')
    except OvError as e:
        sys.stderr.write('%s: %s\n' % (argv[1], e))
        return 1
    for frag in root.children:
        for body in frag.children:
            if body.name in ('__overlay__', '__dormant__'):
                body.delete('phandle')
                body.delete('linux,phandle')
    root.children = [c for c in root.children if c.name != '__overrides__']
    sym = root.child('__symbols__')
    if sym is not None:
        sym.props = [p for p in sym.props
                     if p[1].decode().rstrip('\0').rsplit('/', 1)[-1]
                     not in ('__overlay__', '__dormant__')]
    lf = root.child('__local_fixups__')
    if lf is not None:
        lf.children = [c for c in lf.children if c.name != '__overrides__']
    with open(argv[2], 'wb') as f:
        f.write(serialize(root, boot_cpu))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
