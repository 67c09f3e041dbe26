#!/usr/bin/env node
// Summarises V8 .cpuprofile files (node --cpu-prof): self time by function + script, top N, and self time by
// script (package) — `node bench/profiles/cpuprofile-top.mjs <file.cpuprofile>... [N] [--from ms] [--to ms]`.
// Several files are added up (e.g. three profiled starts). --from/--to restrict each profile to a time
// window (ms since its start).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a, i) => !a.startsWith('--') && !/^\d+$/.test(a) && !['--from', '--to'].includes(args[i - 1]));
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const opt = (k) => {
  const i = args.indexOf(k);
  return i >= 0 ? Number(args[i + 1]) : null;
};
const from = opt('--from');
const to = opt('--to');
if (files.length === 0) {
  console.error('usage: cpuprofile-top.mjs <file.cpuprofile>... [N] [--from ms] [--to ms]');
  process.exit(2);
}
const self = new Map(); // callFrame -> µs
for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((nd) => [nd.id, nd]));
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    const rel = (t - p.startTime) / 1000;
    if (from !== null && rel < from) continue;
    if (to !== null && rel > to) continue;
    const cf = byId.get(p.samples[i]).callFrame;
    self.set(cf, (self.get(cf) ?? 0) + dt);
  }
}
const shortUrl = (u) =>
  (u || '')
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'nm:')
    .replace(/.*\/broker\/dist\//, 'broker:')
    .replace(/.*\/bench\//, 'bench:');
const pkgOf = (u) => {
  const s = shortUrl(u);
  if (!s) return '(native/vm)';
  if (s.startsWith('nm:')) return s.split('/').slice(0, s.startsWith('nm:@') ? 2 : 1).join('/');
  if (s.startsWith('node:')) return 'node:(core)';
  if (s.startsWith('broker:')) return 'broker:' + s.slice(7).split('/').slice(0, -1).join('/');
  return s;
};
const byFn = new Map();
const byPkg = new Map();
let total = 0;
for (const [cf, us] of self) {
  const key = `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const pk = cf.functionName === '(idle)' ? '(idle)' : pkgOf(cf.url);
  byPkg.set(pk, (byPkg.get(pk) ?? 0) + us);
  total += us;
}
const idle = [...byFn.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
const busy = total - idle;
console.log(`${files.length} profile(s): ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (non-idle)`);
const show = (m, title) => {
  console.log(`\n${title}  (self ms, % of busy)`);
  for (const [k, us] of [...m.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${(us / 1000).toFixed(1).padStart(9)}  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
  }
};
show(byFn, 'by function');
show(byPkg, 'by script/package');
