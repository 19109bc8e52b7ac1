import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LedgerMirror, MirrorMatch, MirrorReader } from '../../app/ports/ledger-mirror.js';
import { MecError } from '../../domain/errors.js';
import { type LedgerEntry, SYSTEM_ACTOR } from '../../domain/ledger-entry.js';
import { writeFileAtomic } from './atomic-write.js';
import { appendDurably, repairTail, searchFromEnd, sizeOf } from './durable-append.js';

/** Where the mirror lives, relative to the workspace (seed section 6). */
export const MIRROR_PATH = '01-GOVERNANCE/META-GOVERNANCE-LOG.md';

export const MIRROR_HEADER = `# META Governance Log

A readable mirror of the mec-bot ledger, which the bot appends to after every ledger entry. The
hash-chained record is in Redis, pinned by the signed checkpoints in 01-GOVERNANCE/checkpoints.txt;
\`npm run verify\` re-renders every entry and compares this file with it byte for byte. Do not edit it.
`;

// Each entry ends with this marker on a line of its own, which lets the bot find where the file stops
// without parsing prose. Text from Slack can never start a line, and its '<' is escaped anyway.
const MARKER_START = Buffer.from('\n<!-- mec-ledger seq=');
const MARKER = /^<!-- mec-ledger seq=(\d+) hash=([0-9a-f]{64}) -->$/;

/** One entry as the mirror shows it; verify renders it again and compares. */
export function renderEntry({ seq, prevHash, hash, body }: LedgerEntry): string {
  const actor = body.actor === SYSTEM_ACTOR ? SYSTEM_ACTOR : `<@${body.actor}>`;
  // One template, not an array of lines joined: verify renders every entry of the ledger.
  return `
## #${seq} · ${body.at} · ${body.phase} · ${body.action} · ${body.outcome}

- actor: ${actor}
- reason: \`${body.reason}\`
- rollout: ${body.rolloutId ?? '(none)'}
- before: \`${inlineJson(body.before)}\`
- after: \`${inlineJson(body.after)}\`
- detail: \`${inlineJson(body.detail)}\`
- prevHash: \`${prevHash}\`
- hash: \`${hash}\`
<!-- mec-ledger seq=${seq} hash=${hash} -->
`;
}

/** JSON for an inline code span: no backquote to end it early, no '<' to start markup. */
function inlineJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('`') && !json.includes('<')) return json;
  return json.replaceAll('`', '\\u0060').replaceAll('<', '\\u003c');
}

interface Marker {
  seq: number;
  hash: string;
  /** The byte offset just past the marker's line: where the next entry starts. */
  end: number;
}

/**
 * The Markdown mirror of one release workspace. Appends go at the end in one write each, fsynced; a
 * crash mid-append leaves a torn entry after the last marker, which the next append cuts off first.
 * The writer (the ledger anchor) holds the anchor lock, so appends never interleave.
 */
export class MarkdownLedgerMirror implements LedgerMirror {
  readonly path = MIRROR_PATH;
  readonly #file: string;

  constructor(workspace: string) {
    this.#file = join(workspace, MIRROR_PATH);
  }

  async head(): Promise<{ seq: number; hash: string } | undefined> {
    const marker = await this.#lastMarker();
    return marker && { seq: marker.seq, hash: marker.hash };
  }

  async append(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const text = entries.map(renderEntry).join('');
    const size = await sizeOf(this.#file);
    if (!size) return writeFileAtomic(this.#file, MIRROR_HEADER + text);
    if (!(await this.#startsWithHeader()))
      throw new MecError(
        'mirror_mismatch',
        `${MIRROR_PATH} does not start as the bot writes it; check it, then rebuild it with npm run mirror -- --rebuild`,
      );
    const end = (await this.#lastMarker())?.end ?? Buffer.byteLength(MIRROR_HEADER);
    if (end < size) await repairTail(this.#file, end);
    await appendDurably(this.#file, text);
  }

  async rebuild(entries: AsyncIterable<LedgerEntry>): Promise<number> {
    const temporary = join(dirname(this.#file), `.${basename(this.#file)}.rebuild.tmp`);
    let written = 0;
    const file = await open(temporary, 'w', 0o644);
    try {
      await file.write(MIRROR_HEADER);
      let chunk = '';
      for await (const entry of entries) {
        chunk += renderEntry(entry);
        written += 1;
        if (chunk.length > 1 << 20) {
          await file.write(chunk);
          chunk = '';
        }
      }
      await file.write(chunk);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, this.#file);
    return written;
  }

  reader(uptoBytes?: number): MirrorReader {
    return new MarkdownMirrorReader(this.#file, uptoBytes);
  }

  async size(): Promise<number> {
    return (await sizeOf(this.#file)) ?? 0;
  }

  async #startsWithHeader(): Promise<boolean> {
    const header = Buffer.from(MIRROR_HEADER);
    const file = await open(this.#file, 'r');
    try {
      const start = Buffer.alloc(header.length);
      await file.read(start, 0, header.length, 0);
      return start.equals(header);
    } finally {
      await file.close();
    }
  }

  async #lastMarker(): Promise<Marker | undefined> {
    const found = await searchFromEnd(this.#file, (tail, tailStart) => {
      for (
        let at = tail.lastIndexOf(MARKER_START);
        at >= 0;
        at = at === 0 ? -1 : tail.lastIndexOf(MARKER_START, at - 1)
      ) {
        const lineEnd = tail.indexOf(0x0a, at + 1);
        if (lineEnd < 0) continue;
        const match = MARKER.exec(tail.subarray(at + 1, lineEnd).toString('utf8'));
        if (match) return { seq: Number(match[1]), hash: match[2] as string, end: tailStart + lineEnd + 1 };
      }
      return tailStart === 0 ? null : undefined;
    });
    return found ?? undefined;
  }
}

/**
 * The bytes of `text` in UTF-8, one character per byte (latin1), so that a string compare is a byte
 * compare. ASCII text, nearly every entry, is its own encoding and is not copied.
 */
function utf8Bytes(text: string): string {
  return Buffer.byteLength(text, 'utf8') === text.length
    ? text
    : Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * Compares the mirror file, read a chunk at a time, with the entries rendered again in order, byte
 * for byte: the file is read as latin1, one character per byte, and each rendering is compared in its
 * UTF-8 bytes. Decoding the file as UTF-8 instead would cost more and let bytes that are not UTF-8
 * pass as the replacement character.
 */
class MarkdownMirrorReader implements MirrorReader {
  readonly #chunks: AsyncIterator<Buffer>;
  #buffer = '';
  /** Where the part of `#buffer` not yet compared starts. */
  #at = 0;
  #done = false;
  #started = false;
  #exists = true;

  constructor(file: string, uptoBytes: number | undefined) {
    const range = uptoBytes === undefined ? {} : { end: Math.max(0, uptoBytes - 1) };
    const stream = createReadStream(file, { highWaterMark: 1 << 20, ...range });
    stream.on('error', () => undefined);
    this.#chunks = stream[Symbol.asyncIterator]();
  }

  next(entry: LedgerEntry): MirrorMatch | Promise<MirrorMatch> {
    if (!this.#started) return this.#first(entry);
    if (!this.#exists) return 'missing';
    const bytes = utf8Bytes(renderEntry(entry));
    // Only when the chunk in hand is used up does the compare wait for the file: most entries are
    // compared at once, with no promise.
    if (this.#buffer.length - this.#at < bytes.length && !this.#done)
      return this.#fill(bytes.length).then(() => this.#compare(bytes));
    return this.#compare(bytes);
  }

  async #first(entry: LedgerEntry): Promise<MirrorMatch> {
    this.#started = true;
    const header = utf8Bytes(MIRROR_HEADER);
    await this.#fill(header.length);
    if (!this.#exists) return 'missing';
    if (!this.#take(header)) return 'differs';
    return this.next(entry);
  }

  #compare(bytes: string): MirrorMatch {
    if (this.#buffer.length === this.#at && this.#done) return 'ended';
    return this.#take(bytes) ? 'same' : 'differs';
  }

  /** How many bytes the mirror holds after the entries compared so far. */
  async rest(): Promise<number> {
    await this.#fill(1);
    return this.#buffer.length - this.#at;
  }

  // Compared in place at an offset: slicing the 1 MB chunk after every entry made verify copy it
  // once per entry.
  #take(bytes: string): boolean {
    if (!this.#buffer.startsWith(bytes, this.#at)) return false;
    this.#at += bytes.length;
    return true;
  }

  async #fill(length: number): Promise<void> {
    while (this.#buffer.length - this.#at < length && !this.#done) {
      try {
        const { value, done } = await this.#chunks.next();
        if (done) this.#done = true;
        else {
          // One latin1 decode of the left-over bytes and the new chunk: a flat string to compare in.
          const left = Buffer.from(this.#buffer.slice(this.#at), 'latin1');
          this.#buffer = Buffer.concat([left, value]).toString('latin1');
          this.#at = 0;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.#exists = false;
        this.#done = true;
      }
    }
  }
}
