// Preload (node --require bench/profiles/memlog.cjs): when PROF_MEMLOG=<file> is set, appends
// process.memoryUsage() plus V8 heap-space sizes as one JSON line every PROF_MEMLOG_MS (default 100) ms.
// Profiling aid only; the broker does not load it.
'use strict';
const file = process.env.PROF_MEMLOG;
if (file) {
  const fs = require('node:fs');
  const v8 = require('node:v8');
  const t0 = Date.now();
  const every = Number(process.env.PROF_MEMLOG_MS || 100);
  const sample = () => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = Math.round(s.space_size / 1024);
    fs.appendFileSync(
      file,
      JSON.stringify({ t: Date.now() - t0, rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, spacesKiB: spaces }) + '\n',
    );
  };
  setInterval(sample, every).unref();
  process.on('exit', sample);
}
