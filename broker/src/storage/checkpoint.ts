// Kafka's text checkpoint files (CheckpointFile): a version line, a count line, then one entry per line
// with space-separated fields. Used for recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint, cleaner-offset-checkpoint ("topic partition offset") and
// leader-epoch-checkpoint ("epoch startOffset"). Written atomically: tmp file, fsync, rename, fsync dir.
import fs from 'node:fs';
import path from 'node:path';

export const CHECKPOINT_VERSION = 0;

/** Writes `data` to `file` so a crash leaves either the old or the new content. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = file + '.tmp';
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/**
 * writeFileAtomic without blocking the event loop: the write, fsyncs and rename run on libuv's thread pool.
 * For periodic checkpoints: an fsync can wait for seconds behind the writeback of other dirty data (ext4 commits
 * its journal with the data it orders), and on the event loop that would stall every request of the broker.
 * Callers must not write the same file concurrently (the temporary name is shared).
 */
export async function writeFileAtomicAsync(file: string, data: string | Buffer): Promise<void> {
  const tmp = file + '.tmp';
  const fh = await fs.promises.open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  let dir: fs.promises.FileHandle | null = null;
  try {
    dir = await fs.promises.open(path.dirname(file), 'r');
    await dir.sync();
  } catch {
    // As fsyncDir: some filesystems refuse fsync on directories.
  } finally {
    await dir?.close();
  }
}

export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Entries as arrays of fields; throws on a malformed file (wrong version, count mismatch, bad line). */
export function readCheckpointFile(file: string, fieldsPerLine: number): string[][] {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
  if (lines.length < 2) throw new Error(`Malformed checkpoint file ${file}: missing header`);
  const version = Number(lines[0].trim());
  if (version !== CHECKPOINT_VERSION) throw new Error(`Unrecognised version ${lines[0]} in checkpoint file ${file}`);
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count < 0) throw new Error(`Malformed count in checkpoint file ${file}`);
  const entries: string[][] = [];
  for (let i = 2; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s+/);
    if (fields.length !== fieldsPerLine) throw new Error(`Malformed line "${lines[i]}" in checkpoint file ${file}`);
    entries.push(fields);
  }
  if (entries.length !== count) throw new Error(`Expected ${count} entries in ${file} but found ${entries.length}`);
  return entries;
}

export function formatCheckpoint(entries: (string | number)[][]): string {
  let out = `${CHECKPOINT_VERSION}\n${entries.length}\n`;
  for (const e of entries) out += e.join(' ') + '\n';
  return out;
}

export function writeCheckpointFile(file: string, entries: (string | number)[][]): void {
  writeFileAtomic(file, formatCheckpoint(entries));
}

/** `topic partition offset` checkpoints as a map keyed by `<topic>-<partition>`. */
export function readOffsetCheckpoint(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync(file)) return out;
  for (const [topic, partition, offset] of readCheckpointFile(file, 3)) {
    out.set(`${topic}-${Number(partition)}`, Number(offset));
  }
  return out;
}

type OffsetEntry = { topic: string; partition: number; offset: number };

const offsetLines = (offsets: OffsetEntry[]) => offsets.map((o) => [o.topic, o.partition, o.offset]);

export function writeOffsetCheckpoint(file: string, offsets: OffsetEntry[]): void {
  writeCheckpointFile(file, offsetLines(offsets));
}

export function writeOffsetCheckpointAsync(file: string, offsets: OffsetEntry[]): Promise<void> {
  return writeFileAtomicAsync(file, formatCheckpoint(offsetLines(offsets)));
}
