// Kafka's text checkpoint files (CheckpointFile): a version line, a count line, then one entry per line
// with space-separated fields. Used for recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint, cleaner-offset-checkpoint ("topic partition offset") and
// leader-epoch-checkpoint ("epoch startOffset"). Written atomically: tmp file, fsync, rename, fsync dir.
import fs from 'node:fs';
import path from 'node:path';
export const CHECKPOINT_VERSION = 0;
/** Writes `data` to `file` so a crash leaves either the old or the new content. */
export function writeFileAtomic(file, data) {
    const tmp = file + '.tmp';
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
        fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
        fs.fsyncSync(fd);
    }
    finally {
        fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(file));
}
export function fsyncDir(dir) {
    let fd = null;
    try {
        fd = fs.openSync(dir, 'r');
        fs.fsyncSync(fd);
    }
    catch {
        // Some filesystems refuse fsync on directories; the rename itself is still atomic.
    }
    finally {
        if (fd !== null)
            fs.closeSync(fd);
    }
}
/** Entries as arrays of fields; throws on a malformed file (wrong version, count mismatch, bad line). */
export function readCheckpointFile(file, fieldsPerLine) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
    if (lines.length < 2)
        throw new Error(`Malformed checkpoint file ${file}: missing header`);
    const version = Number(lines[0].trim());
    if (version !== CHECKPOINT_VERSION)
        throw new Error(`Unrecognised version ${lines[0]} in checkpoint file ${file}`);
    const count = Number(lines[1].trim());
    if (!Number.isInteger(count) || count < 0)
        throw new Error(`Malformed count in checkpoint file ${file}`);
    const entries = [];
    for (let i = 2; i < lines.length; i++) {
        const fields = lines[i].trim().split(/\s+/);
        if (fields.length !== fieldsPerLine)
            throw new Error(`Malformed line "${lines[i]}" in checkpoint file ${file}`);
        entries.push(fields);
    }
    if (entries.length !== count)
        throw new Error(`Expected ${count} entries in ${file} but found ${entries.length}`);
    return entries;
}
export function formatCheckpoint(entries) {
    let out = `${CHECKPOINT_VERSION}\n${entries.length}\n`;
    for (const e of entries)
        out += e.join(' ') + '\n';
    return out;
}
export function writeCheckpointFile(file, entries) {
    writeFileAtomic(file, formatCheckpoint(entries));
}
/** `topic partition offset` checkpoints as a map keyed by `<topic>-<partition>`. */
export function readOffsetCheckpoint(file) {
    const out = new Map();
    if (!fs.existsSync(file))
        return out;
    for (const [topic, partition, offset] of readCheckpointFile(file, 3)) {
        out.set(`${topic}-${Number(partition)}`, Number(offset));
    }
    return out;
}
export function writeOffsetCheckpoint(file, offsets) {
    writeCheckpointFile(file, offsets.map((o) => [o.topic, o.partition, o.offset]));
}
//# sourceMappingURL=checkpoint.js.map