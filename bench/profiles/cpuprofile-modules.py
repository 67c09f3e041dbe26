#!/usr/bin/env python3
"""Inclusive time of module top-level evaluation (the (anonymous) frame at line 1 of each script) in a .cpuprofile,
   plus totals for ESM compile/link and CJS compile: python3 bench/profiles/cpuprofile-modules.py <file> [N]"""
import json, sys
p = json.load(open(sys.argv[1]))
n_top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
nodes = {n['id']: n for n in p['nodes']}
parent = {c: n['id'] for n in p['nodes'] for c in n.get('children', [])}
self = {}
for s, dt in zip(p['samples'], p['timeDeltas']):
    self[s] = self.get(s, 0) + dt
incl = {}
def total(i):
    if i in incl: return incl[i]
    t = self.get(i, 0) + sum(total(c) for c in nodes[i].get('children', []))
    incl[i] = t
    return t
sys.setrecursionlimit(100000)
for i in nodes: total(i)
def short(u):
    u = u.replace('file://', '')
    for k in ('/node_modules/', '/broker/dist/'):
        if k in u: return ('nm:' if 'node_modules' in k else 'broker:') + u.split(k)[-1]
    return u
def is_module_body(n):
    cf = n['callFrame']
    return cf['functionName'] == '' and cf['lineNumber'] == 0 and cf['url'] and not cf['url'].startswith('node:')
# exclusive of nested module bodies: inclusive minus inclusive of module-body descendants
def nested(i):
    out = 0
    for c in nodes[i].get('children', []):
        out += incl[c] if is_module_body(nodes[c]) else nested(c)
    return out
rows = {}
for i, n in nodes.items():
    if is_module_body(n):
        u = short(n['callFrame']['url'])
        rows[u] = rows.get(u, 0) + incl[i] - nested(i)
tot = sum(rows.values())
print(f'module top-level evaluation (excluding nested module bodies): {tot/1000:.1f} ms')
for u, v in sorted(rows.items(), key=lambda x: -x[1])[:n_top]:
    print(f'{v/1000:8.1f} ms  {u}')
for fn in ('compileSourceTextModule', 'wrapSafe', 'compileForInternalLoader', 'link', '_link', 'instantiate'):
    t = sum(self.get(i, 0) for i, n in nodes.items() if n['callFrame']['functionName'] == fn)
    print(f'{fn} self: {t/1000:.1f} ms')
