#!/usr/bin/env python3
"""
layers.py: the layer order of daemon/ (tests/layers.txt), checked against
the code. `make check-layers` runs it after the build.

  (a) every #include "x.h" of a daemon/ file names a header of its own
      layer or a lower one;
  (b) every undefined symbol of a daemon object (nm) that another daemon
      object defines is defined in the same layer or a lower one;
  (c) inside a layer, no module reaches back to itself through others
      (includes and symbols together), so each layer is read bottom up;
  (d) every daemon/*.c and *.h is in the table, and the table names no
      file that is gone.

A file calls only its own layer or below; a lower layer tells an upper
one through a callback type it declares (docs/ARCHITECTURE.md).

Usage: layers.py [--table FILE] [--src DIR] [--objs DIR] [--self-test]
Exit 0 when the code keeps the table, 1 with one line per breach, 2 when
it cannot look (no table, no objects).
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


class Table:
    """tests/layers.txt: one line per layer, top to bottom, "name: modules".

    A module is a file stem (daemon/x.c and daemon/x.h); its parts,
    files that make one module with it and may call it back, follow it
    each with a leading "+" (device +devconn +device_internal). A line
    that starts with white space goes on the layer above it; "#" starts
    a comment.
    """

    def __init__(self, text, path):
        self.path = path
        self.layers = []        # names, top first
        self.layer_of = {}      # stem -> layer index
        self.module_of = {}     # stem -> module name (its first stem)
        self.last = None        # the module a "+part" joins
        self.errors = []
        for no, line in enumerate(text.splitlines(), 1):
            line = line.split('#', 1)[0].rstrip()
            if not line.strip():
                continue
            if line[0].isspace():
                if not self.layers:
                    self.errors.append('layers: %s:%d: a continuation line '
                                       'before any layer: start it with '
                                       '"name:"' % (path, no))
                    continue
                words = line.split()
            else:
                name, sep, rest = line.partition(':')
                if not sep or not name.strip():
                    self.errors.append('layers: %s:%d: not "layer: modules":'
                                       ' write the layer name, a colon, its '
                                       'modules' % (path, no))
                    continue
                self.layers.append(name.strip())
                self.last = None
                words = rest.split()
            for word in words:
                self._add(word, no)

    def _add(self, word, no):
        stems = word.split('+')
        if stems[0] == '':
            if self.last is None:
                self.errors.append('layers: %s:%d: %s joins no module: put '
                                   'it after the module it is part of'
                                   % (self.path, no, word))
                return
            stems[0] = self.last
        else:
            self.last = stems[0]
            stems.insert(0, stems[0])
        for stem in filter(None, stems[1:]):
            if stem in self.layer_of:
                self.errors.append(
                    'layers: %s:%d: %s is listed twice (also in %s): keep '
                    'it in one layer' % (self.path, no, stem,
                                         self.layers[self.layer_of[stem]]))
                continue
            self.layer_of[stem] = len(self.layers) - 1
            self.module_of[stem] = stems[0]

    def name(self, stem):
        return self.layers[self.layer_of[stem]]


def stem_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def parse_nm(text):
    """`nm -P -g` of one object: (defined {symbol: type}, undefined set)."""
    defined, undefined = {}, set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, kind = parts[0], parts[1]
        if kind == 'U':
            undefined.add(sym)
        elif kind in 'TDBRCGSVWi':
            defined[sym] = kind
    return defined, undefined


def read_objects(objdir, stems):
    """{stem: nm -P -g text} of the daemon objects in objdir."""
    out = {}
    for stem in sorted(stems):
        obj = os.path.join(objdir, stem + '.o')
        if not os.path.exists(obj):
            continue
        out[stem] = subprocess.run(['nm', '-P', '-g', obj], check=True,
                                   capture_output=True, text=True).stdout
    return out


def check(table, files, nm_texts, src='daemon'):
    """The breaches, one line each.

    files: {file name: its text} of daemon/; nm_texts: {stem: nm -P -g
    text} of the daemon objects.
    """
    errors = list(table.errors)
    stems = {stem_of(f) for f in files}

    # (d) every file listed, every listed file present
    for f in sorted(files):
        if stem_of(f) not in table.layer_of:
            errors.append('layers: %s/%s is in no layer of %s: add %s to '
                          'the line of the layer it belongs to'
                          % (src, f, table.path, stem_of(f)))
    for stem in sorted(set(table.layer_of) - stems):
        errors.append('layers: %s names %s, but %s/ has no %s.c or %s.h: '
                      'take it out of the table' % (table.path, stem, src,
                                                    stem, stem))

    def known(stem):
        return stem in table.layer_of

    edges = {}      # (module, module) -> why, same layer only

    def edge(a, b, why):
        ma, mb = table.module_of[a], table.module_of[b]
        if ma != mb and table.layer_of[a] == table.layer_of[b]:
            edges.setdefault((ma, mb), why)

    # (a) includes
    for f in sorted(files):
        a = stem_of(f)
        if not known(a):
            continue
        for inc in INCLUDE.findall(files[f]):
            b = stem_of(inc)
            if inc not in files or not known(b) or b == a:
                continue
            if table.layer_of[b] < table.layer_of[a]:
                errors.append(
                    'layers: %s/%s (%s) includes %s (%s): include only its '
                    'own layer or lower; move what it needs down or take '
                    'a callback type from a lower header'
                    % (src, f, table.name(a), inc, table.name(b)))
            else:
                edge(a, b, '%s includes %s' % (f, inc))

    # (b) symbols
    owner, syms = {}, {}
    for stem, text in nm_texts.items():
        syms[stem] = parse_nm(text)
        for sym, kind in syms[stem][0].items():
            owner[sym] = (stem, kind)
    for a in sorted(syms):
        if not known(a):
            continue
        for sym in sorted(syms[a][1]):
            if sym not in owner:
                continue
            b, kind = owner[sym]
            if b == a or not known(b):
                continue
            verb = 'calls' if kind in 'TWi' else 'uses'
            if table.layer_of[b] < table.layer_of[a]:
                errors.append(
                    'layers: %s/%s.c (%s) %s %s from %s/%s.c (%s): call '
                    'downward or register a callback'
                    % (src, a, table.name(a), verb, sym, src, b,
                       table.name(b)))
            else:
                edge(a, b, '%s.c %s %s' % (a, verb, sym))

    # (c) cycles inside a layer
    for comp, c in cycles(edges):
        why = '; '.join(edges[(c[i], c[(i + 1) % len(c)])]
                        for i in range(len(c)))
        more = '' if len(comp) == len(c) else (
            ' (and so on, between %s)' % ', '.join(sorted(comp)))
        errors.append('layers: cycle in layer %s: %s (%s)%s: break it with '
                      'a callback or a type in a lower header, or make the '
                      'files one module ("x +x_part") in %s'
                      % (table.layers[table.layer_of[c[0]]],
                         ' -> '.join(c + [c[0]]), why, more, table.path))
    return errors


def cycles(edges):
    """(the set, one cycle through it) per strongly connected set of
    modules."""
    succ = {}
    for a, b in sorted(edges):
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(set(comp))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    out = []
    for comp in comps:
        # The shortest way back to the first module, inside the set.
        start = min(comp)
        prev, todo = {start: None}, [start]
        while todo:
            v = todo.pop(0)
            for w in succ[v]:
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    out.append((comp, path[::-1]))
                    todo = []
                    break
                if w in comp and w not in prev:
                    prev[w] = v
                    todo.append(w)
    return out


def read_files(src):
    files = {}
    for f in sorted(os.listdir(src)):
        if f.endswith(('.c', '.h')):
            with open(os.path.join(src, f), encoding='utf-8') as fh:
                files[f] = fh.read()
    return files


def self_test():
    """Each check, shown to fail on a synthetic breach and only then."""
    table_text = ('# top first\n'
                  'top: main\n'
                  'mid: flow +flow_part other\n'
                  '  more\n'
                  'low: lib\n')
    good_files = {
        'main.c': '#include "flow.h"\n#include "lib.h"\n',
        'flow.h': '#include "lib.h"\n',
        'flow.c': '#include "flow.h"\n#include "flow_part.h"\n',
        'flow_part.h': '', 'flow_part.c': '#include "flow.h"\n',
        'other.c': '#include "more.h"\n', 'more.h': '', 'more.c': '',
        'lib.h': '', 'lib.c': '#include "lib.h"\n',
    }
    good_nm = {
        'main': 'main T 0 0\nflow_run U\nlib_do U\nprintf U\n',
        'flow': 'flow_run T 0 0\nflow_part_x U\nlib_do U\n',
        'flow_part': 'flow_part_x T 0 0\nflow_run U\n',
        'other': 'other_go T 0 0\nmore_go U\n',
        'more': 'more_go T 0 0\nmore_table R 0 0\n',
        'lib': 'lib_do T 0 0\n',
    }

    def run(table=table_text, files=None, nm=None):
        return check(Table(table, 'layers.txt'),
                     good_files if files is None else files,
                     good_nm if nm is None else nm)

    def expect(what, errors, needle):
        hits = [e for e in errors if needle in e]
        if len(hits) != 1 or len(errors) != 1:
            print('layers: self-test: %s: wanted one error with "%s", got:'
                  % (what, needle))
            for e in errors or ['(none)']:
                print('  ' + e)
            return 1
        return 0

    failed = 0
    if run():
        print('layers: self-test: the good world fails: %s' % run())
        failed += 1
    # (a) a lower file includes an upper header
    files = dict(good_files, **{'lib.c': '#include "flow.h"\n'})
    failed += expect('(a) upward include', run(files=files),
                     'daemon/lib.c (low) includes flow.h (mid)')
    # (b) a lower object calls an upper function
    nm = dict(good_nm, lib='lib_do T 0 0\nflow_run U\n')
    failed += expect('(b) upward call', run(nm=nm),
                     'daemon/lib.c (low) calls flow_run from daemon/flow.c '
                     '(mid): call downward or register a callback')
    nm = dict(good_nm, lib='lib_do T 0 0\nmore_table U\n')
    failed += expect('(b) upward data', run(nm=nm),
                     'daemon/lib.c (low) uses more_table from daemon/more.c')
    # (c) two modules of one layer call each other (a part may)
    nm = dict(good_nm, more='more_go T 0 0\nmore_table R 0 0\n'
              'other_go U\n')
    failed += expect('(c) cycle', run(nm=nm),
                     'cycle in layer mid: more -> other -> more '
                     '(more.c calls other_go; other.c includes more.h)')
    # (d) a file in no layer; a layer naming a file that is gone
    files = dict(good_files, **{'stray.c': ''})
    failed += expect('(d) file not listed', run(files=files),
                     'daemon/stray.c is in no layer of layers.txt')
    failed += expect('(d) file gone', run(table=table_text + '  gone\n'),
                     'layers.txt names gone, but daemon/ has no gone.c')
    failed += expect('table: listed twice',
                     run(table=table_text + '  lib\n'),
                     'lib is listed twice (also in low)')
    print('layers: self-test %s' % ('FAILED' if failed else
                                    'passed: each check fails on its breach'))
    return 1 if failed else 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--table', default=os.path.join(here, 'layers.txt'))
    ap.add_argument('--src', default=os.path.join(root, 'daemon'))
    ap.add_argument('--objs', default=os.path.join(root, 'build', 'daemon'))
    ap.add_argument('--self-test', action='store_true')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    try:
        with open(args.table, encoding='utf-8') as fh:
            table = Table(fh.read(), os.path.relpath(args.table, root))
    except OSError as e:
        print('layers: %s: %s' % (args.table, e.strerror))
        return 2
    files = read_files(args.src)
    nm_texts = read_objects(args.objs, {stem_of(f) for f in files
                                        if f.endswith('.c')})
    if not nm_texts:
        print('layers: no daemon objects in %s: run make all first'
              % args.objs)
        return 2
    errors = check(table, files, nm_texts,
                   os.path.relpath(args.src, root))
    for e in errors:
        print(e)
    if errors:
        print('layers: %d breach%s of %s (docs/ARCHITECTURE.md, "The '
              'layers")' % (len(errors), 'es' if len(errors) > 1 else '',
                            os.path.relpath(args.table, root)))
        return 1
    print('layers: %d files in %d layers, every include and call downward'
          % (len(files), len(table.layers)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
