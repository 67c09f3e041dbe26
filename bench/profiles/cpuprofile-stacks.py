#!/usr/bin/env python3
"""Self time of the named functions in a .cpuprofile, by call stack (innermost first):
   python3 bench/profiles/cpuprofile-stacks.py <file.cpuprofile> fnName[,fnName...] [depth]"""
import json, sys
p = json.load(open(sys.argv[1]))
names = set(sys.argv[2].split(','))
depth = int(sys.argv[3]) if len(sys.argv) > 3 else 8
nodes = {n['id']: n for n in p['nodes']}
parent = {c: n['id'] for n in p['nodes'] for c in n.get('children', [])}
self = {}
for s, dt in zip(p['samples'], p['timeDeltas']):
    self[s] = self.get(s, 0) + dt
agg = {}
for i, us in self.items():
    if nodes[i]['callFrame']['functionName'] not in names:
        continue
    st, j = [], i
    while j is not None and len(st) < depth:
        st.append(nodes[j]['callFrame']['functionName'] or '(anon)')
        j = parent.get(j)
    k = ' < '.join(st)
    agg[k] = agg.get(k, 0) + us
for k, v in sorted(agg.items(), key=lambda x: -x[1])[:25]:
    print(f'{v / 1000:8.1f} ms  {k}')
