import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CheckpointLog } from '../../app/ports/checkpoint-log.js';
import { MecError } from '../../domain/errors.js';
import { appendDurably, repairTail, searchFromEnd, sizeOf } from './durable-append.js';

/** Where the checkpoints live, relative to the workspace. */
export const CHECKPOINTS_PATH = '01-GOVERNANCE/checkpoints.txt';

const SIGNATURE = '— ';
/** The most a torn note can be: a checkpoint note is a few hundred bytes. */
const MAX_TORN_BYTES = 4_096;
const RECORD_END = Buffer.from('\n\n');
const SIGNATURE_BYTES = Buffer.from(SIGNATURE);

/**
 * The checkpoints file: signed notes one after another, each followed by a blank line. A note's text
 * and its signatures are themselves split by a blank line, so a record is a text block and the block
 * of `— ` signature lines after it.
 */
export class CheckpointFile implements CheckpointLog {
  readonly path = CHECKPOINTS_PATH;
  readonly #file: string;

  constructor(workspace: string) {
    this.#file = join(workspace, CHECKPOINTS_PATH);
  }

  async latest(): Promise<string | undefined> {
    const found = await this.#lastRecord();
    return found?.note;
  }

  async append(note: string): Promise<void> {
    const found = await this.#lastRecord();
    const size = (await sizeOf(this.#file)) ?? 0;
    const end = found?.end ?? 0;
    if (end < size) await repairTail(this.#file, end);
    await appendDurably(this.#file, `${note}\n`);
  }

  /**
   * The newest complete note and where it ends. What follows it may only be one torn note, a crash's
   * leftover, which the next append cuts off. Anything else (line ends rewritten to CRLF, a trimmed
   * blank line, text of someone else's) is refused rather than cut: the file is the record that pins
   * the ledger, so the bot never truncates more than its own torn write.
   */
  async #lastRecord(): Promise<{ note: string; end: number } | undefined> {
    const size = await sizeOf(this.#file);
    if (!size) return undefined;
    const found = await searchFromEnd(this.#file, (tail, tailStart) => {
      const [last, before] = recordEnds(tail);
      if (last === undefined) return tailStart === 0 ? null : undefined;
      if (before === undefined && tailStart > 0) return undefined;
      // The record ends with the blank line that separates it from the next; the note stops before it.
      return { note: tail.subarray(before ?? 0, last - 1).toString('utf8'), end: tailStart + last };
    });
    const end = found?.end ?? 0;
    if (size - end > MAX_TORN_BYTES || (await this.#hasCarriageReturn(end)))
      throw new MecError(
        'checkpoint_malformed',
        `${CHECKPOINTS_PATH} ends with ${size - end} bytes that are not a checkpoint the bot wrote (line ends changed to CRLF, or an edit?); restore it from version control. The bot signs nothing until it is`,
      );
    return found ?? undefined;
  }

  async #hasCarriageReturn(from: number): Promise<boolean> {
    const size = (await sizeOf(this.#file)) ?? 0;
    const tail = Buffer.alloc(Math.min(size - from, MAX_TORN_BYTES));
    const file = await open(this.#file, 'r');
    try {
      await file.read(tail, 0, tail.length, from);
    } finally {
      await file.close();
    }
    return tail.includes(0x0d);
  }

  async size(): Promise<number> {
    return (await sizeOf(this.#file)) ?? 0;
  }

  async *notes(uptoBytes?: number): AsyncIterable<{ note: string } | { torn: string }> {
    if ((await sizeOf(this.#file)) === undefined || uptoBytes === 0) return;
    const range = uptoBytes === undefined ? {} : { end: uptoBytes - 1 };
    const input = createReadStream(this.#file, { encoding: 'utf8', ...range });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let text: string[] = [];
    let signatures: string[] = [];
    let blanks = 0;
    for await (const line of lines) {
      if (line === '') {
        blanks += 1;
        if (signatures.length > 0) {
          yield { note: `${text.join('\n')}\n\n${signatures.join('\n')}\n` };
          text = [];
          signatures = [];
          blanks = 0;
        }
        continue;
      }
      if (line.startsWith(SIGNATURE) && blanks > 0 && text.length > 0) signatures.push(line);
      else text.push(line);
    }
    if (text.length > 0 || signatures.length > 0) yield { torn: [...text, '', ...signatures].join('\n') };
  }
}

/**
 * Where the last two complete records in `tail` end, just past their blank line, newest first. A blank
 * line ends a record when a signature line is before it; the one inside a note follows its text.
 */
function recordEnds(tail: Buffer): Array<number | undefined> {
  const ends: number[] = [];
  // Buffer's lastIndexOf counts a negative offset from the end, so every search stops before 0.
  let at = tail.lastIndexOf(RECORD_END);
  while (at > 0 && ends.length < 2) {
    const lineStart = tail.lastIndexOf(0x0a, at - 1) + 1;
    if (tail.subarray(lineStart, lineStart + SIGNATURE_BYTES.length).equals(SIGNATURE_BYTES))
      ends.push(at + 2);
    at = tail.lastIndexOf(RECORD_END, at - 1);
  }
  return [ends[0], ends[1]];
}
