import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { CosignatureLog, StoredCosignature } from '../../app/ports/cosignature-log.js';
import { parseCheckpoint, parseNote } from '../../domain/checkpoint-note.js';
import { MecError } from '../../domain/errors.js';

/** Where the cosigned checkpoints live, relative to the workspace. */
export const COSIGNATURES_PATH = '01-GOVERNANCE/witness-cosignatures.txt';

/** A record is well under a kilobyte; past this it is not one of ours, and is reported, not held. */
const MAX_RECORD_CHARS = 64 * 1024;
const SIGNATURE_PREFIX = '— ';

/**
 * The cosignature log as a text file: each cosigned checkpoint as its whole signed note, followed by a
 * blank line. An append is one `write()` to a file opened with O_APPEND, then fsync, so concurrent
 * appends never interleave, and a crash can leave at most one torn record at the end, which the
 * reader reports. The next append starts on fresh lines after such a tail, so it stays readable.
 */
export class CosignatureFile implements CosignatureLog {
  readonly path: string;

  constructor(workspace: string) {
    this.path = join(workspace, COSIGNATURES_PATH);
  }

  async append(note: string): Promise<void> {
    const { text, signatures } = parseNote(note);
    parseCheckpoint(text);
    if (signatures.length < 2)
      throw new MecError('checkpoint_malformed', "a cosigned note carries our signature and the witness's");
    const dir = dirname(this.path);
    const firstMade = await mkdir(dir, { recursive: true });
    const { handle, created } = await openForAppend(this.path);
    try {
      const bytes = Buffer.from(`${await separatorAfter(handle)}${note}\n`);
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
      // A short write on a local disk means it is full; the part written is a torn record now.
      if (bytesWritten !== bytes.length)
        throw new MecError(
          'cosignature_write_failed',
          `only ${bytesWritten} of ${bytes.length} bytes reached ${this.path}; check the disk has room`,
        );
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await syncDirectories(firstMade ? dirname(firstMade) : dir, dir);
  }

  async *read(): AsyncIterable<StoredCosignature> {
    let record: string[] = [];
    let startLine = 0;
    let signatureLines = 0;
    let inSignatures = false;
    let skipping = false;
    let size = 0;
    const reset = () => {
      record = [];
      signatureLines = 0;
      inSignatures = false;
      size = 0;
    };
    for await (const { text: line, number, complete } of lines(this.path)) {
      if (!complete) {
        // The file stops mid-line: whatever record this line belongs to was cut short.
        if (!skipping)
          yield {
            kind: 'torn',
            text: [...record, line].join('\n'),
            line: record.length ? startLine : number,
          };
        return;
      }
      if (skipping) {
        skipping = line !== '';
        continue;
      }
      if (record.length === 0) {
        if (line === '') continue;
        startLine = number;
      }
      if (line === '' && inSignatures && signatureLines > 0) {
        yield toRecord(record, startLine);
        reset();
        continue;
      }
      if (inSignatures && signatureLines === 0 && line !== '' && !line.startsWith(SIGNATURE_PREFIX)) {
        // A text and no signatures, then a new text: an append cut short after its first block.
        yield { kind: 'torn', text: `${record.join('\n')}\n`, line: startLine };
        reset();
        startLine = number;
      }
      if (line === '') {
        if (inSignatures) {
          yield { kind: 'torn', text: `${record.join('\n')}\n`, line: startLine };
          reset();
          continue;
        }
        inSignatures = true;
      } else if (inSignatures) {
        signatureLines += 1;
      }
      record.push(line);
      size += line.length + 1;
      if (size > MAX_RECORD_CHARS) {
        yield { kind: 'torn', text: `${record.join('\n')}\n`, line: startLine };
        reset();
        skipping = true;
      }
    }
    // The last record may lack only its closing blank line: it is whole if it reads as a note.
    if (record.length > 0) yield toRecord(record, startLine);
  }
}

/** A complete record as a note, or as torn when it does not read as a cosigned checkpoint. */
function toRecord(record: readonly string[], line: number): StoredCosignature {
  const note = `${record.join('\n')}\n`;
  try {
    const { text, signatures } = parseNote(note);
    parseCheckpoint(text);
    if (signatures.length >= 2) return { kind: 'note', note, line };
  } catch {
    // Reported below as torn: the reader describes damage, it never throws on it.
  }
  return { kind: 'torn', text: note, line };
}

async function openForAppend(path: string): Promise<{ handle: FileHandle; created: boolean }> {
  try {
    return { handle: await open(path, 'ax+', 0o644), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { handle: await open(path, 'a+'), created: false };
  }
}

/** What must come before a new record so that it starts after a blank line, even after a torn tail. */
async function separatorAfter(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  if (size === 0) return '';
  const tail = Buffer.alloc(Math.min(size, 2));
  await handle.read(tail, 0, tail.length, size - tail.length);
  const text = tail.toString('latin1');
  if (text === '\n\n' || (size === 1 && text === '\n')) return '';
  return text.endsWith('\n') ? '\n' : '\n\n';
}

/** Fsyncs `from` and every directory below it down to `to`, so that new entries in them survive a crash. */
async function syncDirectories(from: string, to: string): Promise<void> {
  const steps = relative(from, to).split(sep).filter(Boolean);
  const dirs = [from, ...steps.map((_, index) => join(from, ...steps.slice(0, index + 1)))];
  for (const dir of dirs) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/**
 * The file's lines, 1-based, read in chunks; the last one is `complete: false` if no newline ends it. A
 * line longer than a record can be is cut to that length, and the rest of it skipped, so that memory
 * stays bounded whatever the file holds.
 */
async function* lines(path: string): AsyncGenerator<{ text: string; number: number; complete: boolean }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;
  let discarding = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      pending += decoder.write(chunk as Buffer);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        if (!discarding) {
          number += 1;
          yield { text: pending.slice(0, newline), number, complete: true };
        }
        discarding = false;
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > MAX_RECORD_CHARS && !discarding) {
        number += 1;
        yield { text: pending.slice(0, MAX_RECORD_CHARS + 1), number, complete: true };
        discarding = true;
      }
      if (discarding) pending = '';
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  pending += decoder.end();
  if (pending !== '' && !discarding) yield { text: pending, number: number + 1, complete: false };
}
